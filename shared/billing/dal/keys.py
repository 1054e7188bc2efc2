"""The BillingKeys table, and the writes of contracts and invoices it serialises. A document is stored in one
transaction with the key item its kind of write is serialised on, whose version must not have changed since it
was read (ChangedMeanwhileError otherwise):
- a house's contract timeline of one energy, so that of two contracts stored for it at the same time one is
  stored first and the other's no-overlap check sees it;
- an invoice number of a supply point, which lists the invoices stored under that number (one, or the original
  and the rectifications that reuse its number).
An imported document also claims its billing system's id (source, external id) in that transaction, so that one
id never stores two documents, whichever messages carry it and however often.

A changed contract replaces the stored one under the same timeline check, in one transaction with the history
item that keeps the version it replaces."""

from collections.abc import Iterable

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute, UnicodeSetAttribute, VersionAttribute
from pynamodb.transactions import TransactWrite

from shared.billing.dal.documents import BillingDocumentRecord, ReplacedContractRecord
from shared.billing.models.documents import DocumentEntry
from shared.billing.models.keys import ContractTimeline, DocumentRef, ExternalIdClaim, InvoiceNumber
from shared.core.dal.tables import TableRecord
from shared.core.dal.transactions import ConditionFailedError, write_transaction
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


class DocumentRefAttribute(MapAttribute[str, str]):
    house_id = UnicodeAttribute()
    id = UnicodeAttribute()


class InvoiceNumberRecord(TableRecord):
    class Meta:
        table_setting = "billing_keys_table"

    key = UnicodeAttribute(hash_key=True)  # "invoice#<energy>#<supply point>#<invoice number>"
    invoices = ListAttribute[DocumentRefAttribute](of=DocumentRefAttribute, default=list)  # in the order stored
    version = VersionAttribute()


class ExternalIdClaimRecord(TableRecord):
    class Meta:
        table_setting = "billing_keys_table"

    key = UnicodeAttribute(hash_key=True)  # "external#<source>#<external id>" (sources never contain "#")
    house_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    document_id = UnicodeAttribute()
    import_message = UnicodeAttribute(null=True)
    corrected_by = UnicodeSetAttribute(null=True)  # keys of the import messages


def contract_timeline(house_id: str, energy: Energy) -> ContractTimeline:
    """The timeline's key item as it is now."""
    try:
        record = ContractTimelineRecord.get(_timeline_key(house_id, energy), consistent_read=True)
    except ContractTimelineRecord.DoesNotExist:
        return ContractTimeline(house_id, energy)
    return ContractTimeline(house_id, energy, record.version)


def invoice_number(energy: Energy, supply_point: str, number: str) -> InvoiceNumber:
    """The invoices stored under `number` for the supply point (none if the number is new)."""
    try:
        record = InvoiceNumberRecord.get(_number_key(energy, supply_point, number), consistent_read=True)
    except InvoiceNumberRecord.DoesNotExist:
        return InvoiceNumber(energy, supply_point, number)
    return _invoice_number(energy, supply_point, number, record)


class KeyItems:
    """The key items a batch of writes (an import batch) reads: those read beforehand, in one BatchGetItem per
    kind, are each handed out once, to the first attempt that asks; anything else, and any retry, is read
    afresh. A prefetched item that changed meanwhile is harmless: the write's version check refuses it and
    the attempt is decided again on a fresh read."""

    def __init__(
        self, timelines: Iterable[tuple[str, Energy]] = (), numbers: Iterable[tuple[Energy, str, str]] = ()
    ) -> None:
        timelines_by_key = {_timeline_key(*timeline): ContractTimeline(*timeline) for timeline in timelines}
        numbers_by_key = {_number_key(*number): InvoiceNumber(*number) for number in numbers}
        if timelines_by_key:
            for record in ContractTimelineRecord.batch_get(timelines_by_key, consistent_read=True):
                timeline = timelines_by_key[record.key]
                timelines_by_key[record.key] = ContractTimeline(timeline.house_id, timeline.energy, record.version)
        if numbers_by_key:
            for found in InvoiceNumberRecord.batch_get(numbers_by_key, consistent_read=True):
                number = numbers_by_key[found.key]
                numbers_by_key[found.key] = _invoice_number(number.energy, number.supply_point, number.number, found)
        self._timelines = timelines_by_key
        self._numbers = numbers_by_key

    def contract_timeline(self, house_id: str, energy: Energy) -> ContractTimeline:
        prefetched = self._timelines.pop(_timeline_key(house_id, energy), None)
        return contract_timeline(house_id, energy) if prefetched is None else prefetched

    def invoice_number(self, energy: Energy, supply_point: str, number: str) -> InvoiceNumber:
        prefetched = self._numbers.pop(_number_key(energy, supply_point, number), None)
        return invoice_number(energy, supply_point, number) if prefetched is None else prefetched


FRESH = KeyItems()  # reads every key item as it is now


def external_id_claim(source: str, external_id: str) -> ExternalIdClaim | None:
    try:
        record = ExternalIdClaimRecord.get(_external_id_key(source, external_id), consistent_read=True)
    except ExternalIdClaimRecord.DoesNotExist:
        return None
    return ExternalIdClaim(
        source,
        external_id,
        house_id=record.house_id,
        kind=record.kind,
        document_id=record.document_id,
        import_message=record.import_message,
        corrected_by=frozenset(record.corrected_by or ()),
    )


def store_contract(document: DocumentEntry, timeline: ContractTimeline) -> None:
    _store(document, _timeline_record(timeline))


def store_invoice(document: DocumentEntry, number: InvoiceNumber) -> None:
    refs = [*number.invoices, DocumentRef(document.house_id, document.id)]
    record = InvoiceNumberRecord(
        _number_key(number.energy, number.supply_point, number.number),
        invoices=[DocumentRefAttribute(house_id=ref.house_id, id=ref.id) for ref in refs],
    )
    _store(document, _at_version(record, number.version))


def replace_contract(
    contract: DocumentEntry,
    replaced: DocumentEntry,
    replaced_by: str,
    timeline: ContractTimeline,
    import_message: str | None,
) -> None:
    """Save the changed `contract` over the version `replaced` (as read), keeping that version as history; the
    stored contract must still be that version (a change in between moves its updated_at). `import_message`: the
    message whose correction this is, recorded on the contract's claim."""
    as_replaced = (
        BillingDocumentRecord.updated_at.does_not_exist()
        if replaced.updated_at is None
        else BillingDocumentRecord.updated_at == replaced.updated_at
    )
    timeline_record = _timeline_record(timeline)
    history = ReplacedContractRecord.of(replaced, replaced_at=contract.updated_at or "", replaced_by=replaced_by)

    def write(transaction: TransactWrite) -> None:
        transaction.save(timeline_record)  # conditioned on its version, which the save also increments
        transaction.save(BillingDocumentRecord.of(contract), condition=BillingDocumentRecord.id.exists() & as_replaced)
        transaction.save(history, condition=ReplacedContractRecord.id.does_not_exist())
        if import_message is not None:
            transaction.update(
                ExternalIdClaimRecord(_external_id_key(contract.origin.source, contract.origin.external_id or "")),
                actions=[ExternalIdClaimRecord.corrected_by.add({import_message})],
                condition=ExternalIdClaimRecord.key.exists(),
            )

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index in {0, 1}:  # the timeline or the contract changed since read
            raise ChangedMeanwhileError from None
        raise


def _store(document: DocumentEntry, key_item: TableRecord) -> None:
    claim = _claim_of(document)

    def write(transaction: TransactWrite) -> None:
        transaction.save(key_item)  # conditioned on its version, which the save also increments
        transaction.save(BillingDocumentRecord.of(document), condition=BillingDocumentRecord.id.does_not_exist())
        if claim is not None:
            transaction.save(claim, condition=ExternalIdClaimRecord.key.does_not_exist())

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index == 0:
            raise ChangedMeanwhileError from None
        if failure.index == 2:  # the claim: puts are reported in the order saved
            raise ExternalIdTakenError(document.origin.external_id) from None
        raise


def _claim_of(document: DocumentEntry) -> ExternalIdClaimRecord | None:
    origin = document.origin
    if origin.external_id is None:
        return None
    return ExternalIdClaimRecord(
        _external_id_key(origin.source, origin.external_id),
        house_id=document.house_id,
        kind=document.kind,
        document_id=document.id,
        import_message=origin.import_message,
    )


def _timeline_record(timeline: ContractTimeline) -> ContractTimelineRecord:
    return _at_version(ContractTimelineRecord(_timeline_key(timeline.house_id, timeline.energy)), timeline.version)


def _at_version[RecordT: ContractTimelineRecord | InvoiceNumberRecord](record: RecordT, version: int | None) -> RecordT:
    """The key item as its write expects to find it (no version: not stored yet)."""
    if version is not None:
        record.version = version
    return record


def _invoice_number(energy: Energy, supply_point: str, number: str, record: InvoiceNumberRecord) -> InvoiceNumber:
    refs = tuple(DocumentRef(ref.house_id, ref.id) for ref in record.invoices)
    return InvoiceNumber(energy, supply_point, number, refs, record.version)


def _timeline_key(house_id: str, energy: Energy) -> str:
    return f"contracts#{house_id}#{energy.value}"


def _number_key(energy: Energy, supply_point: str, number: str) -> str:
    return f"invoice#{energy.value}#{supply_point}#{number}"


def _external_id_key(source: str, external_id: str) -> str:
    return f"external#{source}#{external_id}"
