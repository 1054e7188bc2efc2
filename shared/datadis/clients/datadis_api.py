"""Datadis' private API, for our company's account: ask holders for consent, list the consents we hold, read a
holder's supplies and hourly consumption. Standard library only (urllib).

- The base URL is the root above `/nikola-auth` and `/api-private` (https://datadis.es, or a stand-in).
- Login answers the bearer token as raw text. It is kept until Datadis answers 401, then renewed once.
- Every request has a timeout: Datadis is slow, and a route behind API Gateway has 29 s in all.
- Failures are typed: DatadisUnavailableError (timeout, refused connection, 5xx, an unreadable answer) and
  DatadisRateLimitedError (429: the same data query within 24 hours), both with a retry hint in seconds;
  DatadisRefusedError (401 with a fresh token, 403: our account may not do this); DatadisQueryError (any other
  4xx: the query itself is wrong, e.g. a startDate that is not `YYYY/MM`).
"""

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from shared.datadis.models import (
    Authorization,
    AuthorizationList,
    AuthorizationRequest,
    AuthorizationRequestAnswer,
    DatadisModel,
    Supply,
)

DEFAULT_BASE_URL = "https://datadis.es"
DEFAULT_TIMEOUT = 20.0  # seconds per connection attempt and per read
UNAVAILABLE_RETRY_AFTER = 60
RATE_LIMITED_RETRY_AFTER = 24 * 3600  # Datadis refuses an identical query for 24 hours
# Datadis has blocked some HTTP libraries' default user agents (eddie-energy/eddie, GH-1102).
USER_AGENT = "house-energy-backend/0.1 (Datadis client)"

_LOGIN = "/nikola-auth/tokens/login"
_SEND_REQUEST_AUTHORIZATION = "/api-private/request/send-request-authorization"
_AUTHORIZATIONS = "/api-private/authorizations/request/third-authorized-users-cups"
_SUPPLIES = "/api-private/api/get-supplies"
_CONSUMPTION = "/api-private/api/get-consumption-data"


class DatadisError(Exception):
    pass


class DatadisUnavailableError(DatadisError):
    def __init__(self, message: str, *, retry_after: int = UNAVAILABLE_RETRY_AFTER) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds


class DatadisRateLimitedError(DatadisError):
    def __init__(self, message: str, *, retry_after: int = RATE_LIMITED_RETRY_AFTER) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds


class DatadisRefusedError(DatadisError):
    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class DatadisQueryError(DatadisError):
    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class _TokenRefusedError(Exception):
    """401 on an /api-private call: the token expired, or was never good."""


class DatadisApi:
    """One company account's session. Not thread-safe: a Lambda container runs one invocation at a time."""

    def __init__(self, base_url: str, username: str, password: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self._password = password
        self.timeout = timeout
        self._token: str | None = None

    def login(self) -> str:
        """A new token for the account (raw text, not JSON); kept for the next calls."""
        form = urllib.parse.urlencode({"username": self.username, "password": self._password}).encode()
        request = self._request("POST", _LOGIN, body=form, content_type="application/x-www-form-urlencoded")
        try:
            token = self._send(request).decode().strip()
        except _TokenRefusedError:
            raise DatadisRefusedError("Datadis refused our account's username or password", status=401) from None
        if not token:
            raise DatadisUnavailableError("Datadis answered the login with an empty token")
        self._token = token
        return token

    def send_request_authorization(self, nif: str, cups: str, *, start: date, end: date) -> AuthorizationRequestAnswer:
        """Ask the holder of `nif` (mode PULL) to let our account read `cups` from `start` to `end`."""
        body = AuthorizationRequest.pull(nif, [cups], start=start, end=end).model_dump_json(by_alias=True)
        answer = self._call("POST", _SEND_REQUEST_AUTHORIZATION, body=body.encode(), content_type="application/json")
        return _parse(AuthorizationRequestAnswer, answer, "send-request-authorization")

    def authorizations(self) -> list[Authorization]:
        """Every authorisation Datadis lists for our account, whatever its status."""
        return _parse(AuthorizationList, self._call("GET", _AUTHORIZATIONS), "third-authorized-users-cups").response

    def supplies(self, authorized_nif: str) -> list[Supply]:
        """The supplies of a holder that our account may read."""
        answer = self._call("GET", _SUPPLIES, query={"authorizedNif": authorized_nif})
        if not isinstance(answer, list):
            raise DatadisUnavailableError(f"get-supplies answered {type(answer).__name__}, not a list")
        return [_parse(Supply, supply, "get-supplies") for supply in answer]

    def consumption(
        self,
        cups: str,
        distributor_code: str,
        month: str,
        point_type: int,
        authorized_nif: str,
        measurement_type: int = 0,
    ) -> list[dict[str, Any]]:
        """One month (`YYYY/MM`) of a supply's consumption, as the rows Datadis sent (numbers as Decimal):
        `shared.datadis.readings` reads them, reporting each bad row rather than losing the month."""
        query = {
            "cups": cups,
            "distributorCode": distributor_code,
            "startDate": month,
            "endDate": month,
            "measurementType": str(measurement_type),
            "pointType": str(point_type),
            "authorizedNif": authorized_nif,
        }
        answer = self._call("GET", _CONSUMPTION, query=query)
        if not isinstance(answer, list) or not all(isinstance(row, dict) for row in answer):
            raise DatadisUnavailableError("get-consumption-data answered something other than a list of rows")
        rows: list[dict[str, Any]] = answer
        return rows

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> Any:
        """The JSON answer of an /api-private call, logging in again once when the token is refused."""
        for attempt in range(2):
            token = self._token if self._token is not None and attempt == 0 else self.login()
            request = self._request(method, path, query=query, body=body, content_type=content_type)
            request.add_header("Authorization", f"Bearer {token}")
            try:
                answer = self._send(request)
            except _TokenRefusedError:
                self._token = None
                continue
            try:
                return json.loads(answer, parse_float=Decimal)
            except ValueError:
                raise DatadisUnavailableError(f"{path} answered something that is not JSON") from None
        raise DatadisRefusedError(f"Datadis refused our account's new token on {path}", status=401)

    def _request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> urllib.request.Request:
        url = self.base_url + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/plain"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        return urllib.request.Request(url, data=body, headers=headers, method=method)

    def _send(self, request: urllib.request.Request) -> bytes:
        path = urllib.parse.urlsplit(request.full_url).path
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            raise _http_error(path, error) from None
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, cut short
            raise DatadisUnavailableError(f"Datadis could not be reached on {path}: {error}") from None


def _http_error(path: str, error: urllib.error.HTTPError) -> Exception:
    status = error.code
    if status == 401:
        return _TokenRefusedError()
    message = f"Datadis answered {status} on {path}: {_excerpt(error)}"
    retry_after = _retry_after(error.headers.get("Retry-After"))
    if status == 429:
        return DatadisRateLimitedError(message, retry_after=retry_after or RATE_LIMITED_RETRY_AFTER)
    if status >= 500:
        return DatadisUnavailableError(message, retry_after=retry_after or UNAVAILABLE_RETRY_AFTER)
    if status == 403:
        return DatadisRefusedError(message, status=status)
    return DatadisQueryError(message, status=status)


def _retry_after(value: str | None) -> int | None:
    """Seconds from a Retry-After header in seconds (an HTTP date is not worth parsing here)."""
    return int(value) if value is not None and value.strip().isdigit() else None


def _excerpt(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(300).decode(errors="replace").strip() or error.reason
    except OSError:
        return str(error.reason)


def _parse[Model: DatadisModel](model: type[Model], answer: Any, endpoint: str) -> Model:
    try:
        return model.model_validate(answer)
    except ValidationError as error:
        raise DatadisUnavailableError(f"{endpoint} answered in an unexpected shape: {error}") from None
