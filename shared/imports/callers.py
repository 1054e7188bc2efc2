"""Who may use the imports API: operators, and billing systems' machine clients (a client-credentials access
token carrying the imports/write scope, of an app client bound to its billing system's source). A machine client
sends only its own source's messages and sees only the imports it created; anyone else is refused (403)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.core.auth import caller_from_claims
from shared.core.errors import ForbiddenError

IMPORTS_WRITE_SCOPE = "imports/write"


@dataclass(frozen=True)
class ImportsCaller:
    principal: str  # what an import records as its creator: "user:<sub>" or "client:<app client id>"
    is_operator: bool
    source: str | None = None  # a machine client's billing system: the only source it may send

    @property
    def is_machine_client(self) -> bool:
        return self.source is not None

    def require_importer(self) -> None:
        if not (self.is_operator or self.is_machine_client):
            raise ForbiddenError(
                f"only operators and billing systems' own clients (scope {IMPORTS_WRITE_SCOPE}) may do this"
            )

    def may_see(self, created_by: str) -> bool:
        return self.is_operator or created_by == self.principal


def imports_caller(claims: Mapping[str, Any], source_of: Callable[[str], str | None]) -> ImportsCaller:
    """From the claims API Gateway's JWT authorizer verified. The scopes are read from the token's signed
    `scope` claim: the authorizer's own `scopes` list is empty on a route that declares no AuthorizationScopes,
    and /imports declares none, as operators call it with ID tokens, which carry no scope. `source_of`: the
    source an app client is bound to (shared.imports.clients.billing_systems), None when it is no billing
    system's."""
    caller = caller_from_claims(claims)
    client_id = str(claims.get("client_id") or "")
    scopes = str(claims.get("scope") or "").split()
    machine = bool(client_id) and claims.get("token_use") == "access" and IMPORTS_WRITE_SCOPE in scopes
    if not machine:
        return ImportsCaller(principal=f"user:{caller.sub}", is_operator=caller.is_operator)
    return ImportsCaller(principal=f"client:{client_id}", is_operator=False, source=source_of(client_id))
