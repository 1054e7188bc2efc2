"""Reading a house's contracts and invoices as the caller may see them, and the tariff in force on a day."""

import json
from datetime import date
from typing import Any

from shared.billing.dal import documents
from shared.billing.dal.documents import BillingDocumentRecord
from shared.billing.kinds import ELECTRICITY_CONTRACTS, BillingKind
from shared.billing.models.documents import StoredDocument
from shared.core.auth import Caller
from shared.core.dynamodb.pages import PageRequest
from shared.core.errors import NotFoundError
from shared.core.models import Page
from shared.houses.service import visible_house_record
from shared.tariffs import Tariff


def list_documents[DocumentT: StoredDocument](
    caller: Caller, house_id: str, kind: BillingKind[Any, DocumentT], page: PageRequest
) -> Page[DocumentT]:
    """Newest period first."""
    house = visible_house_record(caller, house_id)
    records, cursor = documents.list_documents(house.id, kind.segment, page)
    return Page[DocumentT](items=[document_from(kind, record) for record in records], next_cursor=cursor)


def get_document[DocumentT: StoredDocument](
    caller: Caller, house_id: str, kind: BillingKind[Any, DocumentT], document_id: str
) -> DocumentT:
    house = visible_house_record(caller, house_id)
    return document_from(kind, document_record(house.id, kind, document_id))


def document_record(house_id: str, kind: BillingKind[Any, Any], document_id: str) -> BillingDocumentRecord:
    """The stored document; NotFoundError when the house has none of that kind with this id."""
    record = documents.get_document(house_id, kind.segment, document_id)
    if record is None:
        raise NotFoundError(f"house {house_id} has no {kind.segment} {document_id}")
    return record


def electricity_tariff_on(house_id: str, day: date) -> Tariff | None:
    """The tariff of the house's electricity contract in force on `day`; None when none is."""
    # Contracts of a house never overlap: only the one starting last by `day` can be in force on it.
    record = documents.last_starting_by(house_id, ELECTRICITY_CONTRACTS.segment, day)
    if record is None or not in_force(record, day):
        return None
    return document_from(ELECTRICITY_CONTRACTS, record).tariff


def in_force(record: BillingDocumentRecord, day: date) -> bool:
    """Whether a document that starts by `day` still covers it."""
    return record.last_day is None or record.last_day >= day.isoformat()


def document_from[DocumentT: StoredDocument](
    kind: BillingKind[Any, DocumentT], record: BillingDocumentRecord
) -> DocumentT:
    return kind.document.model_validate(
        json.loads(record.body)
        | {
            "id": record.id,
            "house_id": record.house_id,
            "cups": record.cups,
            "source": record.source,
            "external_id": record.external_id,
            "created_at": record.created_at,
        }
        | ({"updated_at": record.updated_at} if record.updated_at else {})  # only a changed contract has one
    )
