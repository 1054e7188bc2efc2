"""Operators and billing systems' machine clients (client-credentials tokens with imports/write) may import;
a machine client sees only the imports it created; anyone else is refused."""

import pytest

from shared.core.errors import ForbiddenError
from shared.imports.callers import imports_caller

BOUND = {"c-1": "acme-erp"}  # the app clients of billing systems, and their sources


def test_an_operator_imports_and_sees_every_import() -> None:
    caller = imports_caller({"sub": "s-1", "cognito:groups": "[operators]", "token_use": "id"}, BOUND.get)
    caller.require_importer()
    assert caller.principal == "user:s-1"
    assert caller.may_see("client:other") and caller.may_see("user:someone")


def test_a_machine_client_sees_only_its_own_imports() -> None:
    # As API Gateway passes it on a route without AuthorizationScopes: the scope only in the signed claim.
    claims = {"sub": "c-1", "client_id": "c-1", "token_use": "access", "scope": "other/read imports/write"}
    caller = imports_caller(claims, BOUND.get)
    caller.require_importer()
    assert (caller.principal, caller.source) == ("client:c-1", "acme-erp")
    assert caller.may_see("client:c-1") and not caller.may_see("client:c-2")


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "u-1", "token_use": "id"},  # a user
        {"sub": "u-1", "client_id": "portal", "token_use": "access", "scope": "aws.cognito.signin.user.admin"},
        {"sub": "c-1", "client_id": "c-1", "token_use": "id", "scope": "imports/write"},  # scopes only count on access
        {"sub": "c-1", "client_id": "c-1", "token_use": "access", "scope": "imports/writer"},
        {"sub": "c-2", "client_id": "c-2", "token_use": "access", "scope": "imports/write"},  # no billing system's
    ],
)
def test_anyone_else_is_forbidden(claims: dict[str, str]) -> None:
    with pytest.raises(ForbiddenError):
        imports_caller(claims, BOUND.get).require_importer()
