"""Daily: re-checks every Datadis consent that Datadis can still change (one authorisation list in all) and
queues one read per connected house."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.clients.message_queue import MessageQueue
from shared.core.observability import logger
from shared.datadis.clients.account import DatadisAccount
from shared.datadis.services.consents import recheck_consents
from shared.datadis.services.settings import DatadisSettings


class Settings(DatadisSettings):
    datadis_read_queue_url: str


settings = Settings.load()
datadis = DatadisAccount(settings.datadis_base_url, settings.datadis_credentials_secret)
reads = MessageQueue(settings.datadis_read_queue_url)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    outcome = recheck_consents(datadis.api, reads, datetime.now(UTC))
    logger.info("Datadis consents re-checked", extra=outcome)
    return outcome
