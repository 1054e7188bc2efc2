"""CSV renderings of API responses: one row per point with a header line, the same fields as the JSON.

Written from the same columns as the JSON, joined in C: the csv module's check of every cell for quoting would
double the time of a year of hours, and no cell needs quoting (timestamps, numbers and the labels of quality and
source)."""

from shared.consumption.energy_text import kwh_csv
from shared.consumption.models import Points, is_energy

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
_EMPTY = {None: ""}


def consumption_csv(points: Points) -> str:
    bounds, columns = points.bounds, points.columns()
    cells = [
        bounds[:-1],
        bounds[1:],
        *(kwh_csv(column) if is_energy(name) else _cells(column) for name, column in columns),
    ]
    rows = map(",".join, zip(*cells, strict=True))
    return "\n".join([",".join(["start", "end", *(name for name, _ in columns)]), *rows, ""])


def _cells(column: list[str | None]) -> list[str]:
    """As the csv module writes each label: null as an empty cell."""
    return list(map(str, map(_EMPTY.get, column, column)))  # type: ignore[arg-type]
