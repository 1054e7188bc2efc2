"""What consumption shows of a house's installation, apart from the installation's routes and reads, so that the
consumption route imports none of them."""

from shared.metering.readings import StoredHours
from shared.pv.dal.generation import hourly_generation


def house_generation(house_id: str, start_utc: int, end_utc: int) -> StoredHours:
    """The house's production (Wh) of each hour of [start_utc, end_utc); quality None where none was read."""
    return hourly_generation(house_id, start_utc, end_utc)
