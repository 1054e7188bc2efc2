"""Storing a house's contracts: only once the house has a CUPS of that energy, and never two of one energy
in force on the same day."""

from typing import Any

from shared.auth import Caller
from shared.dal.billing import documents, guarded_writes
from shared.dal.billing.guarded_writes import FRESH, KeyItems
from shared.dal.houses import HouseRecord
from shared.errors import ConflictError, FieldProblem
from shared.models.billing.contracts import ContractBody
from shared.models.billing.documents import PORTAL, Origin, StoredDocument
from shared.models.billing.kinds import BillingKind
from shared.services.billing.reading import document_from, in_force
from shared.services.billing.storing import decided_again_while_changed, house_cups, new_record
from shared.services.houses import visible_house_record


def create_contract[BodyT: ContractBody, DocumentT: StoredDocument](
    caller: Caller, house_id: str, kind: BillingKind[BodyT, DocumentT], body: BodyT
) -> DocumentT:
    caller.require_operator()
    return store_contract(visible_house_record(caller, house_id), kind, body, PORTAL)


def store_contract[BodyT: ContractBody, DocumentT: StoredDocument](
    house: HouseRecord, kind: BillingKind[BodyT, DocumentT], body: BodyT, origin: Origin, keys: KeyItems = FRESH
) -> DocumentT:
    """Store a new contract of the house. ConflictError when the house has no CUPS of that energy, or when
    another of its contracts of that energy is in force on any day of this one. `keys`: key items read
    beforehand (a batch of imports)."""
    cups, _ = house_cups(house, kind.energy)

    def attempt() -> DocumentT:
        timeline = keys.contract_timeline(house.id, kind.energy)  # read before the check it guards
        _refuse_overlap(house.id, kind, body)
        record = new_record(house, kind, body, cups, origin)
        guarded_writes.store_contract(record, timeline)
        return document_from(kind, record)

    return decided_again_while_changed(attempt)


def _refuse_overlap(house_id: str, kind: BillingKind[Any, Any], body: ContractBody) -> None:
    start, end = body.days
    # Stored contracts never overlap one another, so of those starting by this one's end only the last one
    # can reach into it.
    latest = documents.last_starting_by(house_id, kind.segment, end)
    if latest is not None and in_force(latest, start):
        days = f"{latest.first_day} to {latest.last_day}" if latest.last_day else f"{latest.first_day} on (open-ended)"
        message = f"another {kind.energy.value} contract of the house ({latest.id}) is in force from {days}"
        raise ConflictError(message, problems=[FieldProblem("start_date", message), FieldProblem("end_date", message)])
