"""Daily: queues one production read per monitored PV installation, a house's or an energy community's (the reads
run apart, a few at once)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.communities.services.reads import queue_reads as queue_community_reads
from shared.core.clients.message_queue import MessageQueue
from shared.core.observability import logger
from shared.core.settings import FunctionSettings
from shared.pv.services.reads import queue_reads


class Settings(FunctionSettings):
    pv_installations_table: str
    energy_communities_table: str
    pv_read_queue_url: str


settings = Settings.load()
reads = MessageQueue(settings.pv_read_queue_url)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    houses, communities = queue_reads(reads), queue_community_reads(reads)
    logger.info("PV production reads queued", extra={"installations": houses, "communities": communities})
    return {"reads_queued": houses + communities}
