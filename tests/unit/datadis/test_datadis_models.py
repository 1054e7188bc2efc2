"""Datadis' shapes as samples/datadis shows them: the consent request's body, and answers read by their wire names."""

from datetime import date

from shared.datadis.models import Authorization, AuthorizationRequest, Supply

# samples/datadis/send-request-authorization.request.json
REQUEST_SAMPLE = {
    "startDatePull": 1711922400000,
    "endDatePull": 1774994400000,
    "nifSolicitante": "12345678Z",
    "cups": [{"cups": "ES0021000087654321MF0F", "startDate": 1711922400000, "endDate": 1774994400000}],
    "mode": "PULL",
}


def test_a_pull_request_is_the_documented_body_with_local_midnights_in_epoch_milliseconds() -> None:
    request = AuthorizationRequest.pull(
        "12345678Z", ["ES0021000087654321MF0F"], start=date(2024, 4, 1), end=date(2026, 4, 1)
    )
    assert request.model_dump(by_alias=True) == REQUEST_SAMPLE


def test_a_winter_midnight_is_an_hour_later_in_utc() -> None:
    request = AuthorizationRequest.pull("12345678Z", [], start=date(2025, 1, 15), end=date(2025, 1, 16))
    assert (request.start_date_pull, request.end_date_pull) == (1736895600000, 1736982000000)  # 23:00Z the day before


def test_answers_are_read_by_datadis_field_names_and_numbers_may_be_either_type() -> None:
    supply = Supply.model_validate({"cups": "ES0021000087654321MF0F", "distributorCode": 8, "pointType": "5"})
    assert (supply.distributor_code, supply.point_type, supply.valid_date_to) == ("8", 5, "")


def test_an_authorisation_with_a_status_or_fields_datadis_adds_later_still_parses() -> None:
    entry = Authorization.model_validate(
        {
            "id": 1,
            "requestId": 2,
            "ownerDocument": "12345678Z",
            "cups": "ES0021000087654321MF0F",
            "status": {"id": 9, "description": "NUEVA"},
            "somethingNew": True,
        }
    )
    assert (entry.status.id, entry.validity_date_end, entry.is_deleted) == (9, None, None)
