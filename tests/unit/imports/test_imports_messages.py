"""An import message: valid ones become the kind's body with the CUPS in stored form; any other is rejected
for good, naming each offending field as the API's 422 would (data fields under `data.`)."""

import json
from typing import Any

import pytest
from stdnum.es import cups as stdnum_cups

from shared.billing.kinds import ELECTRICITY_INVOICES, GAS_CONTRACTS
from shared.billing.models.invoices import ElectricityInvoiceBody
from shared.core.errors import FieldProblem
from shared.imports.messages import UNREGISTERED_SENDER, ImportMessage, Rejection, parse_message


def cups(serial: int, suffix: str = "0F") -> str:
    digits = f"0021{serial:012d}"
    return f"ES{digits}{stdnum_cups.calc_check_digits('ES' + digits)}{suffix}"


INVOICE = {
    "invoice_number": "F1",
    "issue_date": "2024-05-03",
    "period_start": "2024-04-01",
    "period_end": "2024-04-30",
    "energy_kwh": {"P1": 55.1, "P2": 60, "P3": 120.5},
    "total_amount_eur": "53.10",
}
GAS_CONTRACT = {
    "tariff": "RL.1",
    "start_date": "2024-01-01",
    "annual_consumption_kwh": 4200,
    "daily_capacity_kwh": 20.5,
    "retailer": "Naturgy",
    "contract_number": "G-1",
}


def message(**changes: Any) -> dict[str, Any]:
    sent = {"kind": "electricity_invoice", "source": "erp", "external_id": "INV-1", "cups": cups(1), "data": INVOICE}
    return sent | changes


def rejection_fields(body: str) -> list[str]:
    parsed = parse_message(body)
    assert isinstance(parsed, Rejection), parsed
    return sorted(problem.field for problem in parsed.problems)


def test_a_valid_message_holds_the_kind_body_and_the_compact_cups() -> None:
    written = cups(7).lower()
    parsed = parse_message(json.dumps(message(cups=f" {written[:6]} {written[6:]} ")))
    assert isinstance(parsed, ImportMessage)
    assert parsed.kind is ELECTRICITY_INVOICES
    assert (parsed.source, parsed.external_id, parsed.cups) == ("erp", "INV-1", cups(7))
    assert parsed.supply_point == cups(7)[:20]
    assert parsed.body == ElectricityInvoiceBody.model_validate(INVOICE)


def test_a_gas_message_needs_a_20_character_cups() -> None:
    parsed = parse_message(json.dumps(message(kind="gas_contract", cups=cups(3, ""), data=GAS_CONTRACT)))
    assert isinstance(parsed, ImportMessage) and parsed.kind is GAS_CONTRACTS
    assert rejection_fields(json.dumps(message(kind="gas_contract", cups=cups(3), data=GAS_CONTRACT))) == ["cups"]


def test_a_body_that_is_not_json_is_rejected_on_the_body() -> None:
    parsed = parse_message("{not json")
    assert isinstance(parsed, Rejection)
    assert parsed.reason == "the message is not valid JSON"
    assert [problem.field for problem in parsed.problems] == ["body"]
    assert (parsed.source, parsed.external_id) == (None, None)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "water_invoice"}, ["kind"]),
        ({"source": "erp#2"}, ["source"]),  # "#" would make (source, external id) ambiguous
        ({"external_id": ""}, ["external_id"]),
        ({"data": "F1"}, ["data"]),
        ({"typo": 1}, ["typo"]),
        ({"cups": "ES0021000012345678LC0F"}, ["cups"]),
        ({"data": INVOICE | {"energy_kwh": {"P1": -1}, "vat_eur": "1.234"}}, ["data.energy_kwh.P1", "data.vat_eur"]),
        ({"cups": "ES00", "data": INVOICE | {"total_amount_eur": None}}, ["cups", "data.total_amount_eur"]),
    ],
)
def test_an_invalid_message_names_each_offending_field(changes: dict[str, Any], fields: list[str]) -> None:
    assert rejection_fields(json.dumps(message(**changes))) == fields


def test_a_rejection_keeps_the_source_and_external_id_it_was_given() -> None:
    parsed = parse_message(json.dumps(message(kind="nope")))
    assert isinstance(parsed, Rejection)
    assert (parsed.source, parsed.external_id) == ("erp", "INV-1")
    assert parsed.reason == "invalid message: kind"


def test_a_message_that_is_not_an_object_is_rejected_on_the_body() -> None:
    parsed = parse_message("[1, 2]")
    assert isinstance(parsed, Rejection)
    assert parsed.problems == (
        FieldProblem("body", "Input should be a valid dictionary or instance of ImportEnvelope"),
    )


def test_a_message_bound_to_a_source_may_claim_no_other() -> None:
    assert isinstance(parse_message(json.dumps(message()), "erp"), ImportMessage)
    parsed = parse_message(json.dumps(message()), "other-erp")
    assert isinstance(parsed, Rejection)
    assert parsed.problems == (FieldProblem("source", "this billing system may only send source other-erp"),)


@pytest.mark.parametrize(
    ("body", "identity"),
    [(json.dumps(message()), ("erp", "INV-1")), ("{not json", (None, None)), ("[" * 100_000, (None, None))],
)
def test_a_message_of_an_unregistered_sender_is_refused_on_the_source_whatever_it_holds(
    body: str, identity: tuple[str | None, str | None]
) -> None:
    parsed = parse_message(body, unregistered_sender=True)
    assert parsed == Rejection(UNREGISTERED_SENDER, (FieldProblem("source", UNREGISTERED_SENDER),), *identity)
