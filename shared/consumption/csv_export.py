"""CSV renderings of API responses: one row per point with a header line, the same fields as the JSON."""

import csv
import io

from shared.consumption.models import ConsumptionReport

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
_CONSUMPTION_COLUMNS = ["start", "end", "consumption_kwh", "surplus_kwh", "quality", "source"]


def consumption_csv(report: ConsumptionReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CONSUMPTION_COLUMNS)
    for point in report.points:
        row = point.model_dump(mode="json")
        writer.writerow(["" if row[column] is None else row[column] for column in _CONSUMPTION_COLUMNS])
    return out.getvalue()
