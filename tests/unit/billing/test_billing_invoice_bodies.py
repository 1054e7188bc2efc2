"""Invoice bodies: types and what they correct, dates, energy per period, exact money; and what makes two
bodies the same invoice."""

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from shared.billing.models.invoices import ElectricityInvoiceBody, GasInvoiceBody, InvoiceType

ELECTRICITY = {
    "invoice_number": "FE24A0001234",
    "issue_date": "2024-05-03",
    "period_start": "2024-04-01",
    "period_end": "2024-04-30",
    "energy_kwh": {"P1": 55.123, "P2": 60, "P3": 120.5},
    "power_kw": {"P1": 4.6, "P2": 4.6},
    "energy_amount_eur": "31.20",
    "power_amount_eur": 12.1,
    "electricity_tax_eur": "2.22",
    "meter_rental_eur": "0.81",
    "vat_eur": "9.80",
    "total_amount_eur": "56.13",
    "surplus_kwh": 12.5,
    "pdf_url": "https://retailer.example.com/invoices/FE24A0001234.pdf",
}
GAS = {
    "invoice_number": "G24-77",
    "issue_date": "2024-05-03",
    "period_start": "2024-03-01",
    "period_end": "2024-04-30",
    "consumption_kwh": 1345.2,
    "consumption_m3": 120.4,
    "conversion_factor": "11.172757",
    "fixed_amount_eur": "8.50",
    "variable_amount_eur": "80.71",
    "tax_eur": "3.14",
    "vat_eur": "19.27",
    "total_amount_eur": "111.62",
}


def problems(model: Any, body: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body)
    return {".".join(str(part) for part in error["loc"]): error["msg"] for error in raised.value.errors()}


def test_a_normal_invoice_by_default_with_exact_amounts() -> None:
    invoice = ElectricityInvoiceBody.model_validate(ELECTRICITY)
    assert invoice.type is InvoiceType.NORMAL and invoice.corrects_invoice_number is None
    dumped = invoice.model_dump(mode="json")
    assert dumped["power_amount_eur"] == "12.10"
    assert dumped["energy_kwh"] == {"P1": 55.123, "P2": 60.0, "P3": 120.5}


@pytest.mark.parametrize("kind", ["rectifying", "cancelling"])
def test_rectifying_and_cancelling_invoices_name_the_invoice_they_correct(kind: str) -> None:
    found = problems(ElectricityInvoiceBody, ELECTRICITY | {"type": kind})
    assert list(found) == ["corrects_invoice_number"]
    assert f"required: the number of the invoice this {kind} invoice corrects" in found["corrects_invoice_number"]
    corrected = ElectricityInvoiceBody.model_validate(
        ELECTRICITY | {"type": kind, "invoice_number": "R1", "corrects_invoice_number": "FE24A0001234"}
    )
    assert corrected.corrects_invoice_number == "FE24A0001234"


def test_a_normal_invoice_corrects_nothing() -> None:
    assert list(problems(ElectricityInvoiceBody, ELECTRICITY | {"corrects_invoice_number": "X"})) == [
        "corrects_invoice_number"
    ]


def test_only_a_rectifying_invoice_may_reuse_the_number_it_corrects() -> None:
    same_number = {"corrects_invoice_number": ELECTRICITY["invoice_number"]}
    assert ElectricityInvoiceBody.model_validate(
        ELECTRICITY | same_number | {"type": "rectifying"}
    ).reuses_corrected_number
    assert list(problems(ElectricityInvoiceBody, ELECTRICITY | same_number | {"type": "cancelling"})) == [
        "corrects_invoice_number"
    ]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"period_end": "2024-03-31"}, ["period_end"]),
        ({"issue_date": "2024-03-31"}, ["issue_date"]),
        ({"issue_date": (date.today() + timedelta(days=2)).isoformat()}, ["issue_date"]),
        ({"type": "credit"}, ["type"]),
        ({"energy_kwh": {}}, ["energy_kwh"]),
        ({"energy_kwh": {"P1": -1, "P9": 1}}, ["energy_kwh.P1", "energy_kwh.P9"]),
        ({"power_kw": {}}, ["power_kw"]),
        ({"total_amount_eur": 0.1 + 0.2, "vat_eur": "1.001"}, ["total_amount_eur", "vat_eur"]),
        ({"total_amount_eur": None}, ["total_amount_eur"]),
        ({"pdf_url": "not a url"}, ["pdf_url"]),
        ({"invoice_number": "", "surplus_kwh": -2}, ["invoice_number", "surplus_kwh"]),
        (
            {"type": "cancelling", "period_end": "2024-03-01", "vat_eur": "x"},
            ["corrects_invoice_number", "period_end", "vat_eur"],
        ),
    ],
)
def test_electricity_invoice_problems_name_their_fields(changes: dict[str, Any], fields: list[str]) -> None:
    assert sorted(problems(ElectricityInvoiceBody, ELECTRICITY | changes)) == fields


def test_an_invoice_issued_on_its_first_day_is_fine() -> None:
    assert ElectricityInvoiceBody.model_validate(ELECTRICITY | {"issue_date": ELECTRICITY["period_start"]})


def test_gas_invoices() -> None:
    invoice = GasInvoiceBody.model_validate(GAS)
    assert invoice.model_dump(mode="json")["conversion_factor"] == 11.172757
    assert sorted(problems(GasInvoiceBody, GAS | {"consumption_kwh": None, "conversion_factor": 0})) == [
        "consumption_kwh",
        "conversion_factor",
    ]
    assert list(problems(GasInvoiceBody, GAS | {"energy_kwh": {"P1": 1}})) == ["energy_kwh"]


def test_the_same_invoice_written_differently_is_the_same_content() -> None:
    """What re-storing compares: the validated bodies, whatever form the numbers came in."""
    stored = ElectricityInvoiceBody.model_validate(ELECTRICITY)
    again = ElectricityInvoiceBody.model_validate(
        ELECTRICITY | {"type": "normal", "total_amount_eur": 56.13, "power_amount_eur": "12.100"}
    )
    assert again == stored
    assert ElectricityInvoiceBody.model_validate_json(stored.model_dump_json()) == stored
    assert ElectricityInvoiceBody.model_validate(ELECTRICITY | {"vat_eur": "9.81"}) != stored
