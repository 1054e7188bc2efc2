"""GET /houses/{house_id}/consumption: the house's metering by hour, day or month, as JSON or CSV."""

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.consumption.csv_export import CSV_CONTENT_TYPE, consumption_csv
from shared.consumption.json_export import report_json
from shared.consumption.models import ConsumptionReport, Granularity, OutputFormat
from shared.consumption.service import consumption_report
from shared.core.http.docs import responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.settings import FunctionSettings
from shared.supply_points.cups import Energy


class Settings(FunctionSettings):
    billing_documents_table: str
    cups_links_table: str
    energy_communities_table: str
    houses_table: str
    metering_table: str
    users_table: str


settings = Settings.load()


router = Router()

_documented = responses(ConsumptionReport, 404, 409, 422)
_documented[200]["content"]["text/csv"] = {"schema": {"type": "string"}}  # with ?format=csv


@router.get("/houses/<house_id>/consumption", tags=["Consumption"], responses=_documented)
def get_consumption(
    house_id: str,
    from_: Annotated[date, Query(alias="from", description="First local day (inclusive)")],
    to: Annotated[date, Query(description="Last local day (exclusive); at most 366 days after from")],
    energy: Energy = Energy.ELECTRICITY,
    granularity: Granularity = Granularity.HOUR,
    format_: Annotated[OutputFormat, Query(alias="format")] = OutputFormat.JSON,
) -> Response[str]:
    report = consumption_report(current_caller(router), house_id, energy, from_, to, granularity)
    if format_ is OutputFormat.CSV:
        return Response(200, CSV_CONTENT_TYPE, consumption_csv(report.points))
    return Response(200, "application/json", report_json(report))


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
