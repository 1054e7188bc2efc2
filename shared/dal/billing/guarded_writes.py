"""Stores a contract or invoice in one transaction with the BillingKeys item its kind of write is serialised
on, whose version must not have changed since it was read:
- a house's contract timeline of one energy, so that of two contracts stored for it at the same time one
  is stored first and the other's no-overlap check sees it;
- an invoice number of a supply point, which lists the invoices stored under that number (one, or the
  original and the rectifications that reuse its number)."""

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from shared.config import env
from shared.cups import Energy
from shared.dal.billing.documents import BillingDocumentRecord
from shared.dal.transactions import ConditionFailedError, write_transaction


class ChangedMeanwhileError(Exception):
    """Another request changed the key item since it was read: read again and decide again."""


class ContractTimelineRecord(Model):
    class Meta:
        table_name = env("BILLING_KEYS_TABLE")

    key = UnicodeAttribute(hash_key=True)  # "contracts#<house id>#<energy>"
    version = VersionAttribute()


class DocumentRef(MapAttribute[str, str]):
    house_id = UnicodeAttribute()
    id = UnicodeAttribute()


class InvoiceNumberRecord(Model):
    class Meta:
        table_name = env("BILLING_KEYS_TABLE")

    key = UnicodeAttribute(hash_key=True)  # "invoice#<energy>#<supply point>#<invoice number>"
    invoices = ListAttribute[DocumentRef](of=DocumentRef, default=list)  # in the order stored
    version = VersionAttribute()


def contract_timeline(house_id: str, energy: Energy) -> ContractTimelineRecord:
    """The timeline's key item as it is now (a new one if no contract was stored yet)."""
    key = f"contracts#{house_id}#{energy.value}"
    try:
        return ContractTimelineRecord.get(key, consistent_read=True)
    except ContractTimelineRecord.DoesNotExist:
        return ContractTimelineRecord(key)


def invoice_number(energy: Energy, supply_point: str, number: str) -> InvoiceNumberRecord:
    """The invoices stored under `number` for the supply point (none if the number is new)."""
    key = f"invoice#{energy.value}#{supply_point}#{number}"
    try:
        return InvoiceNumberRecord.get(key, consistent_read=True)
    except InvoiceNumberRecord.DoesNotExist:
        return InvoiceNumberRecord(key)


def store_contract(document: BillingDocumentRecord, timeline: ContractTimelineRecord) -> None:
    _store(document, timeline)


def store_invoice(document: BillingDocumentRecord, number: InvoiceNumberRecord) -> None:
    number.invoices = [*number.invoices, DocumentRef(house_id=document.house_id, id=document.id)]
    _store(document, number)


def _store(document: BillingDocumentRecord, key_item: Model) -> None:
    def write(transaction: TransactWrite) -> None:
        transaction.save(key_item)  # conditioned on its version, which the save also increments
        transaction.save(document, condition=BillingDocumentRecord.id.does_not_exist())

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index == 0:
            raise ChangedMeanwhileError from None
        raise
