"""SQS (SupplyPointLinked events, through SupplyPointLinkedRule, and the releases import functions ask for) ->
a page of the import messages held for that supply point stored in the house that links it now."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.clients.message_queue import MessageQueue
from shared.core.observability import logger, metrics
from shared.imports.models import ReleaseRecord
from shared.imports.services.importing import ImportingSettings, take_up_held

settings = ImportingSettings.load()
release_queue = MessageQueue(settings.release_queue_url)

processor = BatchProcessor(event_type=EventType.SQS, model=ReleaseRecord)


def record_handler(record: ReleaseRecord) -> None:
    release = record.body.detail
    take_up_held((release.energy, release.supply_point), release_queue)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
