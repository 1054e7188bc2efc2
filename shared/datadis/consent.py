"""The consent state of a house's Datadis connection, decided from what Datadis itself answers: the answer to our
consent request, then its list of authorisations (third-authorized-users-cups) and the holder's supplies. The app's
word is never taken."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from shared.datadis.models import Authorization, AuthorizationStatusId, ConsentStatus, Supply
from shared.supply_points.cups import supply_point_key

# Nothing asked, Datadis refused the request itself, or the user revoked it: Datadis lists nothing to check.
_NOTHING_TO_CHECK = frozenset(
    {ConsentStatus.NOT_REQUESTED, ConsentStatus.NOT_REGISTERED, ConsentStatus.NO_SUPPLIES, ConsentStatus.REVOKED}
)


def can_be_checked(status: ConsentStatus) -> bool:
    """Whether re-reading Datadis' authorisations can change this state (a callback on any other state is 409)."""
    return status not in _NOTHING_TO_CHECK


class NothingToCheckError(ValueError):
    """A decision asked for a state that Datadis' authorisations cannot change."""


@dataclass(frozen=True)
class RequestOutcome:
    """What asking Datadis for consent leads to. `status` None: Datadis did not take the request (down, timed out,
    refused our account, or answered something unknown); nothing is recorded and the user may retry later."""

    status: ConsentStatus | None
    reason: str  # what the app can show


_REQUEST_ANSWERS = {
    "ok": RequestOutcome(
        ConsentStatus.PENDING, "Datadis asked the holder, who accepts the request in Datadis' private area"
    ),
    "nonif": RequestOutcome(
        ConsentStatus.NOT_REGISTERED,
        "The NIF has no Datadis account: the holder registers at datadis.es, then asks again",
    ),
    "noSupplies": RequestOutcome(
        ConsentStatus.NO_SUPPLIES,
        "Datadis lists no supply point for this NIF: the NIF must be the supply contract's holder's",
    ),
    "nopermisos": RequestOutcome(None, "Datadis does not let our account ask for consent at the moment"),
}


def request_outcome(answer: str | None) -> RequestOutcome:
    """The outcome of send-request-authorization's `response`; None when Datadis gave no answer (a timeout, a 5xx,
    our account refused)."""
    if answer is None:
        return RequestOutcome(None, "Datadis cannot be reached at the moment")
    return _REQUEST_ANSWERS.get(answer, RequestOutcome(None, f"Datadis gave an unknown answer: {answer!r}"))


@dataclass(frozen=True)
class ConsentDecision:
    """A state and its evidence: the Datadis request that decided it and that request's validity."""

    status: ConsentStatus
    reason: str
    request_id: int | None = None
    authorized_from: datetime | None = None
    authorized_until: datetime | None = None


def newest_authorization(authorizations: Iterable[Authorization], *, nif: str, cups: str) -> Authorization | None:
    """The newest request Datadis lists for this holder and supply point (CUPS matched on the first 20 characters),
    deleted entries left out. A holder asked again after a rejection has several; Datadis numbers its requests
    increasingly, so the highest `request_id` is the newest."""
    holder, supply_point = _document(nif), supply_point_key(cups)
    matching = [
        authorization
        for authorization in authorizations
        if not authorization.is_deleted
        and _document(authorization.owner_document) == holder
        and supply_point_key(authorization.cups) == supply_point
    ]
    return max(matching, key=lambda authorization: (authorization.request_id, authorization.id), default=None)


def in_force(authorization: Authorization, today: date) -> bool:
    """VIGENTE and its validity not ended before `today` (Madrid's date): only then does the holder's list of supplies
    decide between CONNECTED and WAITING_SUPPLIES."""
    end = authorization.validity_date_end
    return authorization.status.id == AuthorizationStatusId.VIGENTE and (end is None or end.date() >= today)


# Datadis' answer, when the newest request is not in force.
_NOT_IN_FORCE = {
    AuthorizationStatusId.PENDIENTE: (ConsentStatus.PENDING, "The holder has not answered the request in Datadis yet"),
    AuthorizationStatusId.RECHAZADA: (ConsentStatus.REJECTED, "The holder rejected the request in Datadis"),
    AuthorizationStatusId.EXPIRADA: (ConsentStatus.EXPIRED, "Datadis lists the authorisation as expired"),
    AuthorizationStatusId.VIGENTE: (ConsentStatus.EXPIRED, "The authorisation's validity has ended"),
}


def decide_consent(
    current: ConsentStatus,
    authorization: Authorization | None,
    *,
    supplies: Sequence[Supply] | None,
    today: date,
) -> ConsentDecision:
    """The state after reading Datadis: `authorization` is the `newest_authorization` for the house's NIF and CUPS;
    `supplies` the NIF's supplies (get-supplies with authorizedNif), needed only when the authorisation is
    `in_force` (None when they were not read)."""
    if not can_be_checked(current):
        raise NothingToCheckError(f"{current} is not decided by Datadis' authorisations")
    if authorization is None:
        return _nothing_listed(current)
    if in_force(authorization, today):
        if supplies is None:
            raise ValueError("an authorisation in force is decided with the holder's supplies (get-supplies)")
        supply_point = supply_point_key(authorization.cups)
        if any(supply_point_key(supply.cups) == supply_point for supply in supplies):
            return _decided(ConsentStatus.CONNECTED, "The holder authorised our account in Datadis", authorization)
        return _decided(
            ConsentStatus.WAITING_SUPPLIES,
            "Authorised, but Datadis does not list the supply point among the holder's supplies yet",
            authorization,
        )
    status = authorization.status
    if status.id not in _NOT_IN_FORCE:
        return _decided(current, f"Datadis lists an unknown status {status.id} {status.description!r}", authorization)
    return _decided(*_NOT_IN_FORCE[AuthorizationStatusId(status.id)], authorization)


def _decided(status: ConsentStatus, reason: str, authorization: Authorization) -> ConsentDecision:
    return ConsentDecision(
        status,
        reason,
        request_id=authorization.request_id,
        authorized_from=authorization.validity_date_start,
        authorized_until=authorization.validity_date_end,
    )


def _nothing_listed(current: ConsentStatus) -> ConsentDecision:
    """Datadis lists no request for the NIF and CUPS: one just sent may not show yet; one that showed was cancelled
    or deleted in Datadis, which ends the consent."""
    if current is ConsentStatus.PENDING:
        return ConsentDecision(current, "Datadis does not list the request yet")
    if current in (ConsentStatus.CONNECTED, ConsentStatus.WAITING_SUPPLIES):
        return ConsentDecision(ConsentStatus.EXPIRED, "Datadis no longer lists the authorisation")
    return ConsentDecision(current, "Datadis lists no request for this NIF and supply point")


def _document(value: str) -> str:
    """An identity document as Datadis compares them: upper case, without spaces or dashes."""
    return "".join(value.split()).replace("-", "").upper()
