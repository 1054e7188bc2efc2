"""CUPS links: the body that sets one, the history entry each link leaves, and the event it announces."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from shared.core.models import RequestBody
from shared.supply_points.cups import Energy

# The domain event a link publishes on the default EventBridge bus (see template.yaml's SupplyPointLinkedRule).
HOUSES_EVENT_SOURCE = "house-energy.houses"
SUPPLY_POINT_LINKED = "SupplyPointLinked"


class CupsLink(RequestBody):
    cups: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
        Field(
            description="The supply point id; stored in its compact upper-case form",
            examples=["ES0021000012345678LB0F"],
        ),
    ]
    since: date | None = Field(
        default=None,
        description="The house sees this supply point's metering from this day on (never before the end of a "
        "previous holder's link)",
    )


class SupplyPointLinked(BaseModel):
    """The `detail` of a SupplyPointLinked event: a house holds the supply point (20-character CUPS) now."""

    supply_point: str
    energy: Energy
    house_id: str


@dataclass(frozen=True)
class CupsLinkEntry:
    """One link of a supply point (20-character CUPS) to a house, in the history every link and unlink is kept in:
    current while `unlinked_at` is None."""

    supply_point: str
    link_id: str  # "<linked_at>#<house id>": the history in time order
    house_id: str
    energy: Energy
    cups: str  # as written on the house (20 or 22 characters)
    since: date | None  # the operator's `since`, as given
    visible_from: date | None  # the first local day the house sees; None: everything stored
    linked_at: datetime
    unlinked_at: datetime | None = None
