"""The reads' message names one owner of a monitored installation: a house, or an energy community."""

import pytest
from pydantic import ValidationError

from shared.pv.models import InstallationRead, community_owner


def test_a_read_names_a_house_or_a_community() -> None:
    assert InstallationRead.model_validate_json('{"house_id": "h1"}').house_id == "h1"
    assert InstallationRead(community_id="c1").community_id == "c1"
    assert community_owner("c1") == "community#c1"  # its generation store: generation#community#c1


@pytest.mark.parametrize("fields", [{}, {"house_id": "h1", "community_id": "c1"}])
def test_a_read_naming_none_or_both_is_refused(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="exactly one of house_id and community_id"):
        InstallationRead(**fields)
