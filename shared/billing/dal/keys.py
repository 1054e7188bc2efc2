"""Stores a contract or invoice in one transaction with the BillingKeys item its kind of write is serialised
on, whose version must not have changed since it was read:
- a house's contract timeline of one energy, so that of two contracts stored for it at the same time one
  is stored first and the other's no-overlap check sees it;
- an invoice number of a supply point, which lists the invoices stored under that number (one, or the
  original and the rectifications that reuse its number).
An imported document also claims its billing system's id (source, external id) in that transaction, so that
one id never stores two documents, whichever messages carry it and however often.

A changed contract replaces the stored one under the same timeline check, in one transaction with the history
item that keeps the version it replaces."""

from collections.abc import Iterable

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute, UnicodeSetAttribute, VersionAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from shared.billing.dal.documents import BillingDocumentRecord, ReplacedContractRecord
from shared.core.dynamodb.tables import TableRecord
from shared.core.dynamodb.transactions import ConditionFailedError, write_transaction
from shared.supply_points.cups import Energy


class ChangedMeanwhileError(Exception):
    """Another request changed the key item since it was read: read again and decide again."""


class ExternalIdTakenError(Exception):
    """A document was already stored under this billing system's id (source, external id)."""


class ContractTimelineRecord(TableRecord):
    class Meta:
        table_setting = "billing_keys_table"

    key = UnicodeAttribute(hash_key=True)  # "contracts#<house id>#<energy>"
    version = VersionAttribute()


class DocumentRef(MapAttribute[str, str]):
    house_id = UnicodeAttribute()
    id = UnicodeAttribute()


class InvoiceNumberRecord(TableRecord):
    class Meta:
        table_setting = "billing_keys_table"

    key = UnicodeAttribute(hash_key=True)  # "invoice#<energy>#<supply point>#<invoice number>"
    invoices = ListAttribute[DocumentRef](of=DocumentRef, default=list)  # in the order stored
    version = VersionAttribute()


class ExternalIdClaimRecord(TableRecord):
    """Which document a billing system's id stored, the import message that stored it, and the import messages
    that corrected it since."""

    class Meta:
        table_setting = "billing_keys_table"

    key = UnicodeAttribute(hash_key=True)  # "external#<source>#<external id>" (sources never contain "#")
    house_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    document_id = UnicodeAttribute()
    import_message = UnicodeAttribute(null=True)
    corrected_by = UnicodeSetAttribute(null=True)  # keys of the import messages

    def stored_or_corrected_by(self, import_message: str) -> bool:
        return import_message == self.import_message or import_message in (self.corrected_by or set())


def contract_timeline(house_id: str, energy: Energy) -> ContractTimelineRecord:
    """The timeline's key item as it is now (a new one if no contract was stored yet)."""
    key = _timeline_key(house_id, energy)
    try:
        return ContractTimelineRecord.get(key, consistent_read=True)
    except ContractTimelineRecord.DoesNotExist:
        return ContractTimelineRecord(key)


def invoice_number(energy: Energy, supply_point: str, number: str) -> InvoiceNumberRecord:
    """The invoices stored under `number` for the supply point (none if the number is new)."""
    key = _number_key(energy, supply_point, number)
    try:
        return InvoiceNumberRecord.get(key, consistent_read=True)
    except InvoiceNumberRecord.DoesNotExist:
        return InvoiceNumberRecord(key)


class KeyItems:
    """The key items a batch of writes (an import batch) reads: those read beforehand, in one BatchGetItem per
    kind, are each handed out once, to the first attempt that asks; anything else, and any retry, is read
    afresh. A prefetched item that changed meanwhile is harmless: the write's version check refuses it and
    the attempt is decided again on a fresh read."""

    def __init__(
        self, timelines: Iterable[tuple[str, Energy]] = (), numbers: Iterable[tuple[Energy, str, str]] = ()
    ) -> None:
        timeline_keys = {_timeline_key(*timeline) for timeline in timelines}
        number_keys = {_number_key(*number) for number in numbers}
        self._timelines = {key: ContractTimelineRecord(key) for key in timeline_keys}
        self._numbers = {key: InvoiceNumberRecord(key) for key in number_keys}
        if timeline_keys:
            self._timelines |= {i.key: i for i in ContractTimelineRecord.batch_get(timeline_keys, consistent_read=True)}
        if number_keys:
            self._numbers |= {i.key: i for i in InvoiceNumberRecord.batch_get(number_keys, consistent_read=True)}

    def contract_timeline(self, house_id: str, energy: Energy) -> ContractTimelineRecord:
        prefetched = self._timelines.pop(_timeline_key(house_id, energy), None)
        return contract_timeline(house_id, energy) if prefetched is None else prefetched

    def invoice_number(self, energy: Energy, supply_point: str, number: str) -> InvoiceNumberRecord:
        prefetched = self._numbers.pop(_number_key(energy, supply_point, number), None)
        return invoice_number(energy, supply_point, number) if prefetched is None else prefetched


FRESH = KeyItems()  # reads every key item as it is now


def external_id_claim(source: str, external_id: str) -> ExternalIdClaimRecord | None:
    try:
        return ExternalIdClaimRecord.get(_external_id_key(source, external_id), consistent_read=True)
    except ExternalIdClaimRecord.DoesNotExist:
        return None


def store_contract(document: BillingDocumentRecord, timeline: ContractTimelineRecord) -> None:
    _store(document, timeline)


def store_invoice(document: BillingDocumentRecord, number: InvoiceNumberRecord) -> None:
    number.invoices = [*number.invoices, DocumentRef(house_id=document.house_id, id=document.id)]
    _store(document, number)


def replace_contract(
    contract: BillingDocumentRecord,
    replaced: ReplacedContractRecord,
    timeline: ContractTimelineRecord,
    import_message: str | None,
) -> None:
    """Save the changed `contract` over the version `replaced` keeps, and that history item. The stored contract
    must still be that version (a change in between moves its updated_at). `import_message`: the message whose
    correction this is, recorded on the contract's claim."""
    as_replaced = (
        BillingDocumentRecord.updated_at.does_not_exist()
        if replaced.updated_at is None
        else BillingDocumentRecord.updated_at == replaced.updated_at
    )

    def write(transaction: TransactWrite) -> None:
        transaction.save(timeline)  # conditioned on its version, which the save also increments
        transaction.save(contract, condition=BillingDocumentRecord.id.exists() & as_replaced)
        transaction.save(replaced, condition=ReplacedContractRecord.id.does_not_exist())
        if import_message is not None:
            transaction.update(
                ExternalIdClaimRecord(_external_id_key(contract.source, contract.external_id)),
                actions=[ExternalIdClaimRecord.corrected_by.add({import_message})],
                condition=ExternalIdClaimRecord.key.exists(),
            )

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index in {0, 1}:  # the timeline or the contract changed since read
            raise ChangedMeanwhileError from None
        raise


def _store(document: BillingDocumentRecord, key_item: Model) -> None:
    claim = _claim_of(document)

    def write(transaction: TransactWrite) -> None:
        transaction.save(key_item)  # conditioned on its version, which the save also increments
        transaction.save(document, condition=BillingDocumentRecord.id.does_not_exist())
        if claim is not None:
            transaction.save(claim, condition=ExternalIdClaimRecord.key.does_not_exist())

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index == 0:
            raise ChangedMeanwhileError from None
        if failure.index == 2:  # the claim: puts are reported in the order saved
            raise ExternalIdTakenError(document.external_id) from None
        raise


def _claim_of(document: BillingDocumentRecord) -> ExternalIdClaimRecord | None:
    if document.external_id is None:
        return None
    return ExternalIdClaimRecord(
        _external_id_key(document.source, document.external_id),
        house_id=document.house_id,
        kind=document.kind,
        document_id=document.id,
        import_message=document.import_message,
    )


def _timeline_key(house_id: str, energy: Energy) -> str:
    return f"contracts#{house_id}#{energy.value}"


def _number_key(energy: Energy, supply_point: str, number: str) -> str:
    return f"invoice#{energy.value}#{supply_point}#{number}"


def _external_id_key(source: str, external_id: str) -> str:
    return f"external#{source}#{external_id}"
