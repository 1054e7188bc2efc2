"""The consent use cases with Datadis unreachable: a 503 with Retry-After, and nothing recorded."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.core.auth import Caller
from shared.core.errors import ForbiddenError, UnavailableError
from shared.datadis.clients.datadis_api import DatadisApi
from shared.datadis.models import ConsentRequestBody, DatadisConsent
from shared.datadis.services import consents as service
from shared.houses.models import HouseKind, StoredHouse, SupplyLink
from shared.supply_points.cups import Energy

OWNER = Caller(sub="owner-sub", groups=frozenset())
OPERATOR = Caller(sub="operator-sub", groups=frozenset({"operators"}))
NOW = datetime(2026, 12, 3, 10, tzinfo=UTC)
HOUSE = StoredHouse(
    id="house-1",
    user_id="user-1",
    name=None,
    kind=HouseKind.DWELLING,
    address="Calle Mayor 5",
    postal_code="28013",
    city=None,
    address_key="key",
    created_at=NOW,
    updated_at=NOW,
    links={Energy.ELECTRICITY: SupplyLink("ES0021000087654321MF0F", "link-1")},
)


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch) -> list[DatadisConsent]:
    written: list[DatadisConsent] = []
    monkeypatch.setattr(service, "visible_house", lambda caller, house_id: HOUSE)
    monkeypatch.setattr(service.dal, "get_consent", lambda house_id: None)
    monkeypatch.setattr(service.dal, "save_consent", lambda consent: written.append(consent) or consent)
    return written


def test_an_unreachable_datadis_is_503_with_retry_after_and_records_nothing(saved: list[Any]) -> None:
    closed_port = DatadisApi("http://127.0.0.1:9", "B00000000", "password", timeout=2)

    with pytest.raises(UnavailableError) as unavailable:
        service.request_consent(OWNER, HOUSE.id, ConsentRequestBody(nif="12345678Z"), closed_port, NOW)

    assert unavailable.value.status == 503
    assert int(unavailable.value.headers["Retry-After"]) > 0
    assert saved == []


def test_an_operator_never_asks_on_the_user_s_behalf(saved: list[Any]) -> None:
    with pytest.raises(ForbiddenError):
        service.request_consent(OPERATOR, HOUSE.id, ConsentRequestBody(nif="12345678Z"), None, NOW)  # type: ignore[arg-type]
    assert saved == []


def test_the_request_lasts_two_years_even_from_29_february() -> None:
    assert service._years_after(date(2028, 2, 29), 2) == date(2030, 2, 28)
