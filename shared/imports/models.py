"""Billing-system imports (docs/api.md, "Billing-system import"): where a message is counted, what became of it,
and what the imports API answers.

The release function receives SupplyPointLinked events (EventBridge events delivered through SQS) and the
releases the import functions ask for, shaped as those events' `detail`. Only `detail`, and of it only the
supply point, is read: the rule already matched source and detail-type (and moto's events lack `account`, which
Powertools' EventBridgeModel requires)."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import BaseModel, Field, Json, RootModel

from shared.core.errors import FieldProblem
from shared.core.models import FieldError, Timestamp
from shared.supply_points.cups import Energy

MAX_MESSAGES_PER_IMPORT = 10_000


@dataclass(frozen=True)
class MessageRef:
    """Where a message is counted: its import, and its place there (its index in a posted import, or the
    SQS message id of a message sent straight to the queue)."""

    import_id: str
    position: int | None = None
    sqs_message_id: str | None = None

    @property
    def place(self) -> str:
        return f"{self.position:05d}" if self.position is not None else str(self.sqs_message_id)  # sorts in order

    @property
    def key(self) -> str:
        return f"{self.import_id}#{self.place}"


@dataclass(frozen=True)
class ReceivedMessage:
    body: str
    ref: MessageRef
    deliveries: int | None = None  # SQS's receive count; None when a held message is taken up again
    bound_source: str | None = None  # the source of the billing system that sent it: the only one allowed
    unregistered_sender: bool = False  # sent straight to the import queue by no registered billing system: refused

    def is_last_delivery(self, max_receives: int) -> bool:
        return self.deliveries is not None and self.deliveries >= max_receives


class OutcomeKind(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"  # the same document was stored before (by this id, or with the same content)
    UNMATCHED = "unmatched"  # held until a house links the message's CUPS
    REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    source: str | None = None
    external_id: str | None = None
    document_id: str | None = None
    reason: str | None = None
    problems: tuple[FieldProblem, ...] = ()


class ImportSubmission(
    RootModel[Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_MESSAGES_PER_IMPORT)]]
):
    """Up to 10,000 import messages, each as a billing system sends it to the import queue:
    `{"kind": "electricity_invoice" | "gas_invoice" | "electricity_contract" | "gas_contract", "source":
    "<billing system>", "external_id": "<its id there>", "cups": "ES...", "data": {<the fields of the matching
    POST body>}}`. Each message is judged on its own once queued: the import's report counts it as stored,
    duplicate, unmatched or rejected (with the reason)."""


class ImportReceipt(BaseModel):
    import_id: str = Field(description="GET /imports/{import_id} reports its progress")


class ImportStatus(StrEnum):
    PROCESSING = "processing"
    COMPLETED = "completed"
    OPEN = "open"  # the messages sent straight to the queue on one day: never closed


class RejectedMessage(BaseModel):
    """A rejected message, or an unmatched one kept for operators for a reason (e.g. it is not the current
    holder's)."""

    outcome: Literal[OutcomeKind.REJECTED, OutcomeKind.UNMATCHED]
    position: int | None = Field(description="Index of the message in the posted array")
    sqs_message_id: str | None = Field(description="For a message sent straight to the queue")
    source: str | None
    external_id: str | None
    reason: str
    errors: list[FieldError] = Field(description="Each offending field, dotted path (data.energy_kwh.P1)")


class ImportReport(BaseModel):
    import_id: str
    status: ImportStatus = Field(description="processing until every message is counted, then completed")
    received: int
    stored: int
    duplicates: int
    unmatched: int = Field(description="Kept until a house links the message's CUPS, then stored")
    rejected: int
    errors: list[RejectedMessage] = Field(description="Each rejected message, and each unmatched one with a reason")
    created_at: Timestamp | None = None


class HeldMessagesRelease(BaseModel):
    """The supply point whose held messages are to be taken up (a SupplyPointLinked detail's fields)."""

    energy: Energy
    supply_point: str


class ReleaseRequest(BaseModel):
    detail: HeldMessagesRelease


class ReleaseRecord(SqsRecordModel):
    body: Json[ReleaseRequest]
