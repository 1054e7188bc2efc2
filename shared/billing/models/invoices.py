"""Electricity and gas invoices (docs/api.md, "Contracts and invoices").

An invoice number is unique per supply point: `normal` and `cancelling` invoices have their own number;
a `rectifying` one either has its own number or reuses the number of the invoice it corrects. Rectifying
and cancelling invoices name the invoice they correct in `corrects_invoice_number`."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, Field, HttpUrl, StringConstraints, ValidationInfo, field_validator

from shared.billing.models.documents import StoredDocument
from shared.billing.models.values import (
    CubicMetres,
    EnergyPerPeriod,
    Kwh,
    KwhPerCubicMetre,
    Money,
    PerPeriod,
    PowerPerPeriod,
)
from shared.core.models import RequestBody

# Invoices are dated by the Spanish retailers that issue them.
_SPAIN = ZoneInfo("Europe/Madrid")

InvoiceNumber = Annotated[str, StringConstraints(min_length=1, max_length=60), Field(examples=["FE24A0001234"])]


class InvoiceType(StrEnum):
    NORMAL = "normal"
    RECTIFYING = "rectifying"
    CANCELLING = "cancelling"


class InvoiceBody(RequestBody):
    """What every invoice has: its number, what it corrects, its dates and total."""

    invoice_number: InvoiceNumber
    type: InvoiceType = InvoiceType.NORMAL
    corrects_invoice_number: InvoiceNumber | None = Field(
        default=None,
        validate_default=True,  # so that a missing one is checked against the type
        description="Rectifying and cancelling invoices only: the number of the invoice they correct",
    )
    period_start: date = Field(description="First day billed")
    period_end: date = Field(description="Last day billed (inclusive)")
    issue_date: date
    vat_eur: Money | None = None
    total_amount_eur: Money

    @property
    def days(self) -> tuple[date, date | None]:
        return self.period_start, self.period_end

    @property
    def reuses_corrected_number(self) -> bool:
        return self.type is InvoiceType.RECTIFYING and self.corrects_invoice_number == self.invoice_number

    @field_validator("corrects_invoice_number")
    @classmethod
    def _named_by_corrections_only(cls, corrected: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("type")
        if kind is InvoiceType.NORMAL and corrected is not None:
            raise ValueError("only rectifying and cancelling invoices correct another invoice")
        if kind in {InvoiceType.RECTIFYING, InvoiceType.CANCELLING} and corrected is None:
            raise ValueError(f"required: the number of the invoice this {kind} invoice corrects")
        if kind is InvoiceType.CANCELLING and corrected == info.data.get("invoice_number"):
            raise ValueError("a cancelling invoice has a number of its own, not the one of the invoice it cancels")
        return corrected

    @field_validator("period_end")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("period_start")
        if start is not None and end < start:
            raise ValueError("must not be before period_start")
        return end

    @field_validator("issue_date")
    @classmethod
    def _issued_in_the_period_or_after(cls, issued: date, info: ValidationInfo) -> date:
        start = info.data.get("period_start")
        if start is not None and issued < start:
            raise ValueError("must not be before period_start")
        if issued > datetime.now(_SPAIN).date():
            raise ValueError("must not be in the future")
        return issued


def _some_period[ValuesT: PerPeriod[Any]](values: ValuesT) -> ValuesT:
    if not values.by_period():
        raise ValueError("give the value of at least one period")
    return values


class ElectricityInvoiceBody(InvoiceBody):
    energy_kwh: Annotated[EnergyPerPeriod, AfterValidator(_some_period)] = Field(
        description="Per period; the periods of the house's contract tariff in force on period_start, if any"
    )
    power_kw: Annotated[PowerPerPeriod, AfterValidator(_some_period)] | None = None
    energy_amount_eur: Money | None = None
    power_amount_eur: Money | None = None
    electricity_tax_eur: Money | None = None
    meter_rental_eur: Money | None = None
    surplus_kwh: Kwh | None = None
    pdf_url: HttpUrl | None = None


class GasInvoiceBody(InvoiceBody):
    consumption_kwh: Kwh
    consumption_m3: CubicMetres | None = None
    conversion_factor: KwhPerCubicMetre | None = Field(default=None, description="kWh per m³")
    fixed_amount_eur: Money | None = None
    variable_amount_eur: Money | None = None
    tax_eur: Money | None = None


class ElectricityInvoice(StoredDocument, ElectricityInvoiceBody):
    pass


class GasInvoice(StoredDocument, GasInvoiceBody):
    pass


class StoredInvoice[InvoiceT: StoredDocument](BaseModel):
    """The outcome of storing an invoice: the new one (created), or the one already stored under that number
    with the same content (nothing created)."""

    invoice: InvoiceT
    created: bool
