"""A house's Datadis consent. Only the house's user asks for consent, confirms it and revokes it, from the app;
operators read it for support (403 on every change), another user gets 404. The state is never the app's word:
it is what Datadis answers, to the request and in its own list of authorisations, which the callback and the
daily re-check read; every change keeps that evidence, when it was read and who acted.

The daily run re-checks every consent that Datadis can still change with one authorisation-list call in all, and
queues one read per connected house (services.reads). Apart from the reads, so that the routes' functions import
none of the reading and storing of hours."""

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from shared.core.auth import Caller
from shared.core.clients.message_queue import MessageQueue, OutgoingMessage
from shared.core.errors import ConflictError, FieldProblem, ForbiddenError, InvalidInputError, UnavailableError
from shared.core.observability import logger
from shared.datadis import dal
from shared.datadis.clients.datadis_api import (
    DatadisApi,
    DatadisError,
    DatadisRateLimitedError,
    DatadisRefusedError,
    DatadisUnavailableError,
)
from shared.datadis.consent import (
    ConsentDecision,
    can_be_checked,
    decide_consent,
    in_force,
    newest_authorization,
    request_outcome,
)
from shared.datadis.models import (
    MADRID,
    Authorization,
    ConsentChange,
    ConsentHistoryEntry,
    ConsentRequestBody,
    ConsentStatus,
    DatadisConnection,
    DatadisConsent,
    HouseRead,
    Supply,
)
from shared.houses.models import StoredHouse
from shared.houses.service import visible_house
from shared.supply_points.cups import Energy, InvalidCups, normalise_cups
from shared.users.service import get_user

REQUEST_YEARS = 2  # the longest validity Datadis grants


SCHEDULE = "schedule"
# The statuses a re-reading of Datadis can change; the others wait for the user.
RECHECKED = frozenset({ConsentStatus.PENDING, ConsentStatus.CONNECTED, ConsentStatus.WAITING_SUPPLIES})
NOTICES = {
    ConsentStatus.NOT_REQUESTED: "Connect Datadis to see this house's consumption from the distributors' platform",
    ConsentStatus.PENDING: "Accept our request in your Datadis private area (datadis.es), then come back to the app",
    ConsentStatus.CONNECTED: "Connected: your consumption is read from Datadis every day",
    ConsentStatus.WAITING_SUPPLIES: "Authorised: Datadis does not list this supply point among yours yet; we check "
    "again every day",
    ConsentStatus.REJECTED: "The request was rejected in Datadis: ask again to connect",
    ConsentStatus.EXPIRED: "The authorisation has expired: ask again to connect",
    ConsentStatus.NOT_REGISTERED: "This NIF has no Datadis account: register at datadis.es, then ask again",
    ConsentStatus.NO_SUPPLIES: "Datadis lists no supply point for this NIF: use the supply contract holder's NIF",
    ConsentStatus.REVOKED: "We no longer read your data. Datadis has no way for us to cancel the authorisation: "
    "revoke it in your Datadis private area (datadis.es) too",
}


# ---------------------------------------------------------------- the user, from the app


def get_connection(caller: Caller, house_id: str) -> DatadisConnection:
    house = visible_house(caller, house_id)
    return _shown(dal.get_consent(house.id) or DatadisConsent(house.id))


def request_consent(
    caller: Caller, house_id: str, body: ConsentRequestBody, datadis: DatadisApi, now: datetime
) -> DatadisConnection:
    """Ask Datadis to ask the holder for consent (mode PULL, from today for two years). Datadis' refusals of the
    NIF or its supplies are recorded; a Datadis that cannot be reached, or refuses our account, records nothing."""
    house, consent = _owned(caller, house_id)
    if consent.status in (ConsentStatus.PENDING, ConsentStatus.CONNECTED):
        raise ConflictError(
            f"the house's Datadis connection is {consent.status} already",
            problems=[FieldProblem("status", f"already {consent.status}")],
        )
    nif, cups = _nif(caller, house, body), _cups(house, body)
    today = now.astimezone(MADRID).date()
    try:
        answer = datadis.send_request_authorization(nif, cups, start=today, end=_years_after(today, REQUEST_YEARS))
    except (DatadisUnavailableError, DatadisRateLimitedError, DatadisRefusedError) as error:
        raise _unavailable(error) from None
    outcome = request_outcome(answer.response)
    if outcome.status is None:
        raise UnavailableError(outcome.reason, retry_after=3600)
    change = ConsentChange(
        outcome.status, now, outcome.reason, by=f"user:{caller.sub}", evidence=answer.model_dump_json()
    )
    requested = consent.recorded(
        change,
        nif=nif,
        cups=cups,
        requested_at=now,
        requested_by=caller.sub,
        request_id=None,
        authorized_from=None,
        authorized_until=None,
        checked_at=now,
    )
    return _shown(dal.save_consent(requested))


def check_consent(caller: Caller, house_id: str, datadis: DatadisApi, now: datetime) -> DatadisConnection:
    """The user is back from Datadis: decide the state from Datadis' list of authorisations."""
    _, consent = _owned(caller, house_id)
    if not can_be_checked(consent.status):
        raise ConflictError(
            f"nothing to check: the house's Datadis connection is {consent.status}",
            problems=[FieldProblem("status", f"{consent.status} has nothing Datadis can confirm")],
        )
    try:
        authorizations = datadis.authorizations()
        decided = _decided(consent, authorizations, _supplies_reader(datadis), now, by=f"user:{caller.sub}")
    except (DatadisUnavailableError, DatadisRateLimitedError, DatadisRefusedError) as error:
        raise _unavailable(error) from None
    return _shown(dal.save_consent(decided))


def revoke_consent(caller: Caller, house_id: str, now: datetime) -> DatadisConnection:
    """Stop every read of the house at once (the reader looks before each query)."""
    _, consent = _owned(caller, house_id)
    if consent.status is ConsentStatus.NOT_REQUESTED:
        raise ConflictError("nothing to revoke: the house never connected Datadis")
    if consent.status is ConsentStatus.REVOKED:
        return _shown(consent)
    change = ConsentChange(ConsentStatus.REVOKED, now, "Revoked by the user in the app", by=f"user:{caller.sub}")
    return _shown(dal.save_consent(consent.recorded(change)))


# ---------------------------------------------------------------- the daily re-check


def recheck_consents(datadis: DatadisApi, reads: MessageQueue, now: datetime) -> dict[str, int]:
    """Re-check every consent Datadis can change (one authorisation-list call) and queue one read per connected
    house; a house that cannot be decided is left as it is and never stops the others. How many houses ended
    in each status, and how many reads were queued."""
    consents = dal.consents_in(RECHECKED)
    if not consents:
        return {"reads_queued": 0}
    try:
        authorizations = datadis.authorizations()
    except DatadisError as error:
        logger.warning("Datadis' authorisations cannot be read: consents left as they are", extra={"error": str(error)})
        authorizations = None
    supplies = _supplies_reader(datadis)
    outcome: dict[str, int] = {}
    connected = []
    for stored in consents:
        consent = stored
        if authorizations is not None:
            try:
                consent = dal.save_consent(_decided(stored, authorizations, supplies, now, by=SCHEDULE))
            except Exception:
                logger.exception("consent not re-checked", extra={"house_id": stored.house_id})
        outcome[consent.status.value] = outcome.get(consent.status.value, 0) + 1
        if consent.status is ConsentStatus.CONNECTED:
            connected.append(consent.house_id)
    reads.send([OutgoingMessage(HouseRead(house_id=house_id).model_dump_json()) for house_id in connected])
    return outcome | {"reads_queued": len(connected)}


# ---------------------------------------------------------------- decisions and their evidence


def _decided(
    consent: DatadisConsent,
    authorizations: Iterable[Authorization],
    supplies_of: Callable[[str], list[Supply]],
    now: datetime,
    *,
    by: str,
) -> DatadisConsent:
    today = now.astimezone(MADRID).date()
    nif, cups = consent.nif or "", consent.cups or ""
    authorization = newest_authorization(authorizations, nif=nif, cups=cups)
    supplies = supplies_of(nif) if authorization is not None and in_force(authorization, today) else None
    decision = decide_consent(consent.status, authorization, supplies=supplies, today=today)
    checked = replace(consent, checked_at=now, **_validity(decision))
    if decision.status is consent.status:
        return checked
    evidence = _evidence(authorization, supplies)
    return checked.recorded(ConsentChange(decision.status, now, decision.reason, by=by, evidence=evidence))


def _validity(decision: ConsentDecision) -> dict[str, Any]:
    """The deciding request's id and validity; nothing when Datadis listed none (what was known stays)."""
    if decision.request_id is None:
        return {}
    return {
        "request_id": decision.request_id,
        "authorized_from": decision.authorized_from,
        "authorized_until": decision.authorized_until,
    }


def _evidence(authorization: Authorization | None, supplies: list[Supply] | None) -> str:
    return json.dumps(
        {
            "authorization": None if authorization is None else authorization.model_dump(mode="json", by_alias=True),
            "supplies": None if supplies is None else [supply.cups for supply in supplies],
        }
    )


def _supplies_reader(datadis: DatadisApi) -> Callable[[str], list[Supply]]:
    """get-supplies once per NIF and run."""
    read: dict[str, list[Supply]] = {}

    def supplies_of(nif: str) -> list[Supply]:
        if nif not in read:
            read[nif] = datadis.supplies(nif)
        return read[nif]

    return supplies_of


# ---------------------------------------------------------------- helpers


def _owned(caller: Caller, house_id: str) -> tuple[StoredHouse, DatadisConsent]:
    """The caller's own house (404 for another user's) and its consent; operators are refused (403)."""
    house = visible_house(caller, house_id)
    if caller.is_operator:
        raise ForbiddenError("only the house's user connects Datadis, from the app; operators may only read it")
    return house, dal.get_consent(house.id) or DatadisConsent(house.id)


def _nif(caller: Caller, house: StoredHouse, body: ConsentRequestBody) -> str:
    nif = body.nif or get_user(caller, house.user_id).nif
    if nif is None:
        raise InvalidInputError.on("nif", "give the Datadis account holder's NIF: the user has none on record")
    return nif


def _cups(house: StoredHouse, body: ConsentRequestBody) -> str:
    link = house.link(Energy.ELECTRICITY)
    written = body.cups or (link.cups if link else None)
    if written is None:
        raise InvalidInputError.on("cups", "give an electricity CUPS: the house has none linked")
    try:
        return normalise_cups(written, Energy.ELECTRICITY)
    except InvalidCups as invalid:
        raise InvalidInputError.on("cups", str(invalid)) from None


def _shown(consent: DatadisConsent) -> DatadisConnection:
    return DatadisConnection(
        house_id=consent.house_id,
        status=consent.status,
        nif=consent.nif,
        cups=consent.cups,
        requested_at=consent.requested_at,
        authorized_from=consent.authorized_from,
        authorized_until=consent.authorized_until,
        last_sync_at=consent.progress.last_sync_at,
        last_sync_error=consent.progress.last_sync_error,
        history=[ConsentHistoryEntry(status=c.status, at=c.at, reason=c.reason) for c in consent.history],
        notice=NOTICES[consent.status],
    )


def _unavailable(error: DatadisError) -> UnavailableError:
    retry_after = getattr(error, "retry_after", 60)
    return UnavailableError(f"Datadis cannot take the request now: {error}", retry_after=int(retry_after))


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
