"""GET /imports/{import_id}: the import's report, for those who may see it."""

from datetime import datetime

from shared.core.errors import NotFoundError
from shared.imports.callers import ImportsCaller
from shared.imports.dal import imports
from shared.imports.deliveries import is_queue_day
from shared.imports.models import ImportReport
from shared.imports.summaries import summarise


def import_report(caller: ImportsCaller, import_id: str) -> ImportReport:
    """Operators see every import, and the day imports of messages sent straight to the queue; a machine
    client sees the imports it created."""
    caller.require_importer()
    record = imports.get_import(import_id)
    if record is None:
        if not (caller.is_operator and is_queue_day(import_id)):
            raise NotFoundError(f"import {import_id} not found")
        return summarise(import_id, None, imports.recorded_outcomes(import_id))
    if not caller.may_see(record.created_by):
        raise NotFoundError(f"import {import_id} not found")
    return summarise(
        import_id,
        int(record.received),
        imports.recorded_outcomes(import_id),
        created_at=datetime.fromisoformat(record.created_at),
    )
