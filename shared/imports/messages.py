"""One import message: what it must hold, and the rejection (naming each offending field) of one that does not.

A message is judged on its own: a malformed one is rejected for good, whatever else its batch holds."""

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import StringConstraints, ValidationError

from shared.billing.kinds import BILLING_KINDS, BillingKind
from shared.billing.models.contracts import ContractBody
from shared.billing.models.invoices import InvoiceBody
from shared.core.errors import FieldProblem
from shared.core.models import RequestBody
from shared.core.validation import field_problems
from shared.supply_points.cups import Energy, InvalidCups, normalise_cups, supply_point_key


class ImportKind(StrEnum):
    ELECTRICITY_INVOICE = "electricity_invoice"
    GAS_INVOICE = "gas_invoice"
    ELECTRICITY_CONTRACT = "electricity_contract"
    GAS_CONTRACT = "gas_contract"

    @property
    def billing_kind(self) -> BillingKind[Any, Any]:
        return _BILLING_KINDS[self]


_BILLING_KINDS: dict[ImportKind, BillingKind[Any, Any]] = {ImportKind(kind.name): kind for kind in BILLING_KINDS}

# No "#" in a source: (source, external id) is claimed as one key, which must not be ambiguous.
SOURCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
Source = Annotated[str, StringConstraints(pattern=SOURCE_PATTERN)]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ImportEnvelope(RequestBody):
    """The message as sent; `data` holds the fields of the matching POST body."""

    kind: ImportKind
    source: Source
    external_id: ExternalId
    cups: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    data: dict[str, Any]


@dataclass(frozen=True)
class ImportMessage:
    """A valid message: its CUPS in the stored form, its data as the kind's validated body."""

    kind: BillingKind[Any, Any]
    source: str
    external_id: str
    cups: str
    body: ContractBody | InvoiceBody

    @property
    def energy(self) -> Energy:
        return self.kind.energy

    @property
    def supply_point(self) -> str:
        return supply_point_key(self.cups)


UNREGISTERED_SENDER = "the sender is not a registered billing system (BillingSystemSenders)"


@dataclass(frozen=True)
class Rejection:
    """Why a message cannot be stored, ever; source and external id when the message gave them."""

    reason: str
    problems: tuple[FieldProblem, ...] = ()
    source: str | None = None
    external_id: str | None = None


def parse_message(
    body: str, bound_source: str | None = None, *, unregistered_sender: bool = False
) -> ImportMessage | Rejection:
    """`bound_source`: the only source allowed (that of the billing system which sent it). `unregistered_sender`:
    sent by no billing system, so refused whatever it holds, with the source and external id it claims (for
    operators to tell whose registration is missing)."""
    raw = _load(body)
    if unregistered_sender:
        return _rejection(raw, [FieldProblem("source", UNREGISTERED_SENDER)], reason=UNREGISTERED_SENDER)
    if isinstance(raw, Rejection):
        return raw
    try:
        envelope = ImportEnvelope.model_validate(raw)
    except ValidationError as invalid:
        return _rejection(raw, field_problems(invalid))
    kind = envelope.kind.billing_kind
    problems: list[FieldProblem] = []
    if bound_source is not None and envelope.source != bound_source:
        problems.append(FieldProblem("source", f"this billing system may only send source {bound_source}"))
    try:
        cups = normalise_cups(envelope.cups, kind.energy)
    except InvalidCups as error:
        problems.append(FieldProblem("cups", str(error)))
    try:
        data = kind.body.model_validate(envelope.data)
    except ValidationError as invalid:
        problems += field_problems(invalid, prefix="data")
    if problems:
        return _rejection(raw, problems)
    return ImportMessage(kind, envelope.source, envelope.external_id, cups, data)


def _load(body: str) -> Any:
    """The JSON value of `body`, or its Rejection."""
    try:
        return json.loads(body)
    except ValueError as error:
        return Rejection("the message is not valid JSON", (FieldProblem("body", f"invalid JSON: {error}"),))
    except RecursionError:
        return Rejection("the message is nested too deeply", (FieldProblem("body", "nested too deeply"),))


def _rejection(raw: Any, problems: list[FieldProblem], reason: str | None = None) -> Rejection:
    fields = ", ".join(dict.fromkeys(problem.field for problem in problems))
    identity = raw if isinstance(raw, dict) else {}
    return Rejection(
        reason or f"invalid message: {fields}",
        tuple(problems),
        source=_text(identity.get("source")),
        external_id=_text(identity.get("external_id")),
    )


def _text(value: Any) -> str | None:
    return value[:200] if isinstance(value, str) else None
