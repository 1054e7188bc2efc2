"""The scheduled check of files stuck in `copied`: copied long ago and neither parsed nor failed.

A file gets there when its pipeline stopped without marking it (an event EventBridge could not deliver, a
message deleted by hand, a bug): nothing else would ever tell. The count goes to the FilesStuckInCopied metric,
0 included, so that FilesStuckAlarm also returns to OK; the oldest are named in the log.
"""

from datetime import datetime, timedelta
from itertools import islice

from aws_lambda_powertools.metrics import MetricUnit

from shared.core.observability import logger, metrics
from shared.metering.dal import files

_LISTED = 50  # files named in the log; the count covers them all


def report_stuck_files(now: datetime, stuck_after: timedelta) -> dict[str, object]:
    stuck = files.files_copied_before(now - stuck_after)
    named = [
        {"object_key": file.object_key, "connection_id": file.connection_id, "copied_at": file.copied_at.isoformat()}
        for file in islice(stuck, _LISTED)
    ]
    count = len(named) + sum(1 for _ in stuck)
    metrics.add_metric(name="FilesStuckInCopied", unit=MetricUnit.Count, value=count)
    if count:
        logger.warning("distributor files stuck in copied", extra={"stuck": count, "oldest": named})
    return {"stuck": count, "oldest": named}
