"""What storing any contract or invoice involves: the house's CUPS of that energy, a new document that keeps
that CUPS, and deciding again when another request changed what the decision was based on."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shared.billing.dal.documents import BillingDocumentRecord, partition
from shared.billing.dal.keys import ChangedMeanwhileError
from shared.billing.kinds import BillingKind
from shared.billing.models.contracts import ContractBody
from shared.billing.models.documents import Origin
from shared.billing.models.invoices import InvoiceBody
from shared.core.errors import ConflictError, FieldProblem
from shared.houses.dal import HouseRecord
from shared.supply_points.cups import Energy

_ATTEMPTS = 5


def house_cups(house: HouseRecord, energy: Energy) -> tuple[str, str]:
    """(the house's CUPS of that energy, its supply point); a ConflictError naming `<energy>_cups` without one."""
    field = f"{energy.value}_cups"
    link = house.current_link(energy)
    if link is None:
        message = f"the house has no {energy.value} CUPS: link one before storing {energy.value} contracts or invoices"
        raise ConflictError(message, problems=[FieldProblem(field, message)])
    return getattr(house, field), link[0]


def new_record(
    house: HouseRecord, kind: BillingKind[Any, Any], body: ContractBody | InvoiceBody, cups: str, origin: Origin
) -> BillingDocumentRecord:
    document_id = str(uuid.uuid4())
    record = BillingDocumentRecord(
        partition(house.id, kind.segment),
        document_id,
        house_id=house.id,
        kind=kind.segment,
        cups=cups,
        source=origin.source,
        external_id=origin.external_id,
        import_message=origin.import_message,
        created_at=datetime.now(UTC).isoformat(),
    )
    record.set_content(body.model_dump_json(), *body.days)
    return record


def decided_again_while_changed[T](attempt: Callable[[], T]) -> T:
    """Run `attempt` (read, decide, write) again while another request changes what it read first."""
    for _ in range(_ATTEMPTS):
        try:
            return attempt()
        except ChangedMeanwhileError:
            continue
    raise ConflictError("the house's contracts or invoices are being changed by other requests; try again")
