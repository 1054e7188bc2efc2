"""What GET /houses/{house_id}/consumption answers: the house's supply point, what it may see, the report."""

from datetime import date, timedelta

from shared import consumption
from shared.auth import Caller
from shared.cups import Energy
from shared.dal import cups_links, metering
from shared.errors import ConflictError, FieldProblem, InvalidInputError
from shared.metering import MADRID
from shared.models.consumption import ConsumptionReport, Granularity
from shared.services.houses import visible_house_record
from shared.tariffs import Tariff

MAX_DAYS = 366


def consumption_report(
    caller: Caller, house_id: str, energy: Energy, first_day: date, end_day: date, granularity: Granularity
) -> ConsumptionReport:
    if end_day <= first_day:
        raise InvalidInputError.on("to", "must be after from (from is inclusive, to exclusive)")
    if end_day - first_day > timedelta(days=MAX_DAYS):
        raise InvalidInputError.on("to", f"at most {MAX_DAYS} days after from")
    house = visible_house_record(caller, house_id)
    link = house.current_link(energy)
    if link is None:
        message = f"the house has no {energy.value} CUPS"
        raise ConflictError(message, problems=[FieldProblem("energy", message)])
    supply_point, link_id = link
    link_record = cups_links.get_link(supply_point, link_id)
    visible_from = link_record.visible_from_date if link_record else None
    # Distributor files label hours in peninsular time; supplies elsewhere are shown in it too for now.
    zone = MADRID
    start, end = consumption.local_day_bounds(first_day, end_day, zone)
    hours = consumption.visible_hours(metering.stored_hours(supply_point, start, end), start, end, visible_from, zone)
    return ConsumptionReport(
        house_id=house.id,
        cups=getattr(house, f"{energy.value}_cups"),
        energy=energy.value,
        timezone=zone.key,
        granularity=granularity,
        points=consumption.points(hours, granularity, zone),
        totals=consumption.totals(hours),
        # The house's electricity contract will bring its own tariff; 2.0TD is what a house without one has.
        periods=consumption.period_totals(hours, Tariff.T20TD, zone) if energy is Energy.ELECTRICITY else None,
    )
