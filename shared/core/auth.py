"""Who is calling: built from the JWT claims API Gateway's Cognito authorizer hands to the function."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.core.errors import ForbiddenError

OPERATORS_GROUP = "operators"


@dataclass(frozen=True)
class Caller:
    sub: str
    groups: frozenset[str]

    @property
    def is_operator(self) -> bool:
        return OPERATORS_GROUP in self.groups

    def require_operator(self) -> None:
        if not self.is_operator:
            raise ForbiddenError("only operators may do this")


def caller_from_claims(claims: Mapping[str, Any]) -> Caller:
    return Caller(sub=str(claims["sub"]), groups=frozenset(_groups(claims.get("cognito:groups"))))


def _groups(value: object) -> list[str]:
    # HTTP APIs stringify array claims: ["a", "b"] arrives as "[a b]"; direct invocations may pass a list.
    if value is None:
        return []
    if isinstance(value, list):
        return [str(group) for group in value]
    return str(value).strip("[]").replace(",", " ").split()
