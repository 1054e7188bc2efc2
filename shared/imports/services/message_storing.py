"""Storing one valid message in its house, and what became of it: stored, duplicate or rejected.

Storing goes through the same rules as the portal (store_contract, store_invoice) and claims the message's
(source, external id) in the same transaction. Claims are read only when a store was refused or found the
document already there: a message delivered again finds its own claim (stored, by this very message, or
corrected by it), a re-send finds another message's claim (duplicate when the content is the same).

Billing systems send a contract again when it changes in their system (e.g. it ends now): a contract message
whose id stored a contract of the same kind and supply point, with other content, is a correction. It replaces
that contract under the portal's rules for changes (replace_contract: no overlap with the house's other
contracts, the replaced version kept as history) and is stored. Messages carry no version, so of two
corrections of one contract the last one processed wins (a message delivered again never re-applies: the claim
names the messages that corrected it). An invoice with other content is rejected: invoices are corrected by
rectifying invoices.

A rectifying or cancelling invoice may arrive before the invoice it corrects (a queue does not keep order):
that refusal is worth waiting for (AwaitingCorrectedInvoiceError) rather than final."""

from shared.billing.dal import documents
from shared.billing.dal import keys as billing_keys
from shared.billing.dal.keys import ExternalIdTakenError, KeyItems
from shared.billing.models.contracts import ContractBody
from shared.billing.models.documents import Correction, Origin, StoredDocument
from shared.billing.models.keys import ExternalIdClaim
from shared.billing.services.contracts import replace_contract, store_contract
from shared.billing.services.invoices import store_invoice
from shared.core.errors import ConflictError, DomainError, FieldProblem, InvalidInputError
from shared.houses.models import StoredHouse
from shared.imports.messages import ImportMessage
from shared.imports.models import MessageRef, Outcome, OutcomeKind
from shared.supply_points.cups import supply_point_key

_CORRECTED = "corrects_invoice_number"


class AwaitingCorrectedInvoiceError(Exception):
    """The invoice corrects one not stored (yet); `outcome` is the rejection once waiting is over."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.reason)
        self.outcome = outcome


def store_message(house: StoredHouse, message: ImportMessage, ref: MessageRef, keys: KeyItems) -> Outcome:
    """Raises what is worth retrying: a ConflictError naming no field is contention between concurrent
    writers ("try again"), not a refusal."""
    origin = Origin(message.source, message.external_id, import_message=ref.key)
    try:
        document, created = _store(house, message, origin, keys)
    except ExternalIdTakenError:
        claimed = _claimed_outcome(message, ref)
        if claimed is None:  # claims are never deleted: a broken invariant, not bad input
            raise RuntimeError(f"the claim of {message.source} {message.external_id} vanished") from None
        return claimed
    except (ConflictError, InvalidInputError) as refused:
        if not refused.problems:
            raise
        # A contract delivered again overlaps itself: its claim tells it apart from a real overlap.
        outcome = _claimed_outcome(message, ref) or _refusal(message, refused)
        if outcome.kind is OutcomeKind.REJECTED and any(p.field == _CORRECTED for p in refused.problems):
            raise AwaitingCorrectedInvoiceError(outcome) from None
        return outcome
    if created:
        return _outcome(OutcomeKind.STORED, message, document.id)
    if (document.source, document.external_id) == (message.source, message.external_id):
        return _claimed_outcome(message, ref) or _outcome(OutcomeKind.DUPLICATE, message, document.id)
    return _outcome(OutcomeKind.DUPLICATE, message, document.id)  # e.g. typed in the portal first


def _store(house: StoredHouse, message: ImportMessage, origin: Origin, keys: KeyItems) -> tuple[StoredDocument, bool]:
    if isinstance(message.body, ContractBody):
        return store_contract(house, message.kind, message.body, origin, keys), True
    stored = store_invoice(house, message.kind, message.body, origin, keys)
    return stored.invoice, stored.created


def _claimed_outcome(message: ImportMessage, ref: MessageRef) -> Outcome | None:
    """The outcome given by the claim of the message's (source, external id); None when nothing claims it."""
    claim = billing_keys.external_id_claim(message.source, message.external_id)
    if claim is None:
        return None
    if claim.stored_or_corrected_by(ref.key):
        return _outcome(OutcomeKind.STORED, message, claim.document_id)
    stored = documents.get_document(claim.house_id, claim.kind, claim.document_id)
    if stored is None or stored.kind != message.kind.segment or supply_point_key(stored.cups) != message.supply_point:
        return _other_content(message, claim)
    if message.kind.body.model_validate_json(stored.body) == message.body:
        return _outcome(OutcomeKind.DUPLICATE, message, claim.document_id)
    if isinstance(message.body, ContractBody):
        return _correction(message, ref, claim)
    return _other_content(message, claim)


def _correction(message: ImportMessage, ref: MessageRef, claim: ExternalIdClaim) -> Outcome:
    try:
        _, changed = replace_contract(
            claim.house_id,
            message.kind,
            claim.document_id,
            lambda _: message.body,
            Correction.by_import_message(ref.key),
        )
    except ConflictError as refused:
        if not refused.problems:
            raise
        return _refusal(message, refused)
    return _outcome(OutcomeKind.STORED if changed else OutcomeKind.DUPLICATE, message, claim.document_id)


def _other_content(message: ImportMessage, claim: ExternalIdClaim) -> Outcome:
    reason = (
        f"{message.source} already imported {message.external_id} as {claim.kind} {claim.document_id}, "
        f"with other content"
    )
    return Outcome(
        OutcomeKind.REJECTED,
        message.source,
        message.external_id,
        document_id=claim.document_id,
        reason=reason,
        problems=(FieldProblem("external_id", reason),),
    )


def _refusal(message: ImportMessage, refused: DomainError) -> Outcome:
    """The portal's reasons describe the house's other documents (ids, days, tariff), which may be another
    billing system's or typed in the portal: a billing system is told which of its fields were refused, not what
    they clash with."""
    fields = list(dict.fromkeys(f"data.{problem.field}" for problem in refused.problems))
    why = _WHY.get(type(refused), "refused")
    return Outcome(
        OutcomeKind.REJECTED,
        message.source,
        message.external_id,
        reason=f"{why}: {', '.join(fields)}",
        problems=tuple(FieldProblem(field, why) for field in fields),
    )


_WHY: dict[type[DomainError], str] = {
    ConflictError: "conflicts with what the house holding the CUPS already has",
    InvalidInputError: "does not fit the contract in force for the CUPS",
}


def _outcome(kind: OutcomeKind, message: ImportMessage, document_id: str) -> Outcome:
    return Outcome(kind, message.source, message.external_id, document_id=document_id)
