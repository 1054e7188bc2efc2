"""A house's PV installation: operators and the house's owner keep it (another user gets 404), and its production
is read once a day from its monitoring platform, a whole month a request, into the generation store.

`PUT` never calls the provider: a key it refuses, or a provider that cannot be reached, shows in `last_poll.error`
after the next poll. The monitoring API key goes to Secrets Manager; records keep only the secret's name."""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from shared.core.auth import Caller
from shared.core.clients.message_queue import MessageQueue, OutgoingMessage
from shared.core.clients.secrets import Secrets, delete_secret, read_secret
from shared.core.errors import InvalidInputError, NotFoundError
from shared.houses.models import StoredHouse
from shared.houses.service import visible_house
from shared.pv.cau import InvalidSelfConsumptionError, checked_self_consumption
from shared.pv.clients.providers import (
    MonitoringProvider,
    ProviderError,
    ProviderRateLimitedError,
    ProviderRefusedKeyError,
)
from shared.pv.dal import installations
from shared.pv.dal.generation import hourly_generation, save_generation
from shared.pv.models import (
    DEFAULT_SITE_ZONE,
    InstallationRead,
    MonitoringProviderName,
    PvInstallation,
    PvInstallationPut,
    PvLastPoll,
    PvSettings,
    ReadProgress,
    StoredPvInstallation,
)
from shared.pv.production import production_hours
from shared.pv.production_plan import month_bounds, plan_months
from shared.supply_points.cups import Energy

ProviderOf = Callable[[MonitoringProviderName], MonitoringProvider]


def get_installation(caller: Caller, house_id: str) -> PvInstallation:
    house = visible_house(caller, house_id)
    return _existing(house).shown()


def put_installation(
    caller: Caller, house_id: str, body: PvInstallationPut, secrets: Secrets, now: datetime
) -> tuple[PvInstallation, bool]:
    """Create or replace the installation; True when it was created. The key is stored first, so that an
    installation never names a secret that does not exist."""
    house = visible_house(caller, house_id)
    settings = _self_consumption_checked(house, body.settings())
    existing = installations.get_installation(house.id)
    secret_name = secrets.store(house.id, body.monitoring.api_key.get_secret_value()) if body.monitoring else None
    installation = StoredPvInstallation(
        house_id=house.id,
        settings=settings,
        secret_name=secret_name,
        created_at=existing.created_at if existing else now,
        updated_at=now,
        last_poll=existing.last_poll if existing else None,
    )
    created = installations.save_installation(replace(house, pv_installation=settings, updated_at=now), installation)
    if existing and existing.secret_name and secret_name is None:
        delete_secret(existing.secret_name)  # no monitoring any more
    return installation.shown(), created


def delete_installation(caller: Caller, house_id: str, now: datetime) -> None:
    house = visible_house(caller, house_id)
    existing = _existing(house)
    if not installations.delete_installation(replace(house, pv_installation=None, updated_at=now)):
        raise NotFoundError(f"house {house_id} has no PV installation")
    if existing.secret_name:
        delete_secret(existing.secret_name)


def queue_reads(reads: MessageQueue) -> int:
    """One read per monitored installation; how many were queued."""
    house_ids = [installation.house_id for installation in installations.monitored_installations()]
    reads.send([OutgoingMessage(InstallationRead(house_id=house_id).model_dump_json()) for house_id in house_ids])
    return len(house_ids)


def read_production(house_id: str, provider_of: ProviderOf, now: datetime) -> PvLastPoll | None:
    """Read the months the plan gives (a whole month a request), store their hours, and record how it went in the
    installation's last poll. A key the provider refuses, or its daily limit reached, ends the run (asking again
    would only fail again); a provider that cannot be reached leaves that month for the next run. None: nothing to
    read (no installation, or no monitoring)."""
    installation = installations.get_installation(house_id)
    monitoring = installation.settings.monitoring if installation else None
    if installation is None or monitoring is None or installation.secret_name is None:
        return None
    plan = plan_months(
        today=now.astimezone(DEFAULT_SITE_ZONE).date(),
        installed_on=installation.settings.installed_on,
        backfill=not installation.progress.backfilled,
        left_over=installation.progress.left_over,
    )
    provider, api_key = provider_of(monitoring.provider), read_secret(installation.secret_name)
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
        stored += save_generation(house_id, month, read.hours, now)
        if read.bad_rows:
            problems.append(f"{month}: {len(read.bad_rows)} values not understood ({read.bad_rows[0].reason})")
    last_poll = PvLastPoll(at=now, hours_stored=stored, error="; ".join(problems) or None)
    installations.record_poll(house_id, last_poll, ReadProgress(backfilled=True, left_over=frozenset(left_over)))
    return last_poll


def house_generation(house_id: str, start_utc: int, end_utc: int) -> list[int | None]:
    """The house's production (Wh) of each hour of [start_utc, end_utc), None where none was read."""
    return hourly_generation(house_id, start_utc, end_utc)


def _self_consumption_checked(house: StoredHouse, settings: PvSettings) -> PvSettings:
    """The CAU and the table 113 code checked (the CAU names the house's electricity CUPS unless the code is a
    collective modality), in their stored forms; a 422 naming each field otherwise."""
    link = house.link(Energy.ELECTRICITY)
    try:
        checked = checked_self_consumption(
            cau=settings.cau,
            self_consumption_code=settings.self_consumption_code,
            house_electricity_cups=link.cups if link else None,
        )
    except InvalidSelfConsumptionError as invalid:
        fields = ", ".join(problem.field for problem in invalid.problems)
        raise InvalidInputError(f"invalid self-consumption: {fields}", problems=list(invalid.problems)) from None
    code = checked.code.code if checked.code else None
    return settings.model_copy(update={"cau": checked.cau, "self_consumption_code": code})


def _existing(house: StoredHouse) -> StoredPvInstallation:
    installation = installations.get_installation(house.id)
    if installation is None:
        raise NotFoundError(f"house {house.id} has no PV installation")
    return installation
