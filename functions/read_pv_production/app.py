"""SQS (one monitored PV installation, a house's or an energy community's, queued by the daily poll) -> its hourly
production read from its monitoring platform, a whole month a request, and stored in integer Wh."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.communities.services.reads import read_community_production
from shared.core.observability import logger
from shared.core.settings import FunctionSettings
from shared.pv.clients.providers import MonitoringProvider
from shared.pv.clients.registry import monitoring_provider
from shared.pv.models import MonitoringProviderName
from shared.pv.queue_messages import InstallationReadRecord
from shared.pv.services.reads import read_production


class Settings(FunctionSettings):
    pv_installations_table: str
    energy_communities_table: str
    metering_table: str
    solaredge_base_url: str


settings = Settings.load()
base_urls = {MonitoringProviderName.SOLAREDGE: settings.solaredge_base_url}
processor = BatchProcessor(event_type=EventType.SQS, model=InstallationReadRecord)


def provider_of(name: MonitoringProviderName) -> MonitoringProvider:
    return monitoring_provider(name, base_url=base_urls[name])


def record_handler(record: InstallationReadRecord) -> None:
    read = record.body
    if read.community_id is not None:
        read_community_production(read.community_id, provider_of, datetime.now(UTC))
    elif read.house_id is not None:
        read_production(read.house_id, provider_of, datetime.now(UTC))


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
