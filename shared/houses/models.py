"""Houses as the API shows them, the bodies that create and change them, and a house as stored."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from shared.communities.models import HouseCommunity, MembershipPeriod, current_community
from shared.core.models import RequestBody, Timestamp, matching
from shared.pv.models import PvSettings
from shared.supply_points.cups import Energy, supply_point_key


class HouseKind(StrEnum):
    DWELLING = "dwelling"
    TOWN_HALL = "town_hall"
    COMMERCIAL_PREMISES = "commercial_premises"
    OTHER = "other"


Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Five digits whose first two are a province code (01-52).
_POSTAL_CODE = r"(0[1-9]|[1-4][0-9]|5[0-2])[0-9]{3}"
PostalCode = Annotated[
    str,
    matching(_POSTAL_CODE, "must be five digits starting with a province code 01-52"),
    Field(json_schema_extra={"pattern": f"^{_POSTAL_CODE}$"}, examples=["28013"]),
]
City = Annotated[str, StringConstraints(max_length=100)]
HouseName = Annotated[str, StringConstraints(max_length=200)]


class HouseCreate(RequestBody):
    address: Address
    postal_code: PostalCode
    city: City | None = None
    kind: HouseKind = HouseKind.DWELLING
    name: HouseName | None = None


class HouseUpdate(RequestBody):
    """Only the fields present change; address, postal_code and kind cannot be cleared."""

    name: HouseName | None = None
    kind: HouseKind | None = None
    address: Address | None = None
    postal_code: PostalCode | None = None
    city: City | None = None

    @field_validator("kind", "address", "postal_code")
    @classmethod
    def _required_field_not_cleared(cls, value: object) -> object:
        # Validators run only on fields the client sent, so None here is an explicit null.
        if value is None:
            raise ValueError("cannot be cleared")
        return value

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one of name, kind, address, postal_code, city")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class House(BaseModel):
    id: str
    user_id: str
    name: str | None
    kind: HouseKind
    address: str
    postal_code: str
    city: str | None
    electricity_cups: str | None = None
    gas_cups: str | None = None
    pv_installation: PvSettings | None = Field(default=None, description="Set by the PV installation routes")
    energy_community: HouseCommunity | None = Field(
        default=None, description="The energy community whose coefficient set in force today names the house"
    )
    created_at: Timestamp
    updated_at: Timestamp


@dataclass(frozen=True)
class SupplyLink:
    """A house's current link of one energy: its CUPS as written, the link's entry in the CUPS link history, and
    that entry's `visible_from` (the first local day of the supply the house sees; None: all of it), kept on the
    house too so that showing its consumption needs no read of the entry. `visible_from_recorded` is False for a
    house stored before the house kept it: the entry says then."""

    cups: str
    link_id: str
    visible_from: date | None = None
    visible_from_recorded: bool = True

    @property
    def supply_point(self) -> str:
        return supply_point_key(self.cups)


@dataclass(frozen=True)
class StoredHouse:
    """A house as stored: what the API shows, and what it does not: the unique key its address holds, its current
    link of each energy, and the version that makes every change to it conditional (None: not stored yet)."""

    id: str
    user_id: str
    name: str | None
    kind: HouseKind
    address: str
    postal_code: str
    city: str | None
    address_key: str
    created_at: datetime
    updated_at: datetime
    links: Mapping[Energy, SupplyLink] = field(default_factory=dict)
    pv_installation: PvSettings | None = None
    community_periods: tuple[MembershipPeriod, ...] = ()  # written by the energy communities' coefficient sets
    version: int | None = None

    def link(self, energy: Energy) -> SupplyLink | None:
        return self.links.get(energy)

    def to_house(self) -> House:
        return House(
            id=self.id,
            user_id=self.user_id,
            name=self.name,
            kind=self.kind,
            address=self.address,
            postal_code=self.postal_code,
            city=self.city,
            electricity_cups=_cups(self.link(Energy.ELECTRICITY)),
            gas_cups=_cups(self.link(Energy.GAS)),
            pv_installation=self.pv_installation,
            energy_community=current_community(self.community_periods),
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


def _cups(link: SupplyLink | None) -> str | None:
    return link.cups if link else None
