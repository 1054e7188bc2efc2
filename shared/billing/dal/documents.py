"""The BillingDocuments table: a house's contracts and invoices, one partition per house and kind, listed newest
period first through the local by_period index (local, so a read right after a write sees it).

Every version of a contract that a change replaced is kept in the same table, under a partition of its own per
house and kind, in the order replaced. Those items have no period_key, so the by_period listings never show
them; there is no API to read them yet."""

from datetime import date, timedelta

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, LocalSecondaryIndex

from shared.billing.models.documents import DocumentEntry, Origin
from shared.core.dal.pages import read_page
from shared.core.dal.tables import TableRecord
from shared.core.paging import Key, PageRequest


class DocumentsByPeriodIndex(LocalSecondaryIndex["BillingDocumentRecord"]):
    class Meta:
        index_name = "by_period"
        projection = AllProjection()

    house_kind = UnicodeAttribute(hash_key=True)
    period_key = UnicodeAttribute(range_key=True)


class BillingDocumentRecord(TableRecord):
    class Meta:
        table_setting = "billing_documents_table"

    house_kind = UnicodeAttribute(hash_key=True)  # "<house id>#<kind>", e.g. "…#electricity-invoices"
    id = UnicodeAttribute(range_key=True)
    period_key = UnicodeAttribute()  # "<first day>#<created_at>#<id>": by period, then by when first stored
    house_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    cups = UnicodeAttribute()
    first_day = UnicodeAttribute()
    last_day = UnicodeAttribute(null=True)
    body = UnicodeAttribute()  # the request body as validated, JSON
    source = UnicodeAttribute()
    external_id = UnicodeAttribute(null=True)
    import_message = UnicodeAttribute(null=True)  # "<import id>#<position>" of the import message that stored it
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    by_period = DocumentsByPeriodIndex()

    @classmethod
    def of(cls, entry: DocumentEntry) -> "BillingDocumentRecord":
        return cls(
            partition(entry.house_id, entry.kind),
            entry.id,
            period_key=f"{entry.first_day.isoformat()}#{entry.created_at}#{entry.id}",
            house_id=entry.house_id,
            kind=entry.kind,
            cups=entry.cups,
            first_day=entry.first_day.isoformat(),
            last_day=entry.last_day.isoformat() if entry.last_day else None,
            body=entry.body,
            source=entry.origin.source,
            external_id=entry.origin.external_id,
            import_message=entry.origin.import_message,
            created_at=entry.created_at,
            updated_at=entry.updated_at,
        )

    def to_entry(self) -> DocumentEntry:
        return DocumentEntry(
            house_id=self.house_id,
            kind=self.kind,
            id=self.id,
            cups=self.cups,
            body=self.body,
            first_day=date.fromisoformat(self.first_day),
            last_day=date.fromisoformat(self.last_day) if self.last_day else None,
            origin=Origin(self.source, self.external_id, self.import_message),
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


class ReplacedContractRecord(TableRecord):
    class Meta:
        table_setting = "billing_documents_table"

    house_kind = UnicodeAttribute(hash_key=True)  # "<house id>#<kind>#history"
    id = UnicodeAttribute(range_key=True)  # "<contract id>#<replaced_at>"
    contract_id = UnicodeAttribute()
    body = UnicodeAttribute()  # the replaced version, as BillingDocumentRecord.body
    first_day = UnicodeAttribute()
    last_day = UnicodeAttribute(null=True)
    source = UnicodeAttribute()
    external_id = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)  # when the replaced version was stored by a change; None: first stored
    replaced_at = UnicodeAttribute()
    replaced_by = UnicodeAttribute()  # "operator:<user id>" or "import:<import id>#<place>" (the message)

    @classmethod
    def of(cls, contract: DocumentEntry, replaced_at: str, replaced_by: str) -> "ReplacedContractRecord":
        """The history item keeping `contract` as it is now, before a change replaces it."""
        stored = BillingDocumentRecord.of(contract)
        return cls(
            history_partition(contract.house_id, contract.kind),
            f"{contract.id}#{replaced_at}",
            contract_id=contract.id,
            body=stored.body,
            first_day=stored.first_day,
            last_day=stored.last_day,
            source=stored.source,
            external_id=stored.external_id,
            updated_at=stored.updated_at,
            replaced_at=replaced_at,
            replaced_by=replaced_by,
        )


def partition(house_id: str, kind: str) -> str:
    return f"{house_id}#{kind}"


def get_document(house_id: str, kind: str, document_id: str) -> DocumentEntry | None:
    try:
        return BillingDocumentRecord.get(partition(house_id, kind), document_id, consistent_read=True).to_entry()
    except BillingDocumentRecord.DoesNotExist:
        return None


def list_documents(house_id: str, kind: str, page: PageRequest) -> tuple[list[DocumentEntry], str | None]:
    """Newest period first."""
    records, cursor = read_page(
        lambda limit, start: BillingDocumentRecord.by_period.query(
            partition(house_id, kind),
            scan_index_forward=False,
            consistent_read=True,
            limit=limit,
            last_evaluated_key=start,
        ),
        page,
        _index_key,
    )
    return [record.to_entry() for record in records], cursor


def last_starting_by(house_id: str, kind: str, day: date | None, other_than: str | None = None) -> DocumentEntry | None:
    """The document whose period starts last, on or before `day` if one is given, leaving out the document
    `other_than` (one being changed)."""
    before_next_day = None if day is None else BillingDocumentRecord.period_key < (day + timedelta(days=1)).isoformat()
    found = BillingDocumentRecord.by_period.query(
        partition(house_id, kind),
        before_next_day,
        scan_index_forward=False,
        consistent_read=True,
        limit=1 if other_than is None else 2,
    )
    return next((record.to_entry() for record in found if record.id != other_than), None)


def in_force_between(house_id: str, kind: str, first_day: date, end_day: date) -> list[DocumentEntry]:
    """The documents (of a kind that never overlaps: contracts) covering some day of [first_day, end_day), latest
    first: one query read from the last one starting before `end_day` back to the first one ending after
    `first_day`."""
    found = BillingDocumentRecord.by_period.query(
        partition(house_id, kind),
        BillingDocumentRecord.period_key < end_day.isoformat(),
        scan_index_forward=False,
        consistent_read=True,
    )
    entries = []
    for record in found:
        entry = record.to_entry()
        if not entry.in_force(first_day):
            break  # it ended before the range, and every earlier one before it
        entries.append(entry)
    return entries


def history_partition(house_id: str, kind: str) -> str:
    return f"{house_id}#{kind}#history"


def _index_key(record: BillingDocumentRecord) -> Key:
    return {
        "house_kind": {"S": record.house_kind},
        "id": {"S": record.id},
        "period_key": {"S": record.period_key},
    }
