"""Every version of a contract that a change replaced, in the BillingDocuments table under a partition of its own
per house and kind, in the order replaced. The items have no period_key, so the by_period listings never show
them; there is no API to read them yet."""

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from shared.config import env
from shared.dal.billing.documents import BillingDocumentRecord


class ReplacedContractRecord(Model):
    class Meta:
        table_name = env("BILLING_DOCUMENTS_TABLE")

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
