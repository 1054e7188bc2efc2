"""What storing any contract or invoice involves: the house's CUPS of that energy, a new document that keeps
that CUPS, and deciding again when another request changed what the decision was based on."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shared.billing.dal.keys import ChangedMeanwhileError
from shared.billing.kinds import BillingKind
from shared.billing.models.contracts import ContractBody
from shared.billing.models.documents import DocumentEntry, Origin
from shared.billing.models.invoices import InvoiceBody
from shared.core.errors import ConflictError, FieldProblem
from shared.houses.models import StoredHouse, SupplyLink
from shared.supply_points.cups import Energy

_ATTEMPTS = 5


def house_link(house: StoredHouse, energy: Energy) -> SupplyLink:
    """The house's link of that energy; a ConflictError naming `<energy>_cups` without one."""
    link = house.link(energy)
    if link is None:
        message = f"the house has no {energy.value} CUPS: link one before storing {energy.value} contracts or invoices"
        raise ConflictError(message, problems=[FieldProblem(f"{energy.value}_cups", message)])
    return link


def new_entry(
    house: StoredHouse, kind: BillingKind[Any, Any], body: ContractBody | InvoiceBody, cups: str, origin: Origin
) -> DocumentEntry:
    first_day, last_day = body.days
    return DocumentEntry(
        house_id=house.id,
        kind=kind.segment,
        id=str(uuid.uuid4()),
        cups=cups,
        body=body.model_dump_json(),
        first_day=first_day,
        last_day=last_day,
        origin=origin,
        created_at=datetime.now(UTC).isoformat(),
    )


def decided_again_while_changed[T](attempt: Callable[[], T]) -> T:
    """Run `attempt` (read, decide, write) again while another request changes what it read first."""
    for _ in range(_ATTEMPTS):
        try:
            return attempt()
        except ChangedMeanwhileError:
            continue
    raise ConflictError("the house's contracts or invoices are being changed by other requests; try again")
