"""SQS (one chunk of a split distributor file) -> its hourly readings stored; the last chunk settles the file."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.clients.domain_events import DomainEvents
from shared.core.clients.object_store import ObjectStore
from shared.core.observability import logger, metrics
from shared.core.settings import FunctionSettings
from shared.metering.queue_messages import ChunkRecord
from shared.metering.services.chunk_ingestion import EVENT_SOURCE, ChunkIngestion


class Settings(FunctionSettings):
    metering_files_table: str
    metering_table: str
    metering_files_bucket: str
    event_bus_name: str
    metering_chunk_queue_max_receives: int  # the queue's maxReceiveCount


settings = Settings.load()


processor = BatchProcessor(event_type=EventType.SQS, model=ChunkRecord)
ingestion = ChunkIngestion(
    ObjectStore(settings.metering_files_bucket), DomainEvents(settings.event_bus_name, EVENT_SOURCE)
)


def record_handler(record: ChunkRecord) -> None:
    deliveries = int(record.attributes.ApproximateReceiveCount)
    ingestion.ingest(record.body, last_delivery=deliveries >= settings.metering_chunk_queue_max_receives)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
