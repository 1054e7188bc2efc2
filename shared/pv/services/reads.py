"""An installation's production, read once a day from its monitoring platform, a whole month a request, into the
generation store."""

from collections.abc import Callable
from datetime import datetime

from shared.core.clients.message_queue import MessageQueue, OutgoingMessage
from shared.core.clients.secrets import read_secret
from shared.pv.clients.providers import (
    MonitoringProvider,
    ProviderError,
    ProviderRateLimitedError,
    ProviderRefusedKeyError,
)
from shared.pv.dal import installations
from shared.pv.dal.generation import save_generation
from shared.pv.models import (
    DEFAULT_SITE_ZONE,
    InstallationRead,
    MonitoredSite,
    MonitoringProviderName,
    PvLastPoll,
    ReadProgress,
)
from shared.pv.production import production_hours
from shared.pv.production_plan import month_bounds, plan_months

ProviderOf = Callable[[MonitoringProviderName], MonitoringProvider]


def queue_reads(reads: MessageQueue) -> int:
    """One read per monitored installation; how many were queued."""
    house_ids = [installation.house_id for installation in installations.monitored_installations()]
    reads.send([OutgoingMessage(InstallationRead(house_id=house_id).model_dump_json()) for house_id in house_ids])
    return len(house_ids)


def read_production(house_id: str, provider_of: ProviderOf, now: datetime) -> PvLastPoll | None:
    """Read a house's installation (`read_site`) and record how it went in its last poll. None: nothing to read
    (no installation, or no monitoring)."""
    installation = installations.get_installation(house_id)
    monitoring = installation.settings.monitoring if installation else None
    if installation is None or monitoring is None or installation.secret_name is None:
        return None
    site = MonitoredSite(
        owner=house_id,
        monitoring=monitoring,
        secret_name=installation.secret_name,
        installed_on=installation.settings.installed_on,
        progress=installation.progress,
    )
    last_poll, progress = read_site(site, provider_of, now)
    installations.record_poll(house_id, last_poll, progress)
    return last_poll


def read_site(site: MonitoredSite, provider_of: ProviderOf, now: datetime) -> tuple[PvLastPoll, ReadProgress]:
    """Read the months the plan gives (a whole month a request) into the site owner's generation store; the poll's
    outcome and the progress to keep. A key the provider refuses, or its daily limit reached, ends the run (asking
    again would only fail again); a provider that cannot be reached leaves that month for the next run."""
    monitoring = site.monitoring
    plan = plan_months(
        today=now.astimezone(DEFAULT_SITE_ZONE).date(),
        installed_on=site.installed_on,
        backfill=not site.progress.backfilled,
        left_over=site.progress.left_over,
    )
    provider, api_key = provider_of(monitoring.provider), read_secret(site.secret_name)
    left_over, stored, problems = set(plan.deferred), 0, list[str]()
    for position, month in enumerate(plan.months):
        try:
            values = provider.hourly_energy(monitoring.site_id, api_key, *month_bounds(month))
        except (ProviderRateLimitedError, ProviderRefusedKeyError) as error:
            problems.append(str(error))
            left_over.update(plan.months[position:])
            break
        except ProviderError as error:
            problems.append(f"{month}: {error}")
            left_over.add(month)
            continue
        read = production_hours(values)
        stored += save_generation(site.owner, read.hours, now)
        if read.bad_rows:
            problems.append(f"{month}: {len(read.bad_rows)} values not understood ({read.bad_rows[0].reason})")
    last_poll = PvLastPoll(at=now, hours_stored=stored, error="; ".join(problems) or None)
    return last_poll, ReadProgress(backfilled=True, left_over=frozenset(left_over))
