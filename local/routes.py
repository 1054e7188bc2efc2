"""Which HttpApi route answers a request: API Gateway's matching of path templates and methods."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from local.template import HttpRoute

_LITERAL, _PARAMETER, _GREEDY = 0, 1, 2


@dataclass(frozen=True)
class RouteMatch:
    route: HttpRoute
    path_parameters: dict[str, str]


@dataclass(frozen=True)
class _Segment:
    kind: int
    text: str  # the literal, or the parameter's name


def _segments(path: str) -> list[str]:
    return path.split("/")[1:]


def _compile(path: str) -> tuple[_Segment, ...]:
    compiled = []
    parts = _segments(path)
    for position, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            if position != len(parts) - 1:
                raise ValueError(f"{path}: a greedy {{name+}} parameter must be the last segment")
            compiled.append(_Segment(_GREEDY, part[1:-2]))
        elif part.startswith("{") and part.endswith("}"):
            compiled.append(_Segment(_PARAMETER, part[1:-1]))
        else:
            compiled.append(_Segment(_LITERAL, part))
    return tuple(compiled)


class RouteTable:
    """Matches like API Gateway: the most specific path wins (literal over {param} over {proxy+}, compared
    segment by segment), a route's own method wins over ANY, and $default catches what nothing else does."""

    def __init__(self, routes: Iterable[HttpRoute]) -> None:
        self._routes = [(route, _compile(route.path) if route.path else None) for route in routes]
        keys = [route.route_key for route, _ in self._routes]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"routes declared more than once: {duplicates}")

    def match(self, method: str, raw_path: str) -> RouteMatch | None:
        """The route for `method` and `raw_path` (percent-encoded, without query), or None (a 404)."""
        method = method.upper()
        request_parts = [unquote(part) for part in _segments(raw_path)]
        best: tuple[tuple[int, ...], RouteMatch] | None = None
        for route, template in self._routes:
            if route.method not in (method, "ANY"):
                continue
            if template is None:
                parameters: dict[str, str] | None = {}
                rank: tuple[int, ...] = (3,)
            else:
                parameters = _match_segments(template, request_parts)
                rank = tuple(segment.kind for segment in template)
            if parameters is None:
                continue
            rank = (*rank, int(route.method == "ANY"))
            if best is None or rank < best[0]:
                best = (rank, RouteMatch(route=route, path_parameters=parameters))
        return best[1] if best else None


def _match_segments(template: tuple[_Segment, ...], parts: list[str]) -> dict[str, str] | None:
    parameters: dict[str, str] = {}
    for position, segment in enumerate(template):
        if segment.kind == _GREEDY:
            rest = parts[position:]
            if not rest or not rest[0]:
                return None
            parameters[segment.text] = "/".join(rest)
            return parameters
        if position >= len(parts):
            return None
        part = parts[position]
        if segment.kind == _LITERAL:
            if part != segment.text:
                return None
        elif not part:
            return None
        else:
            parameters[segment.text] = part
    return parameters if len(parts) == len(template) else None
