"""SQS import queue -> each contract or invoice stored in the house holding its CUPS, held (unmatched) until a
house links it, or rejected with its reason; a message that fails on every delivery ends in the dead-letter
queue, counted as rejected with its error."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.clients.message_queue import MessageQueue
from shared.core.observability import logger, metrics
from shared.imports.deliveries import BillingSystemSenders, received_from_sqs
from shared.imports.models import ReceivedMessage
from shared.imports.services.importing import ImportBatch, ImportingSettings, request_release_where_possible

processor = BatchProcessor(event_type=EventType.SQS)


class Settings(ImportingSettings):
    import_queue_max_receives: int  # the queues' maxReceiveCount
    posted_import_queue_arn: str  # the queue whose message attributes the API set (shared.imports.deliveries)
    billing_system_senders: BillingSystemSenders  # who may send straight to the import queue, and as which source


settings = Settings.load()
release_queue = MessageQueue(settings.release_queue_url)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    batch = ImportBatch(
        [_received(SQSRecord(record)) for record in event["Records"]], max_receives=settings.import_queue_max_receives
    )
    try:
        return process_partial_response(
            event=event,
            record_handler=lambda record: batch.import_message(_received(record)),
            processor=processor,
            context=context,
        )
    finally:
        request_release_where_possible(release_queue, batch.finish())


def _received(record: SQSRecord) -> ReceivedMessage:
    return received_from_sqs(
        record,
        posted=record.event_source_arn == settings.posted_import_queue_arn,
        senders=settings.billing_system_senders,
    )
