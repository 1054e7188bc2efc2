"""POST /imports: the messages are queued as they are, each tagged with the import and its position, and then
the import is recorded; each message is judged when it is taken off the queue, like any other."""

import json
import uuid
from datetime import UTC, datetime

from shared.core.clients.message_queue import MAX_MESSAGE_BYTES, MessageQueue, MessagesTooLargeError, OutgoingMessage
from shared.core.errors import FieldProblem, InvalidInputError
from shared.imports.callers import ImportsCaller
from shared.imports.dal import imports
from shared.imports.deliveries import IMPORT_ID_ATTRIBUTE, POSITION_ATTRIBUTE, SOURCE_ATTRIBUTE
from shared.imports.models import ImportReceipt, ImportSubmission


def submit_import(caller: ImportsCaller, submission: ImportSubmission, queue: MessageQueue) -> ImportReceipt:
    caller.require_importer()
    bodies = [json.dumps(message, ensure_ascii=False, separators=(",", ":")) for message in submission.root]
    import_id = str(uuid.uuid4())
    try:
        queue.send([posted_message(import_id, position, body, caller.source) for position, body in enumerate(bodies)])
    except MessagesTooLargeError as too_large:
        message = f"a message may have at most {MAX_MESSAGE_BYTES // 1024} KiB"
        raise InvalidInputError(
            message, problems=[FieldProblem(str(position), message) for position in too_large.positions]
        ) from None
    # Recorded once every message is queued: an import that exists always gets to `completed`.
    imports.save_import(
        import_id, received=len(bodies), created_by=caller.principal, created_at=datetime.now(UTC).isoformat()
    )
    return ImportReceipt(import_id=import_id)


def posted_message(import_id: str, position: int, body: str, source: str | None) -> OutgoingMessage:
    """A message of POST /imports, tagged with where its outcome is counted and the only source it may have
    when a billing system's client posted it (shared.imports.deliveries)."""
    attributes: dict[str, str | int] = {IMPORT_ID_ATTRIBUTE: import_id, POSITION_ATTRIBUTE: position}
    if source is not None:
        attributes[SOURCE_ATTRIBUTE] = source
    return OutgoingMessage(body, attributes)
