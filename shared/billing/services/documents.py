"""A house's contracts and invoices as stored documents of their kind: listed and read as the caller may see them,
and read by the write paths."""

import json
from typing import Any

from shared.billing.dal import documents as dal
from shared.billing.kinds import BillingKind
from shared.billing.models.documents import DocumentEntry, StoredDocument
from shared.core.auth import Caller
from shared.core.errors import NotFoundError
from shared.core.models import Page
from shared.core.paging import PageRequest
from shared.houses.service import visible_house


def list_documents[DocumentT: StoredDocument](
    caller: Caller, house_id: str, kind: BillingKind[Any, DocumentT], page: PageRequest
) -> Page[DocumentT]:
    """Newest period first."""
    house = visible_house(caller, house_id)
    entries, cursor = dal.list_documents(house.id, kind.segment, page)
    return Page[DocumentT](items=[document_from(kind, entry) for entry in entries], next_cursor=cursor)


def get_document[DocumentT: StoredDocument](
    caller: Caller, house_id: str, kind: BillingKind[Any, DocumentT], document_id: str
) -> DocumentT:
    house = visible_house(caller, house_id)
    return document_from(kind, stored_entry(house.id, kind, document_id))


def stored_entry(house_id: str, kind: BillingKind[Any, Any], document_id: str) -> DocumentEntry:
    """The stored document; NotFoundError when the house has none of that kind with this id."""
    entry = dal.get_document(house_id, kind.segment, document_id)
    if entry is None:
        raise NotFoundError(f"house {house_id} has no {kind.segment} {document_id}")
    return entry


def document_from[DocumentT: StoredDocument](kind: BillingKind[Any, DocumentT], entry: DocumentEntry) -> DocumentT:
    return kind.document.model_validate(
        json.loads(entry.body)
        | {
            "id": entry.id,
            "house_id": entry.house_id,
            "cups": entry.cups,
            "source": entry.origin.source,
            "external_id": entry.origin.external_id,
            "created_at": entry.created_at,
        }
        | ({"updated_at": entry.updated_at} if entry.updated_at else {})  # only a changed contract has one
    )
