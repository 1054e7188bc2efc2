"""Scheduled: copies new distributor metering files from every enabled SFTP connection to the raw/ prefix."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.observability import logger, metrics
from shared.core.settings import FunctionSettings
from shared.metering.clients.raw_files import RawFileStore
from shared.metering.services.polling import TimeBudget, poll_enabled_connections


class Settings(FunctionSettings):
    distributor_connections_table: str
    metering_files_table: str
    metering_files_bucket: str


settings = Settings.load()


store = RawFileStore(settings.metering_files_bucket)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    budget = TimeBudget(lambda: context.get_remaining_time_in_millis() / 1000)
    outcomes = poll_enabled_connections(store, budget)
    return {connection_id: outcome.model_dump(mode="json") for connection_id, outcome in outcomes.items()}
