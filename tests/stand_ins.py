"""For the tests of a local stand-in (Datadis, SolarEdge): its clock, set by the test, and requests made to it as a
client would make them."""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class Clock:
    """The stand-in's time: `now`, which the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now.timestamp()


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str | None
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def call(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    query: Mapping[str, str] | None = None,
    form: Mapping[str, str] | None = None,
    body: Any = None,
) -> Answer:
    """`form` sent URL-encoded, `body` as JSON; an error status is an answer like any other."""
    url = base_url + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if form is not None:
        data, headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    elif body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, response.headers["Content-Type"], response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers["Content-Type"], error.read().decode())
