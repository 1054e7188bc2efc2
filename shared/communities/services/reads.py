"""A community's shared installation is read as a house's is (`pv.services.reads.read_site`): the daily poll
queues one read per monitored community beside the houses', and the reads' function reads it into the generation
store under `generation#community#<id>`."""

from datetime import datetime

from shared.communities import dal
from shared.core.clients.message_queue import MessageQueue, OutgoingMessage
from shared.pv.models import InstallationRead, MonitoredSite, PvLastPoll, community_owner
from shared.pv.services.reads import ProviderOf, read_site


def queue_reads(reads: MessageQueue) -> int:
    """One read per monitored community; how many were queued."""
    ids = [community.id for community in dal.monitored_communities()]
    reads.send([OutgoingMessage(InstallationRead(community_id=community_id).model_dump_json()) for community_id in ids])
    return len(ids)


def read_community_production(community_id: str, provider_of: ProviderOf, now: datetime) -> PvLastPoll | None:
    """Read the community's installation and record the poll on it. None: nothing to read."""
    community = dal.get_community(community_id)
    if community is None or community.monitoring is None or community.secret_name is None:
        return None
    site = MonitoredSite(
        owner=community_owner(community_id),
        monitoring=community.monitoring,
        secret_name=community.secret_name,
        installed_on=None,
        progress=community.progress,
    )
    last_poll, progress = read_site(site, provider_of, now)
    dal.record_poll(community_id, last_poll, progress)
    return last_poll
