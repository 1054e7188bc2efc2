import pytest
from pydantic import ValidationError

from shared.houses.models import HouseCreate, HouseKind, HouseUpdate
from shared.users.models import UserCreate


def error_fields(error: ValidationError) -> list[str]:
    return [".".join(str(part) for part in item["loc"]) for item in error.errors()]


@pytest.mark.parametrize("postal_code", ["28013", "01001", "52006"])
def test_valid_postal_codes(postal_code: str) -> None:
    assert HouseCreate(address="Calle Mayor 5", postal_code=postal_code).postal_code == postal_code


@pytest.mark.parametrize("postal_code", ["2800", "280133", "00100", "53001", "2801A"])
def test_invalid_postal_codes_name_the_field(postal_code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        HouseCreate(address="Calle Mayor 5", postal_code=postal_code)
    assert error_fields(raised.value) == ["postal_code"]


def test_house_defaults_and_blank_address() -> None:
    assert HouseCreate(address=" x ", postal_code="28013").kind is HouseKind.DWELLING
    with pytest.raises(ValidationError) as raised:
        HouseCreate.model_validate({"address": "   ", "postal_code": "28013", "colour": "red"})
    assert sorted(error_fields(raised.value)) == ["address", "colour"]


def test_house_update_takes_only_the_fields_sent() -> None:
    assert HouseUpdate.model_validate({"name": None, "city": "Madrid"}).changes() == {"name": None, "city": "Madrid"}
    with pytest.raises(ValidationError) as raised:
        HouseUpdate.model_validate({"address": None})
    assert error_fields(raised.value) == ["address"]
    with pytest.raises(ValidationError):
        HouseUpdate.model_validate({})


def test_user_nif_is_checked_and_compacted() -> None:
    user = UserCreate(name="Ana", email="ana@example.com", nif="x-1234567-l")
    assert user.nif == "X1234567L"
    with pytest.raises(ValidationError) as raised:
        UserCreate(name="Ana", email="ana@example.com", nif="12345678A")
    assert error_fields(raised.value) == ["nif"]


@pytest.mark.parametrize(("field", "value"), [("email", "not-an-email"), ("name", ""), ("phone", "call me")])
def test_user_fields_are_validated(field: str, value: str) -> None:
    body = {"name": "Ana", "email": "ana@example.com"} | {field: value}
    with pytest.raises(ValidationError) as raised:
        UserCreate.model_validate(body)
    assert error_fields(raised.value) == [field]
