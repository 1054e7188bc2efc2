"""The scripts of bench/ (`make bench`) still import, and what they import still exists, so that a restructuring of
`shared` cannot break them silently. Cheap: no bench runs here, and no AWS. mypy (`make lint`, which covers bench/)
checks the calls they make; this checks what mypy cannot see run: each module's top level, every name it imports
inside its functions (after the tables are named, where the timings need it), and the setup of the scripts whose
setup is quick and needs no AWS."""

import ast
import importlib
import importlib.util
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from local.template import Template

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_SCRIPTS = sorted((REPO_ROOT / "bench").glob("*.py"))


def _bench(name: str) -> ModuleType:
    return importlib.import_module(f"bench.{name}")


def test_there_are_bench_scripts() -> None:
    assert len(BENCH_SCRIPTS) >= 9, [path.name for path in BENCH_SCRIPTS]


@pytest.mark.parametrize("script", BENCH_SCRIPTS, ids=lambda path: path.stem)
def test_a_bench_script_imports_without_running(script: Path) -> None:
    module = _bench(script.stem)
    assert callable(getattr(module, "main", None)), f"{script.name}: no main() for `make bench` to run"
    assert 'if __name__ == "__main__":' in script.read_text(), f"{script.name}: runs at import"


@pytest.mark.parametrize("script", BENCH_SCRIPTS, ids=lambda path: path.stem)
def test_what_a_bench_script_imports_inside_its_functions_exists(script: Path) -> None:
    missing = []
    for node in ast.walk(ast.parse(script.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                try:
                    importlib.import_module(alias.name)
                except ImportError as error:
                    missing.append(f"line {node.lineno}: import {alias.name} ({error})")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            try:
                module = importlib.import_module(node.module)
            except ImportError as error:
                missing.append(f"line {node.lineno}: from {node.module} ({error})")
                continue
            for alias in node.names:
                if not hasattr(module, alias.name) and importlib.util.find_spec(f"{node.module}.{alias.name}") is None:
                    missing.append(f"line {node.lineno}: from {node.module} import {alias.name}")
    assert not missing, f"{script.name} imports what no longer exists: {missing}"


def test_cold_start_gives_every_api_function_its_declared_environment() -> None:
    cold_start = _bench("cold_start")
    api_functions = [
        spec for spec in Template.load().functions() if any(event.type == "HttpApi" for event in spec.events)
    ]
    assert api_functions
    for spec in api_functions:
        environment = cold_start.declared_environment(spec)
        assert all(isinstance(value, str) for value in environment.values()), spec.logical_id


def test_parse_speed_rows_are_read_without_rejections() -> None:
    parse_speed = _bench("parse_speed")
    data = "".join(parse_speed.f5d_lines(parse_speed.HOURS_PER_CUPS + 5)).encode("iso-8859-15")
    assert parse_speed.parser_run(data) == parse_speed.HOURS_PER_CUPS + 5
    assert parse_speed.csv_baseline(data) == parse_speed.HOURS_PER_CUPS + 5


def test_metering_storage_files_are_read_without_rejections(tmp_path: Path) -> None:
    from shared.metering.parser import read_metering_file  # noqa: PLC0415
    from shared.metering.readings import Rejection  # noqa: PLC0415

    storage = _bench("metering_storage")
    path = tmp_path / "F5D_0021_0762_20240601.0.bz2"
    rows, _ = storage.write_bz2(path, storage.curve_lines(2, storage.month_of_days(date(2024, 5, 1), 31)))
    rejections: list[Rejection] = []
    with path.open("rb") as stream:
        readings = list(read_metering_file(path.name, stream, on_reject=rejections.append))
    assert (len(readings), rejections) == (rows, [])
    assert rows == 2 * 744


def test_datadis_sync_houses_and_month_of_rows() -> None:
    from shared.datadis.readings import hourly_readings  # noqa: PLC0415
    from shared.metering.hour_labels import MADRID  # noqa: PLC0415
    from shared.supply_points.cups import Energy, normalise_cups  # noqa: PLC0415

    datadis_sync = _bench("datadis_sync")
    _, cups = datadis_sync.house(7)
    assert normalise_cups(cups, Energy.ELECTRICITY) == cups
    rows = datadis_sync.month_rows(cups, date(2025, 10, 1))
    assert len(hourly_readings(rows, MADRID).readings) == 745  # the autumn change: an hour more


def test_import_throughput_bodies_are_valid_documents() -> None:
    from shared.billing.kinds import ELECTRICITY_CONTRACTS, ELECTRICITY_INVOICES  # noqa: PLC0415

    import_throughput = _bench("import_throughput")
    ELECTRICITY_CONTRACTS.body.model_validate(import_throughput.CONTRACT)
    ELECTRICITY_INVOICES.body.model_validate(import_throughput.INVOICE | {"invoice_number": "F24-000001"})


def test_sftp_copy_sink_takes_what_the_poller_uploads() -> None:
    sftp_copy = _bench("sftp_copy")
    store = sftp_copy.store_for("sink")
    assert store.write_once("raw/bench/small", [b"x" * 10])
    assert store.write_once("raw/bench/large", (bytes(1 << 20) for _ in range(12)))  # parts of a multipart upload
