import pytest

from shared.core.auth import caller_from_claims
from shared.core.errors import ForbiddenError


@pytest.mark.parametrize(
    ("groups", "is_operator"),
    [
        ("[operators]", True),  # how HTTP APIs pass an array claim
        ("[staff operators]", True),
        (["operators"], True),  # a direct invocation may pass the list
        ("[staff]", False),
        (None, False),
    ],
)
def test_operator_is_read_from_the_groups_claim(groups: object, is_operator: bool) -> None:
    claims = {"sub": "abc"} | ({} if groups is None else {"cognito:groups": groups})
    assert caller_from_claims(claims).is_operator is is_operator


def test_only_operators_pass_require_operator() -> None:
    caller_from_claims({"sub": "a", "cognito:groups": "[operators]"}).require_operator()
    with pytest.raises(ForbiddenError):
        caller_from_claims({"sub": "a"}).require_operator()
