"""The consent state from Datadis' answers alone: the answer to our request, then the newest authorisation Datadis
lists for the holder's NIF and the house's CUPS, and whether Datadis lists that CUPS among the holder's supplies."""

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from shared.datadis.consent import (
    NothingToCheckError,
    can_be_checked,
    decide_consent,
    in_force,
    newest_authorization,
    request_outcome,
)
from shared.datadis.models import Authorization, AuthorizationList, ConsentStatus, Supply

NIF, CUPS = "12345678Z", "ES0021000087654321MF0F"
SUMMER = timezone(timedelta(hours=2))
TODAY = date(2025, 1, 15)
# samples/datadis/third-authorized-users-cups.response.json and get-supplies.json
AUTHORIZATIONS_SAMPLE = {
    "response": [
        {
            "id": 9000001,
            "ownerDocument": "12345678Z",
            "ownerName": "MARIA GARCIA LOPEZ",
            "ownerDocumentTypeName": "NIF",
            "requesterDocument": "B00000000",
            "requesterDocumentTypeName": "CIF",
            "requesterName": "PORTAL ENERGIA EJEMPLO SL",
            "requestId": 500001,
            "cups": "ES0021000087654321MF0F",
            "status": {"id": 5, "description": "VIGENTE"},
            "validityDateStart": "2024-04-01T00:00:00.000+0200",
            "validityDateEnd": "2026-04-01T23:59:59.000+0200",
            "isDeleted": None,
            "distributorCodeFather": "0021",
        }
    ]
}
SUPPLIES_SAMPLE = [
    {
        "address": "CALLE EJEMPLO 12 3 B 28001 MADRID - MADRID",
        "cups": "ES0021000087654321MF0F",
        "postalCode": "28001",
        "province": "Madrid",
        "municipality": "MADRID",
        "distributor": "I-DE REDES ELÉCTRICAS INTELIGENTES, S.A.U.",
        "validDateFrom": "2019/06/14",
        "validDateTo": "",
        "pointType": 5,
        "distributorCode": "8",
    }
]
SUPPLIES = [Supply.model_validate(supply) for supply in SUPPLIES_SAMPLE]
STATUS_NAMES = {1: "PENDIENTE", 3: "EXPIRADA", 5: "VIGENTE", 7: "RECHAZADA"}


def authorization(status: int, request_id: int = 500001, **fields: Any) -> Authorization:
    entry = AUTHORIZATIONS_SAMPLE["response"][0] | {
        "id": request_id + 8500000,
        "requestId": request_id,
        "status": {"id": status, "description": STATUS_NAMES.get(status, "OTRA")},
    }
    return Authorization.model_validate(entry | fields)


def decide(
    current: ConsentStatus, entry: Authorization | None, supplies: list[Supply] | None = SUPPLIES
) -> tuple[ConsentStatus, int | None]:
    decision = decide_consent(current, entry, supplies=supplies, today=TODAY)
    return decision.status, decision.request_id


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("ok", ConsentStatus.PENDING),
        ("nonif", ConsentStatus.NOT_REGISTERED),
        ("noSupplies", ConsentStatus.NO_SUPPLIES),
        ("nopermisos", None),
        ("something new", None),
        (None, None),  # a timeout, a 5xx: no answer
    ],
)
def test_the_answer_to_a_consent_request_sets_the_state_or_records_nothing(
    answer: str | None, status: ConsentStatus | None
) -> None:
    outcome = request_outcome(answer)
    assert outcome.status == status
    assert outcome.reason


def test_the_refusals_tell_the_holder_what_to_do() -> None:
    assert "register" in request_outcome("nonif").reason
    assert "holder" in request_outcome("noSupplies").reason


@pytest.mark.parametrize("status", list(ConsentStatus))
def test_a_callback_checks_every_state_but_those_datadis_lists_nothing_for(status: ConsentStatus) -> None:
    nothing_to_check = {"NOT_REQUESTED", "NOT_REGISTERED", "NO_SUPPLIES", "REVOKED"}
    assert can_be_checked(status) is (status not in nothing_to_check)
    if status in nothing_to_check:
        with pytest.raises(NothingToCheckError):
            decide_consent(status, authorization(5), supplies=SUPPLIES, today=TODAY)


def test_the_sample_authorisation_in_force_connects_the_house_with_its_evidence() -> None:
    [entry] = AuthorizationList.model_validate(AUTHORIZATIONS_SAMPLE).response
    found = newest_authorization([entry], nif=NIF, cups=CUPS)

    decision = decide_consent(ConsentStatus.PENDING, found, supplies=SUPPLIES, today=TODAY)

    assert decision.status is ConsentStatus.CONNECTED
    assert decision.request_id == 500001
    assert decision.authorized_from == datetime(2024, 4, 1, tzinfo=SUMMER)
    assert decision.authorized_until == datetime(2026, 4, 1, 23, 59, 59, tzinfo=SUMMER)


@pytest.mark.parametrize(
    ("status", "decided"),
    [(1, ConsentStatus.PENDING), (7, ConsentStatus.REJECTED), (3, ConsentStatus.EXPIRED), (5, ConsentStatus.CONNECTED)],
)
def test_each_datadis_status_decides_a_state(status: int, decided: ConsentStatus) -> None:
    assert decide(ConsentStatus.PENDING, authorization(status)) == (decided, 500001)


def test_an_authorisation_in_force_is_expired_once_its_validity_has_ended() -> None:
    entry = authorization(5)  # valid until 2026-04-01 23:59:59+02:00
    on_last_day = decide_consent(ConsentStatus.CONNECTED, entry, supplies=SUPPLIES, today=date(2026, 4, 1))
    next_day = decide_consent(ConsentStatus.CONNECTED, entry, supplies=None, today=date(2026, 4, 2))
    assert (on_last_day.status, next_day.status) == (ConsentStatus.CONNECTED, ConsentStatus.EXPIRED)
    assert next_day.authorized_until == datetime(2026, 4, 1, 23, 59, 59, tzinfo=SUMMER)
    assert in_force(entry, date(2026, 4, 1)) and not in_force(entry, date(2026, 4, 2))
    assert not in_force(authorization(1), TODAY)


def test_authorised_but_the_cups_not_among_the_holders_supplies_waits_for_them() -> None:
    other_supply = Supply(cups="ES0021000012345678LB0F", distributor_code="8", point_type=5)
    assert decide(ConsentStatus.PENDING, authorization(5), [other_supply])[0] is ConsentStatus.WAITING_SUPPLIES
    assert decide(ConsentStatus.WAITING_SUPPLIES, authorization(5), [])[0] is ConsentStatus.WAITING_SUPPLIES
    assert decide(ConsentStatus.WAITING_SUPPLIES, authorization(5))[0] is ConsentStatus.CONNECTED


def test_an_authorisation_in_force_needs_the_holders_supplies_to_be_decided() -> None:
    with pytest.raises(ValueError, match="supplies"):
        decide_consent(ConsentStatus.PENDING, authorization(5), supplies=None, today=TODAY)


def test_the_cups_matches_on_its_first_20_characters_and_the_nif_whatever_its_spelling() -> None:
    entry = authorization(5, cups="ES0021000087654321MF")  # Datadis without the border-point suffix
    assert newest_authorization([entry], nif=" 12345678z", cups=CUPS) == entry
    supply_22 = Supply(cups="es0021000087654321mf1P", distributor_code="8", point_type=5)
    assert decide(ConsentStatus.PENDING, entry, [supply_22])[0] is ConsentStatus.CONNECTED


def test_authorisations_of_other_holders_other_supplies_or_deleted_ones_are_not_this_houses() -> None:
    others = [
        authorization(5, ownerDocument="87654321X"),
        authorization(5, cups="ES0021000012345678LB0F"),
        authorization(5, request_id=500009, isDeleted=True),
    ]
    assert newest_authorization(others, nif=NIF, cups=CUPS) is None


@pytest.mark.parametrize(
    ("older", "newer", "decided"),
    [
        (7, 1, ConsentStatus.PENDING),  # asked again after a rejection
        (7, 5, ConsentStatus.CONNECTED),
        (5, 7, ConsentStatus.REJECTED),
        (3, 5, ConsentStatus.CONNECTED),  # renewed after it expired
    ],
)
def test_the_newest_request_decides(older: int, newer: int, decided: ConsentStatus) -> None:
    entries = [authorization(newer, request_id=500002), authorization(older, request_id=500001)]
    entry = newest_authorization(entries, nif=NIF, cups=CUPS)
    assert decide(ConsentStatus.REJECTED, entry) == (decided, 500002)


def test_an_unknown_datadis_status_keeps_the_state() -> None:
    decision = decide_consent(ConsentStatus.CONNECTED, authorization(9), supplies=SUPPLIES, today=TODAY)
    assert decision.status is ConsentStatus.CONNECTED
    assert "unknown status 9" in decision.reason


@pytest.mark.parametrize(
    ("current", "decided"),
    [
        (ConsentStatus.PENDING, ConsentStatus.PENDING),  # a request just sent may not be listed yet
        (ConsentStatus.CONNECTED, ConsentStatus.EXPIRED),  # cancelled or deleted in Datadis
        (ConsentStatus.WAITING_SUPPLIES, ConsentStatus.EXPIRED),
        (ConsentStatus.REJECTED, ConsentStatus.REJECTED),
        (ConsentStatus.EXPIRED, ConsentStatus.EXPIRED),
    ],
)
def test_when_datadis_lists_nothing_for_the_house(current: ConsentStatus, decided: ConsentStatus) -> None:
    assert decide(current, None) == (decided, None)
