"""Storing a house's invoices.

- The house must have a CUPS of that energy; the invoice keeps it.
- An invoice number is unique per supply point. Storing the same invoice again (same number, same content)
  returns the stored one and creates nothing. The same number with other content is a conflict, unless it
  comes as a `rectifying` invoice correcting that very number: it is then stored as a rectification that
  reuses the number (a rectifying invoice may also have a number of its own).
- Rectifying and cancelling invoices must name, in `corrects_invoice_number`, an invoice stored for the
  supply point.
- Electricity energy (and power, if given) comes by the periods of the house's contract tariff in force on
  the first day billed, when there is such a contract."""

from typing import Any

from shared.billing.dal import documents
from shared.billing.dal import keys as billing_keys
from shared.billing.dal.keys import FRESH, KeyItems
from shared.billing.kinds import BillingKind
from shared.billing.models.contracts import power_periods
from shared.billing.models.documents import PORTAL, Origin, StoredDocument
from shared.billing.models.invoices import ElectricityInvoiceBody, InvoiceBody, StoredInvoice
from shared.billing.models.keys import InvoiceNumber
from shared.billing.models.values import PerPeriod, period_mismatches
from shared.billing.services.documents import document_from
from shared.billing.services.storing import decided_again_while_changed, house_link, new_entry
from shared.billing.services.tariffs import electricity_tariff_on
from shared.core.auth import Caller
from shared.core.errors import ConflictError, FieldProblem, InvalidInputError
from shared.houses.models import StoredHouse
from shared.houses.service import visible_house
from shared.tariffs import Period, tariff_periods


def create_invoice[BodyT: InvoiceBody, DocumentT: StoredDocument](
    caller: Caller, house_id: str, kind: BillingKind[BodyT, DocumentT], body: BodyT
) -> StoredInvoice[DocumentT]:
    caller.require_operator()
    return store_invoice(visible_house(caller, house_id), kind, body, PORTAL)


def store_invoice[BodyT: InvoiceBody, DocumentT: StoredDocument](
    house: StoredHouse, kind: BillingKind[BodyT, DocumentT], body: BodyT, origin: Origin, keys: KeyItems = FRESH
) -> StoredInvoice[DocumentT]:
    """The new invoice (created), or the one already stored with this number and content (not created).
    `keys`: key items read beforehand (a batch of imports)."""
    link = house_link(house, kind.energy)
    cups, supply_point = link.cups, link.supply_point
    if isinstance(body, ElectricityInvoiceBody):
        _require_tariff_periods(house.id, body)

    def attempt() -> StoredInvoice[DocumentT]:
        number = keys.invoice_number(kind.energy, supply_point, body.invoice_number)
        if number.invoices:
            stored = _same_invoice(kind, number, body)
            if stored is not None:
                return StoredInvoice[DocumentT](invoice=stored, created=False)
            if not body.reuses_corrected_number:
                raise _number_taken(body, cups)
        elif body.corrects_invoice_number is not None:
            corrected = keys.invoice_number(kind.energy, supply_point, body.corrects_invoice_number)
            if not corrected.invoices:
                raise _nothing_to_correct(body, cups)
        entry = new_entry(house, kind, body, cups, origin)
        billing_keys.store_invoice(entry, number)
        return StoredInvoice[DocumentT](invoice=document_from(kind, entry), created=True)

    return decided_again_while_changed(attempt)


def _same_invoice[DocumentT: StoredDocument](
    kind: BillingKind[Any, DocumentT], number: InvoiceNumber, body: InvoiceBody
) -> DocumentT | None:
    for ref in number.invoices:
        entry = documents.get_document(ref.house_id, kind.segment, ref.id)
        if entry is None:  # written in the same transaction as its number: a broken invariant, not bad input
            raise RuntimeError(f"invoice number {number.number} of {number.supply_point} refers to a missing {ref.id}")
        if kind.body.model_validate_json(entry.body) == body:
            return document_from(kind, entry)
    return None


def _require_tariff_periods(house_id: str, body: ElectricityInvoiceBody) -> None:
    tariff = electricity_tariff_on(house_id, body.period_start)
    if tariff is None:
        return
    problems = [
        *_period_problems("energy_kwh", body.energy_kwh, tariff_periods(tariff), f"{tariff} energy"),
        *_period_problems("power_kw", body.power_kw, power_periods(tariff), f"{tariff} power"),
    ]
    if problems:
        raise InvalidInputError(
            f"the house's contract in force on {body.period_start} has the {tariff} tariff", problems=problems
        )


def _period_problems(
    field: str, values: PerPeriod[Any] | None, expected: tuple[Period, ...], whose: str
) -> list[FieldProblem]:
    if values is None:
        return []
    mismatches = period_mismatches(values.by_period(), expected, whose)
    return [FieldProblem(f"{field}.{period}", message) for period, message in mismatches]


def _number_taken(body: InvoiceBody, cups: str) -> ConflictError:
    message = (
        f"invoice {body.invoice_number} is already stored for {cups} with other content; to correct it, send a "
        f"rectifying invoice naming it in corrects_invoice_number"
    )
    return ConflictError(message, problems=[FieldProblem("invoice_number", message)])


def _nothing_to_correct(body: InvoiceBody, cups: str) -> ConflictError:
    message = (
        f"no invoice {body.corrects_invoice_number} is stored for {cups}: a {body.type} invoice corrects a stored one"
    )
    return ConflictError(message, problems=[FieldProblem("corrects_invoice_number", message)])
