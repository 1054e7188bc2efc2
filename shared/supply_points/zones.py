"""Where a supply point is, as its metering and tariffs need it: the electric system (Circular CNMC 3/2020 gives
each its own tariff seasons and hours) and the time zone its distributor's files and its answers are written in.

The house's postal code decides both (its first two digits are the province). A supply point no house holds yet
has only its CUPS: the Canary Islands' distribution ranges `ES00316` and `ES04016` (those Som Energia's cchloader
reads in Canary time) are Canary time, any other CUPS peninsular time.
"""

from enum import StrEnum
from zoneinfo import ZoneInfo

MADRID = ZoneInfo("Europe/Madrid")
CANARY = ZoneInfo("Atlantic/Canary")
_CANARY_CUPS_PREFIXES = ("ES00316", "ES04016")


class ElectricZone(StrEnum):
    PENINSULA = "peninsula"
    BALEARIC_ISLANDS = "balearic_islands"
    CANARY_ISLANDS = "canary_islands"
    CEUTA = "ceuta"
    MELILLA = "melilla"

    @property
    def time_zone(self) -> ZoneInfo:
        # Ceuta and Melilla keep peninsular time; the Balearic Islands too.
        return CANARY if self is ElectricZone.CANARY_ISLANDS else MADRID


_ZONE_BY_PROVINCE = {
    "07": ElectricZone.BALEARIC_ISLANDS,
    "35": ElectricZone.CANARY_ISLANDS,  # Las Palmas
    "38": ElectricZone.CANARY_ISLANDS,  # Santa Cruz de Tenerife
    "51": ElectricZone.CEUTA,
    "52": ElectricZone.MELILLA,
}


def electric_zone(postal_code: str) -> ElectricZone:
    """The electric system of a Spanish postal code (validated elsewhere: 5 digits, province 01-52)."""
    return _ZONE_BY_PROVINCE.get(postal_code[:2], ElectricZone.PENINSULA)


def cups_time_zone(cups: str) -> ZoneInfo:
    """The time zone a supply point's files are read in when only its CUPS is known."""
    return CANARY if cups.startswith(_CANARY_CUPS_PREFIXES) else MADRID
