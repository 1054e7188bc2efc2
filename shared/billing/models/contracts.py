"""Electricity and gas supply contracts (docs/api.md, "Contracts and invoices")."""

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Self

from pydantic import Field, RootModel, StringConstraints, ValidationInfo, field_validator

from shared.billing.models.documents import StoredDocument
from shared.billing.models.values import Kwh, PowerPerPeriod, period_mismatches, refuse_periods
from shared.core.models import RequestBody, Timestamp
from shared.tariffs import Period, Tariff


class PowerControl(StrEnum):
    ICP = "icp"
    MAXIMETER = "maximeter"


class GasTariff(StrEnum):
    RL1 = "RL.1"
    RL2 = "RL.2"
    RL3 = "RL.3"
    RL4 = "RL.4"
    RL5 = "RL.5"
    RL6 = "RL.6"
    RL7 = "RL.7"
    RL8 = "RL.8"
    RL9 = "RL.9"
    RL10 = "RL.10"
    RL11 = "RL.11"


# Circular CNMC 3/2020: in these tariffs the power contracted in a period is never less than in the one
# before; 2.0TD has only two power periods, and the EV-charging variants are not bound by it.
_NON_DECREASING_POWER = frozenset({Tariff.T30TD, Tariff.T61TD, Tariff.T62TD, Tariff.T63TD, Tariff.T64TD})

Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ContractNumber = Annotated[str, StringConstraints(min_length=1, max_length=100)]


# Circular CNMC 3/2020, art. 6: 2.0TD is the low-voltage toll up to 15 kW contracted in every period; 3.0TD (and
# 6.xTD) above 15 kW in at least one.
DOMESTIC_LIMIT_KW = 15


def power_periods(tariff: Tariff) -> tuple[Period, ...]:
    return (Period.P1, Period.P2) if tariff is Tariff.T20TD else tuple(Period)


class ContractBody(RequestBody):
    """What every contract has: its days in force, retailer and number."""

    start_date: date = Field(description="First day in force")
    end_date: date | None = Field(default=None, description="Last day in force (inclusive); none while open-ended")
    retailer: Text
    contract_number: ContractNumber

    @property
    def days(self) -> tuple[date, date | None]:
        return self.start_date, self.end_date

    def with_changes(self, changes: Mapping[str, Any]) -> Self:
        """This contract with `changes` applied (each field given replaces the stored one whole), validated as a
        new contract is: a ValidationError names each offending field, including unknown ones."""
        return self.model_validate(self.model_dump() | dict(changes))

    @field_validator("end_date")
    @classmethod
    def _not_before_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if end is not None and start is not None and end < start:
            raise ValueError("must not be before start_date")
        return end


class ElectricityContractBody(ContractBody):
    tariff: Tariff
    contracted_power_kw: PowerPerPeriod = Field(
        description="P1-P2 for 2.0TD, P1-P6 otherwise; for 3.0TD and 6.xTD never decreasing from P1 to P6"
    )
    power_control: PowerControl
    self_consumption_code: Annotated[str, StringConstraints(min_length=1, max_length=30)] | None = Field(
        default=None, description="Self-consumption type code (e.g. 41) or CAU, as the contract states it"
    )

    @field_validator("contracted_power_kw")
    @classmethod
    def _periods_of_the_tariff(cls, power: PowerPerPeriod, info: ValidationInfo) -> PowerPerPeriod:
        tariff = info.data.get("tariff")
        if tariff is not None:
            by_period = power.by_period()
            mismatches = list(period_mismatches(by_period, power_periods(tariff), f"{tariff} power"))
            refuse_periods(
                [
                    *mismatches,
                    *(_decreases(tariff, by_period) if tariff in _NON_DECREASING_POWER else ()),
                    # The limits are read on the tariff's own periods, once they are right.
                    *(_over_the_domestic_limit(by_period) if tariff is Tariff.T20TD and not mismatches else ()),
                ]
            )
            if tariff is not Tariff.T20TD and all(kw <= DOMESTIC_LIMIT_KW for kw in by_period.values()):
                raise ValueError(
                    f"{tariff} is for supplies above {DOMESTIC_LIMIT_KW} kW in at least one period; "
                    f"up to {DOMESTIC_LIMIT_KW} kW in every period the tariff is 2.0TD"
                )
        return power


def _over_the_domestic_limit(power: dict[Period, Decimal]) -> Iterator[tuple[Period, str]]:
    for period, kw in power.items():
        if kw > DOMESTIC_LIMIT_KW:
            yield period, f"at most {DOMESTIC_LIMIT_KW} kW on 2.0TD: a supply above it in any period takes 3.0TD"


def _decreases(tariff: Tariff, power: dict[Period, Decimal]) -> Iterator[tuple[Period, str]]:
    rule = f"{tariff} power never decreases from P1 to P6"
    for (before, lower), (period, higher) in pairwise(power.items()):
        if higher < lower:
            yield period, f"must be at least {before} ({lower.normalize():f} kW): {rule}"


class GasContractBody(ContractBody):
    tariff: GasTariff
    annual_consumption_kwh: Kwh = Field(description="Estimated annual consumption (Qa)")
    daily_capacity_kwh: Kwh = Field(description="Contracted daily capacity (Qd), kWh per day")


class ContractChanges(RootModel[dict[str, Any]]):
    """Any of the contract's fields, named and checked as in its POST body; each one given replaces the stored
    value whole (contracted_power_kw with all its periods), `"end_date": null` makes the contract open-ended
    again. The contract with these changes must be valid as a new one, and overlap none of the house's other
    contracts of that energy."""


class StoredContract(StoredDocument):
    updated_at: Timestamp | None = Field(
        default=None, description="When the contract was last changed (PATCH, or a billing system's correction)"
    )


class ElectricityContract(StoredContract, ElectricityContractBody):
    pass


class GasContract(StoredContract, GasContractBody):
    pass
