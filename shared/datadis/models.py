"""Datadis' answers and the consent request's body, named after Datadis' fields: the attributes are their snake_case
spelling and the camelCase wire names their aliases (`validity_date_end` is `validityDateEnd`). Only what the
backend reads is required; fields Datadis adds are ignored."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import IntEnum, StrEnum
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from shared.core.models import RequestBody, Timestamp
from shared.users.models import Nif

MADRID = ZoneInfo("Europe/Madrid")


class DatadisModel(BaseModel):
    # Datadis writes some codes as numbers in one answer and as strings in another (distributorCode "8").
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, coerce_numbers_to_str=True)


class Supply(DatadisModel):
    """A supply point of get-supplies. The data queries need its `distributor_code` (Datadis' 1-8, not the REE code
    in the CUPS) and `point_type` (1-5; a home is 5)."""

    cups: str
    distributor_code: str
    point_type: int
    address: str = ""
    postal_code: str = ""
    province: str = ""
    municipality: str = ""
    distributor: str = ""
    valid_date_from: str = ""  # aaaa/MM/dd
    valid_date_to: str = ""  # aaaa/MM/dd; "" while the supply is in force


class AuthorizationStatusId(IntEnum):
    """The status ids of third-authorized-users-cups, named by their `description`."""

    PENDIENTE = 1
    EXPIRADA = 3
    VIGENTE = 5
    RECHAZADA = 7


class AuthorizationStatus(DatadisModel):
    id: int  # an AuthorizationStatusId, kept as a plain int so that a status Datadis adds still parses
    description: str = ""


class Authorization(DatadisModel):
    """An entry of third-authorized-users-cups: what a holder (`owner_document`) decided on our account's request
    `request_id` for one CUPS."""

    id: int
    request_id: int
    owner_document: str
    cups: str
    status: AuthorizationStatus
    validity_date_start: datetime | None = None
    validity_date_end: datetime | None = None  # e.g. 2026-04-01T23:59:59.000+0200: the end of the last day
    is_deleted: bool | None = None
    owner_name: str = ""
    owner_document_type_name: str = ""
    requester_document: str = ""
    requester_document_type_name: str = ""
    requester_name: str = ""
    distributor_code_father: str = ""  # the REE code of the distributor


class AuthorizationList(DatadisModel):
    """The answer of third-authorized-users-cups."""

    response: list[Authorization]


class AuthorizationRequestAnswer(DatadisModel):
    """The answer of send-request-authorization: `ok`, `nonif`, `noSupplies` or `nopermisos`."""

    response: str


class RequestedCups(DatadisModel):
    cups: str
    start_date: int  # epoch milliseconds of local midnight
    end_date: int


class AuthorizationRequest(DatadisModel):
    """The body of send-request-authorization. Despite its name, `nif_solicitante` carries the NIF of the holder
    who is asked, not ours."""

    start_date_pull: int  # epoch milliseconds of local midnight, Europe/Madrid
    end_date_pull: int
    nif_solicitante: str
    cups: list[RequestedCups]
    mode: str = "PULL"

    @classmethod
    def pull(cls, nif: str, cups: Iterable[str], *, start: date, end: date) -> Self:
        """Ask the holder of `nif` to let our account read `cups` from `start` to `end` (Datadis allows at most two
        years ahead, and reads the end as the day after the last day of data)."""
        start_ms, end_ms = _local_midnight_ms(start), _local_midnight_ms(end)
        return cls(
            start_date_pull=start_ms,
            end_date_pull=end_ms,
            nif_solicitante=nif,
            cups=[RequestedCups(cups=code, start_date=start_ms, end_date=end_ms) for code in cups],
        )


def _local_midnight_ms(day: date) -> int:
    return int(datetime.combine(day, time(), MADRID).timestamp()) * 1000


class ConsentStatus(StrEnum):
    NOT_REQUESTED = "NOT_REQUESTED"
    PENDING = "PENDING"  # asked; the holder has not answered in Datadis yet
    CONNECTED = "CONNECTED"  # Datadis lists an authorisation in force for the NIF and CUPS
    WAITING_SUPPLIES = "WAITING_SUPPLIES"  # authorised, but Datadis does not list the CUPS among the NIF's supplies
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    NOT_REGISTERED = "NOT_REGISTERED"  # Datadis answered nonif
    NO_SUPPLIES = "NO_SUPPLIES"  # Datadis answered noSupplies
    REVOKED = "REVOKED"  # by the user, in the app


@dataclass(frozen=True)
class ConsumptionQuery:
    """A get-consumption-data query of one month (its startDate and endDate); Datadis calls two queries identical
    when every parameter is."""

    cups: str
    distributor_code: str
    point_type: int
    authorized_nif: str
    month: str  # YYYY/MM
    measurement_type: int = 0  # hourly


@dataclass(frozen=True)
class SentQuery:
    query: ConsumptionQuery
    sent_at: datetime  # timezone-aware


# ---------------------------------------------------------------- the house's connection, as stored and shown


@dataclass(frozen=True)
class ConsentChange:
    """One change of a house's consent, with its evidence: what Datadis answered (JSON), when, and who acted
    (`user:<sub>`, or `schedule` for the daily re-check)."""

    status: ConsentStatus
    at: datetime
    reason: str
    by: str
    evidence: str | None = None


@dataclass(frozen=True)
class ReaderProgress:
    """What the reader of a connected house's consumption keeps between runs."""

    backfilled: bool = False  # the connection's 24 months were asked for once
    left_over: frozenset[str] = frozenset()  # months (YYYY/MM) a run could not read, asked for again
    sent: tuple[SentQuery, ...] = ()  # the data queries sent in the last 24 hours
    last_sync_at: datetime | None = None
    last_sync_error: str | None = None


@dataclass(frozen=True)
class DatadisConsent:
    """A house's Datadis connection as stored: its state, the NIF and CUPS it is for, the Datadis request that
    decided it and that request's validity, its history, and the version every change is conditioned on."""

    house_id: str
    status: ConsentStatus = ConsentStatus.NOT_REQUESTED
    nif: str | None = None
    cups: str | None = None
    requested_at: datetime | None = None
    requested_by: str | None = None
    request_id: int | None = None
    authorized_from: datetime | None = None
    authorized_until: datetime | None = None
    checked_at: datetime | None = None
    history: tuple[ConsentChange, ...] = ()
    progress: ReaderProgress = ReaderProgress()
    version: int | None = None  # None: never stored

    def recorded(self, change: ConsentChange, **details: Any) -> "DatadisConsent":
        """This consent in `change`'s status, the change added to its history, `details` (other fields) replaced."""
        return replace(self, status=change.status, history=(*self.history, change), **details)


class ConsentRequestBody(RequestBody):
    nif: Nif | None = Field(
        default=None, description="The Datadis account holder's DNI, NIE or CIF; default the user's NIF"
    )
    cups: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = Field(
        default=None, description="An electricity CUPS; default the house's electricity CUPS"
    )


class ConsentHistoryEntry(BaseModel):
    status: ConsentStatus
    at: Timestamp
    reason: str


class DatadisConnection(BaseModel):
    house_id: str
    status: ConsentStatus
    nif: str | None
    cups: str | None
    requested_at: Timestamp | None
    authorized_from: Timestamp | None = Field(description="The authorisation's validity, as Datadis lists it")
    authorized_until: Timestamp | None
    last_sync_at: Timestamp | None = Field(description="When the house's consumption was last read from Datadis")
    last_sync_error: str | None = Field(description="What the last read could not do (months left for the next)")
    history: list[ConsentHistoryEntry]
    notice: str | None = Field(description="What the app shows the user next, for the current status")


class HouseRead(BaseModel):
    """The daily run's message: read this connected house's consumption."""

    house_id: str
