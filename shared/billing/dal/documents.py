"""The BillingDocuments table: a house's contracts and invoices, one partition per house and kind, listed
newest period first through the local by_period index (local, so a read right after a write sees it).
Replaced versions of contracts are kept in the same table (shared.dal.billing.contract_history).

Every version of a contract that a change replaced, in the BillingDocuments table under a partition of its own
per house and kind, in the order replaced. The items have no period_key, so the by_period listings never show
them; there is no API to read them yet."""

from datetime import date, timedelta

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, LocalSecondaryIndex

from shared.core.dynamodb.pages import Key, PageRequest, read_page
from shared.core.dynamodb.tables import TableRecord


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
    cups = UnicodeAttribute()  # the house's CUPS when stored
    first_day = UnicodeAttribute()
    last_day = UnicodeAttribute(null=True)  # None: an open-ended contract
    body = UnicodeAttribute()  # the request body as validated, JSON
    source = UnicodeAttribute()
    external_id = UnicodeAttribute(null=True)
    import_message = UnicodeAttribute(null=True)  # "<import id>#<position>" of the import message that stored it
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)  # None until a contract is first changed
    by_period = DocumentsByPeriodIndex()

    def set_content(self, body: str, first_day: date, last_day: date | None) -> None:
        """The document's body (JSON) and days; its place in the by_period listing follows its first day."""
        self.body = body
        self.first_day = first_day.isoformat()
        self.last_day = last_day.isoformat() if last_day else None
        self.period_key = f"{self.first_day}#{self.created_at}#{self.id}"


def partition(house_id: str, kind: str) -> str:
    return f"{house_id}#{kind}"


def get_document(house_id: str, kind: str, document_id: str) -> BillingDocumentRecord | None:
    try:
        return BillingDocumentRecord.get(partition(house_id, kind), document_id, consistent_read=True)
    except BillingDocumentRecord.DoesNotExist:
        return None


def list_documents(house_id: str, kind: str, page: PageRequest) -> tuple[list[BillingDocumentRecord], str | None]:
    """Newest period first."""
    return read_page(
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


def last_starting_by(
    house_id: str, kind: str, day: date | None, other_than: str | None = None
) -> BillingDocumentRecord | None:
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
    return next((record for record in found if record.id != other_than), None)


def _index_key(record: BillingDocumentRecord) -> Key:
    return {
        "house_kind": {"S": record.house_kind},
        "id": {"S": record.id},
        "period_key": {"S": record.period_key},
    }


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


def history_partition(house_id: str, kind: str) -> str:
    return f"{house_id}#{kind}#history"


def replaced_version(contract: BillingDocumentRecord, replaced_at: str, replaced_by: str) -> ReplacedContractRecord:
    """The history item keeping `contract` as it is now, before a change replaces it."""
    return ReplacedContractRecord(
        history_partition(contract.house_id, contract.kind),
        f"{contract.id}#{replaced_at}",
        contract_id=contract.id,
        body=contract.body,
        first_day=contract.first_day,
        last_day=contract.last_day,
        source=contract.source,
        external_id=contract.external_id,
        updated_at=contract.updated_at,
        replaced_at=replaced_at,
        replaced_by=replaced_by,
    )
