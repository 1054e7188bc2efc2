"""Scheduled: reports the distributor files still `copied` long after they were copied (FilesStuckAlarm)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import PositiveInt

from shared.core.observability import logger, metrics
from shared.core.settings import FunctionSettings
from shared.metering.services.stuck_files import report_stuck_files


class Settings(FunctionSettings):
    metering_files_table: str
    stuck_after_minutes: PositiveInt


settings = Settings.load()


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    return report_stuck_files(datetime.now(UTC), timedelta(minutes=settings.stuck_after_minutes))
