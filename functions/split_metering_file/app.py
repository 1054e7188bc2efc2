"""SQS (S3 "Object Created" under raw/, via EventBridge) -> the file cut into chunks queued for parsing."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.clients.message_queue import MessageQueue
from shared.core.clients.object_store import ObjectStore
from shared.core.observability import logger, metrics
from shared.core.settings import FunctionSettings
from shared.metering.queue_messages import NewFileRecord
from shared.metering.services.splitting import MeteringFileSplitter


class Settings(FunctionSettings):
    metering_files_table: str
    metering_files_bucket: str
    metering_chunk_queue_url: str
    metering_file_queue_max_receives: int  # the queue's maxReceiveCount


settings = Settings.load()


processor = BatchProcessor(event_type=EventType.SQS, model=NewFileRecord)
splitter = MeteringFileSplitter(
    ObjectStore(settings.metering_files_bucket), MessageQueue(settings.metering_chunk_queue_url)
)


def record_handler(record: NewFileRecord) -> None:
    created = record.body.detail
    deliveries = int(record.attributes.ApproximateReceiveCount)
    splitter.split(
        created.bucket.name,
        created.object.key,
        created.object.etag,
        last_delivery=deliveries >= settings.metering_file_queue_max_receives,
    )


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
