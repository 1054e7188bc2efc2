"""The routes that read a kind's documents: its page, newest period first, and one of them."""

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.billing.kinds import BillingKind
from shared.billing.routes.signatures import HOUSE, document_path, id_of, named_handler, tag
from shared.billing.services import documents
from shared.core.http.docs import Cursor, Limit, responses
from shared.core.http.resolver import current_caller
from shared.core.models import Page
from shared.core.paging import PageRequest


def register_reads(router: Router, kind: BillingKind[Any, Any]) -> None:
    """GET the kind's page (newest period first) and one document: operators, and the owner."""
    tags, page = [tag(kind)], Page[kind.document]  # type: ignore[name-defined]

    def list_documents(house_id: str, limit: int, cursor: str | None) -> Any:
        return documents.list_documents(current_caller(router), house_id, kind, PageRequest(limit, cursor))

    def get_document(house_id: str, **document_id: str) -> Any:
        return documents.get_document(current_caller(router), house_id, kind, document_id[id_of(kind)])

    router.get(f"/houses/<house_id>/{kind.segment}", tags=tags, responses=responses(page, 404, 422))(
        named_handler(list_documents, f"list_{kind.name}s", page, HOUSE, ("limit", Limit, 50), ("cursor", Cursor, None))
    )
    router.get(document_path(kind), tags=tags, responses=responses(kind.document, 404))(
        named_handler(get_document, f"get_{kind.name}", kind.document, HOUSE, (id_of(kind), str))
    )
