from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from shared.core.models import RequestBody, Timestamp, matching


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
    pv_installation: dict[str, Any] | None = Field(default=None, description="Set by the PV installation routes")
    created_at: Timestamp
    updated_at: Timestamp
