from datetime import date
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
