"""PV installations' shapes: hourly production as providers give it and as stored; the installation as the API
takes and shows it, and as stored."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, SecretStr, StringConstraints, field_validator, model_validator

from shared.core.models import RequestBody, Timestamp

# ---------------------------------------------------------------- hourly production, as providers give it and as stored

DEFAULT_SITE_ZONE = ZoneInfo("Europe/Madrid")  # the zone of a site's local labels unless it says otherwise


class MonitoringProviderName(StrEnum):
    """The inverter platforms production is read from; each has a client in `shared.pv.clients`."""

    SOLAREDGE = "solaredge"


@dataclass(frozen=True)
class ProducedHour:
    """One hourly value as the provider sent it: the energy of the hour that STARTS at `local_start`, the site's
    wall-clock time written `YYYY-MM-DD hh:mm:ss` (not checked here: `shared.pv.production` reads it)."""

    local_start: str
    energy_wh: float | None  # None: the provider has no data for that hour


@dataclass(frozen=True)
class GeneratedHour:
    """An hour of an installation's production, as stored."""

    hour_start_utc: int  # epoch seconds
    generation_wh: int
    estimated: bool  # True: half of the autumn day's merged repeated hour


# ---------------------------------------------------------------- the installation, as the API takes and shows it

PeakPower = Annotated[float, Field(gt=0, le=10_000, description="kWp: > 0, at most 10,000")]
SiteId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
]


class MonitoringPut(RequestBody):
    provider: MonitoringProviderName
    site_id: SiteId
    api_key: Annotated[
        SecretStr, Field(min_length=1, max_length=200, description="Kept in Secrets Manager, never shown")
    ]


class Monitoring(BaseModel):
    provider: MonitoringProviderName
    site_id: str


class PvSettings(BaseModel):
    """The installation as configured (what the House shows as its `pv_installation`)."""

    peak_power_kwp: float
    inverter_power_kw: float | None = None
    installed_on: date | None = None
    cau: str | None = None
    self_consumption_code: str | None = None
    battery_kwh: float | None = None
    monitoring: Monitoring | None = None


class PvInstallationPut(RequestBody):
    peak_power_kwp: PeakPower
    inverter_power_kw: Annotated[float, Field(gt=0, le=10_000)] | None = None
    installed_on: date | None = Field(default=None, description="Not in the future")
    cau: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=40)] | None = (
        Field(default=None, description="The self-consumption code (CAU): a 22-character CUPS, A and 3 digits")
    )
    self_consumption_code: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True)] | None = Field(
        default=None, description="CNMC table 113 (old or new codes)"
    )
    battery_kwh: Annotated[float, Field(ge=0, le=100_000)] | None = None
    monitoring: MonitoringPut | None = None

    @field_validator("installed_on")
    @classmethod
    def _not_in_the_future(cls, value: date | None) -> date | None:
        if value is not None and value > datetime.now(DEFAULT_SITE_ZONE).date():
            raise ValueError("must not be in the future")
        return value

    def settings(self) -> PvSettings:
        monitoring = self.monitoring
        return PvSettings(
            **self.model_dump(exclude={"monitoring"}),
            monitoring=Monitoring(provider=monitoring.provider, site_id=monitoring.site_id) if monitoring else None,
        )


class PvLastPoll(BaseModel):
    at: Timestamp
    hours_stored: int = Field(description="Hours of production stored by that poll")
    error: str | None = Field(description="What went wrong (a key the provider refuses, its daily limit...)")


class PvInstallation(PvSettings):
    house_id: str
    last_poll: PvLastPoll | None
    created_at: Timestamp
    updated_at: Timestamp


@dataclass(frozen=True)
class ReadProgress:
    """What the reader of an installation's production keeps between runs."""

    backfilled: bool = False  # the months since installation (at most 12) were read once
    left_over: frozenset[str] = frozenset()  # months (YYYY-MM) a run could not read


@dataclass(frozen=True)
class StoredPvInstallation:
    house_id: str
    settings: PvSettings
    secret_name: str | None  # where the monitoring API key is (Secrets Manager)
    created_at: datetime
    updated_at: datetime
    last_poll: PvLastPoll | None = None
    progress: ReadProgress = ReadProgress()

    def shown(self) -> PvInstallation:
        return PvInstallation(
            **self.settings.model_dump(),
            house_id=self.house_id,
            last_poll=self.last_poll,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


def community_owner(community_id: str) -> str:
    """The generation store's owner of an energy community's shared installation (a house's is its id)."""
    return f"community#{community_id}"


@dataclass(frozen=True)
class MonitoredSite:
    """What the reader needs of any monitored installation, a house's or an energy community's."""

    owner: str  # whose generation store: a house id, or `community_owner(...)`
    monitoring: Monitoring
    secret_name: str
    installed_on: date | None
    progress: ReadProgress


class InstallationRead(BaseModel):
    """The daily poll's message: read this installation's production, a house's or an energy community's."""

    house_id: str | None = None
    community_id: str | None = None

    @model_validator(mode="after")
    def _one_owner(self) -> Self:
        if (self.house_id is None) == (self.community_id is None):
            raise ValueError("name exactly one of house_id and community_id")
        return self
