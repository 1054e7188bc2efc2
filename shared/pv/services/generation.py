"""What consumption and the energy communities show of an installation's production, apart from the installation's
routes and reads, so that the routes that show it import none of them."""

from shared.metering.readings import StoredHours
from shared.pv.dal.generation import hourly_generation
from shared.pv.models import community_owner


def house_generation(house_id: str, start_utc: int, end_utc: int) -> StoredHours:
    """The house's production (Wh) of each hour of [start_utc, end_utc); quality None where none was read."""
    return hourly_generation(house_id, start_utc, end_utc)


def community_generation(community_id: str, start_utc: int, end_utc: int) -> list[int | None]:
    """An energy community's shared installation's production (Wh) of each hour, None where none was read."""
    stored = hourly_generation(community_owner(community_id), start_utc, end_utc)
    return [None if quality is None else wh for wh, quality in zip(stored.consumption_wh, stored.quality, strict=True)]
