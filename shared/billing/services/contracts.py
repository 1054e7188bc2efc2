"""Storing and changing a house's contracts: a new one only once the house has a CUPS of that energy, and never
two of one energy in force on the same day. A change replaces the stored contract (it keeps its id) and keeps
the version it replaced as history."""

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from shared.billing.dal import documents
from shared.billing.dal import keys as billing_keys
from shared.billing.dal.keys import FRESH, KeyItems
from shared.billing.kinds import BillingKind
from shared.billing.models.contracts import ContractBody
from shared.billing.models.documents import PORTAL, Correction, Origin, StoredDocument
from shared.billing.models.keys import ContractTimeline
from shared.billing.services.documents import document_from, stored_entry
from shared.billing.services.storing import decided_again_while_changed, house_link, new_entry
from shared.core.auth import Caller
from shared.core.errors import ConflictError, FieldProblem
from shared.core.validation import invalid_input
from shared.houses.models import StoredHouse
from shared.houses.service import visible_house


def create_contract[BodyT: ContractBody, DocumentT: StoredDocument](
    caller: Caller, house_id: str, kind: BillingKind[BodyT, DocumentT], body: BodyT
) -> DocumentT:
    caller.require_operator()
    return store_contract(visible_house(caller, house_id), kind, body, PORTAL)


def update_contract[BodyT: ContractBody, DocumentT: StoredDocument](
    caller: Caller, house_id: str, kind: BillingKind[BodyT, DocumentT], contract_id: str, changes: Mapping[str, Any]
) -> DocumentT:
    """The contract with `changes` (any of its fields) applied, checked as a new contract is."""
    caller.require_operator()
    house = visible_house(caller, house_id)
    document, _ = replace_contract(
        house.id, kind, contract_id, lambda stored: _with_changes(stored, changes), Correction.by_operator(caller.sub)
    )
    return document


def store_contract[BodyT: ContractBody, DocumentT: StoredDocument](
    house: StoredHouse, kind: BillingKind[BodyT, DocumentT], body: BodyT, origin: Origin, keys: KeyItems = FRESH
) -> DocumentT:
    """Store a new contract of the house. ConflictError when the house has no CUPS of that energy, or when
    another of its contracts of that energy is in force on any day of this one. `keys`: key items read
    beforehand (a batch of imports)."""
    cups = house_link(house, kind.energy).cups

    def attempt(timeline: ContractTimeline) -> DocumentT:
        _refuse_overlap(house.id, kind, body)
        entry = new_entry(house, kind, body, cups, origin)
        billing_keys.store_contract(entry, timeline)
        return document_from(kind, entry)

    return _decided_on_the_timeline(house.id, kind, keys, attempt)


def replace_contract[BodyT: ContractBody, DocumentT: StoredDocument](
    house_id: str,
    kind: BillingKind[BodyT, DocumentT],
    contract_id: str,
    revise: Callable[[BodyT], BodyT],
    correction: Correction,
) -> tuple[DocumentT, bool]:
    """Replace the house's contract with `revise(<the stored contract>)`: (the contract as stored now, whether
    it changed). Writes nothing when the revised contract is the stored one. NotFoundError when there is no
    such contract; ConflictError when the revised one overlaps another of the house's contracts of that energy.
    `revise` is called on each attempt, so that it applies to what another change just stored."""

    def attempt(timeline: ContractTimeline) -> tuple[DocumentT, bool]:
        entry = stored_entry(house_id, kind, contract_id)
        stored = kind.body.model_validate_json(entry.body)
        body = revise(stored)
        if body == stored:
            return document_from(kind, entry), False
        _refuse_overlap(house_id, kind, body, other_than=contract_id)
        first_day, last_day = body.days
        changed = replace(
            entry,
            body=body.model_dump_json(),
            first_day=first_day,
            last_day=last_day,
            updated_at=datetime.now(UTC).isoformat(),
        )
        billing_keys.replace_contract(changed, entry, correction.by, timeline, correction.import_message)
        return document_from(kind, changed), True

    return _decided_on_the_timeline(house_id, kind, FRESH, attempt)


def _decided_on_the_timeline[T](
    house_id: str, kind: BillingKind[Any, Any], keys: KeyItems, attempt: Callable[[ContractTimeline], T]
) -> T:
    """Run `attempt` (check, then write) with the house's contract timeline of that energy read before the checks
    it guards, again while another write changes that timeline."""
    return decided_again_while_changed(lambda: attempt(keys.contract_timeline(house_id, kind.energy)))


def _with_changes[BodyT: ContractBody](stored: BodyT, changes: Mapping[str, Any]) -> BodyT:
    try:
        return stored.with_changes(changes)
    except ValidationError as invalid:
        raise invalid_input(invalid) from None


def _refuse_overlap(
    house_id: str, kind: BillingKind[Any, Any], body: ContractBody, other_than: str | None = None
) -> None:
    """ConflictError when a contract of the house other than `other_than` is in force on a day of `body`."""
    start, end = body.days
    # Stored contracts never overlap one another, so of those starting by this one's end only the last one
    # can reach into it.
    latest = documents.last_starting_by(house_id, kind.segment, end, other_than)
    if latest is not None and latest.in_force(start):
        message = (
            f"another {kind.energy.value} contract of the house ({latest.id}) is in force from {latest.days_text()}"
        )
        raise ConflictError(message, problems=[FieldProblem("start_date", message), FieldProblem("end_date", message)])
