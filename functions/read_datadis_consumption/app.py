"""SQS (one connected house, queued by the daily run) -> its hourly consumption read from Datadis month by month
and stored under source `datadis`."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.observability import logger
from shared.datadis.clients.account import DatadisAccount
from shared.datadis.queue_messages import HouseReadRecord
from shared.datadis.services.reads import read_consumption
from shared.datadis.services.settings import DatadisSettings


class Settings(DatadisSettings):
    metering_table: str


settings = Settings.load()
datadis = DatadisAccount(settings.datadis_base_url, settings.datadis_credentials_secret)
processor = BatchProcessor(event_type=EventType.SQS, model=HouseReadRecord)


def record_handler(record: HouseReadRecord) -> None:
    read_consumption(record.body.house_id, datadis.api, datetime.now(UTC))


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
