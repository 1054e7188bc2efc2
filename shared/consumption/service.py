"""What GET /houses/{house_id}/consumption answers: the house's supply point, what it may see, the report.

Zones: the house's postal code says where the supply is (`supply_points.zones`): its electric zone picks the
tariff tables, its time zone the local hours shown (Canary time in the Canary Islands). The pipeline read the
supply point's files in the time zone of its CUPS (it may have had no house then); where the house says
otherwise, its hours were stored a whole hour early or late and are read shifted."""

from dataclasses import replace
from datetime import date, timedelta

from shared.billing.services.tariffs import electricity_tariffs_between
from shared.communities.services.shares import house_shares
from shared.consumption import points
from shared.consumption.local_hours import LocalHours, label_shift, local_hours
from shared.consumption.models import Consumption, Granularity, PeriodTotals
from shared.core.auth import Caller
from shared.core.concurrency import started
from shared.core.errors import ConflictError, FieldProblem, InvalidInputError
from shared.houses.models import SupplyLink
from shared.houses.service import visible_house
from shared.metering.dal import metering
from shared.metering.readings import StoredHours
from shared.pv.services.generation import house_generation
from shared.supply_points.cups import Energy
from shared.supply_points.dal import cups_links
from shared.supply_points.zones import ElectricZone, cups_time_zone, electric_zone
from shared.tariffs import TariffSpan, tariff_spans

MAX_DAYS = 366


def _periods(
    local: LocalHours, hours: StoredHours, days: tuple[date, date], contracts: list[TariffSpan], zone: ElectricZone
) -> PeriodTotals:
    # The tariff of the contract in force each day; 2.0TD, the domestic tariff, assumed on days no contract covers.
    return points.period_totals(local, hours, tariff_spans(*days, contracts), zone)


def _entry_visible_from(link: SupplyLink) -> date | None:
    """For a house stored before it kept its link's `visible_from`."""
    entry = cups_links.get_link(link.supply_point, link.link_id)
    return entry.visible_from if entry else None


def consumption_report(
    caller: Caller, house_id: str, energy: Energy, first_day: date, end_day: date, granularity: Granularity
) -> Consumption:
    if end_day <= first_day:
        raise InvalidInputError.on("to", "must be after from (from is inclusive, to exclusive)")
    if end_day - first_day > timedelta(days=MAX_DAYS):
        raise InvalidInputError.on("to", f"at most {MAX_DAYS} days after from")
    house = visible_house(caller, house_id)
    link = house.link(energy)
    if link is None:
        message = f"the house has no {energy.value} CUPS"
        raise ConflictError(message, problems=[FieldProblem("energy", message)])
    electric = electric_zone(house.postal_code)
    zone = electric.time_zone
    local = local_hours(first_day, end_day, zone)
    electricity = energy is Energy.ELECTRICITY
    pv = house.pv_installation is not None and electricity
    member = bool(house.community_periods) and electricity
    # Every read at once, each on a pool thread (`shared.core.concurrency`), the supply point's hours first:
    # DynamoDB answers them side by side, and the largest answer is parsed while the smaller ones come in.
    shift = label_shift(cups_time_zone(link.supply_point), zone, local.start_utc)
    reading_hours = started(metering.stored_hours, link.supply_point, local.start_utc - shift, local.end_utc - shift)
    reading_generation = started(house_generation, house.id, local.start_utc, local.end_utc) if pv else None
    reading_shares = (
        started(
            house_shares, house.id, house.community_periods, link.supply_point, local.start_utc, local.end_utc, zone
        )
        if member
        else None
    )
    reading_contracts = started(electricity_tariffs_between, house.id, first_day, end_day) if electricity else None
    visible_from = link.visible_from if link.visible_from_recorded else _entry_visible_from(link)
    stored = reading_hours.result()
    hours = points.visible(replace(stored, start_utc=local.start_utc) if shift else stored, visible_from, zone)
    solar = points.solar(hours, reading_generation.result()) if reading_generation else None
    community = reading_shares.result() if reading_shares else None
    return Consumption(
        house_id=house.id,
        cups=link.cups,
        energy=energy.value,
        timezone=zone.key,
        granularity=granularity,
        points=points.points(local, hours, granularity, solar, community),
        totals=points.totals(hours, solar, community),
        periods=(
            _periods(local, hours, (first_day, end_day), reading_contracts.result(), electric)
            if reading_contracts
            else None
        ),
    )
