import pytest

from shared.houses.addresses import address_key, normalise_address


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("C/ Mayor, 5", "calle mayor 5"),
        ("C/Mayor,5", "Calle Mayor 5"),
        ("CALLE   MAYOR nº 5", "calle mayor, 5"),
        ("Avda. de la Constitución, 12", "avenida constitucion 12"),
        ("Av Constitucion 12", "Avenida de la Constitución 12"),
        ("Pza. España 1", "plaza de españa 1"),
        ("Pº de Gracia 20", "Paseo de Gracia, 20"),
        ("Ctra. de Valencia km 7", "carretera valencia km 7"),
    ],
)
def test_spellings_of_one_address_are_equal(written: str, same_as: str) -> None:
    assert normalise_address(written) == normalise_address(same_as)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Calle Mayor 5", "Calle Mayor 7"),
        ("Calle Mayor 5", "Plaza Mayor 5"),
        ("Calle Mayor 5, 1º A", "Calle Mayor 5, 1º B"),
    ],
)
def test_different_addresses_stay_different(one: str, other: str) -> None:
    assert normalise_address(one) != normalise_address(other)


def test_street_type_is_only_read_from_the_first_word() -> None:
    # 'pl' after the number is a floor ('planta'), not 'plaza'
    assert normalise_address("Calle Sol 3 pl 2") == "calle sol 3 pl 2"


def test_address_key_scopes_by_user_and_postal_code() -> None:
    key = address_key("u1", "28013", "C/ Mayor, 5")
    assert key == address_key("u1", "28013", "calle mayor 5")
    assert key != address_key("u2", "28013", "calle mayor 5")
    assert key != address_key("u1", "28014", "calle mayor 5")
