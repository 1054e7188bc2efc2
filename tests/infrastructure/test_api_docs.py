"""docs/api.md, the HTTP contract in prose, against openapi.json, the contract the code generates.

The doc's notations (its introduction explains them to its readers):

- A route is `METHOD /path` in backticks, with openapi.json's parameter names. Each route has one row in a
  markdown table with a "Route" and an "Answers" column; Answers lists the route's status codes, comma-separated,
  401 left implicit (any route answers it).
- A paragraph "Fields of `Schema`: `a`, `b`, ..." lists every property of that component schema; a schema name
  in the list stands for all of that schema's properties.
- A paragraph "Values of `Schema`: `x`, `y`, ..." lists every value of that enumeration.
- The section "Not yet implemented" names planned route groups; routes named there are not checked against
  openapi.json (but must not be built already).

When openapi.json changes (`make openapi`), these tests say which line of the doc to change.
"""

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DOC_PATH = REPO_ROOT / "docs" / "api.md"
OPENAPI_PATH = REPO_ROOT / "openapi.json"
DOC = "docs/api.md"

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# `GET /houses/{house_id}`, optionally with a query string (`GET /houses/{house_id}/consumption?format=csv`).
ROUTE = re.compile(rf"`({'|'.join(HTTP_METHODS)}) (/[^`\s?]*)(?:\?[^`]*)?`")
BACKTICKED = re.compile(r"`([^`]+)`")
SCHEMA_LIST = re.compile(r"^(Fields|Values) of `([^`]+)`:(.*)$", re.DOTALL)
TABLE_SEPARATOR = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$")
CELL_BORDER = re.compile(r"(?<!\\)\|")
STATUS = re.compile(r"[1-5][0-9]{2}")

NOT_YET_IMPLEMENTED = "Not yet implemented"
# Statuses any route may answer, which the Answers column leaves out (the doc's Conventions say so).
IMPLICIT_STATUSES = frozenset({"401"})
# The response objects a client reads most: each needs its "Fields of" paragraph.
MAIN_OBJECTS = (
    "User",
    "House",
    "Problem",
    "ConsumptionReport",
    "ConsumptionPoint",
    "ConsumptionTotals",
    "DistributorConnection",
    "ConnectionFile",
    "ElectricityContract",
    "GasContract",
    "ElectricityInvoice",
    "GasInvoice",
    "ImportReceipt",
    "ImportReport",
    "RejectedMessage",
)

Route = tuple[str, str]  # (METHOD, /path)


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in docs/api.md
    text: str
    section: str  # the `##` heading above it ("" before the first)


@dataclass(frozen=True)
class RouteRow:
    route: Route
    answers: str | None  # the Answers cell; None when the table has no Answers column
    line: int


@dataclass(frozen=True)
class SchemaList:
    kind: str  # "Fields" or "Values"
    schema: str
    names: tuple[str, ...]
    line: int


# ---------------------------------------------------------------- reading the two documents


@cache
def openapi() -> dict[str, Any]:
    return dict(json.loads(OPENAPI_PATH.read_text(encoding="utf-8")))


@cache
def openapi_statuses() -> dict[Route, frozenset[str]]:
    return {
        (method.upper(), path): frozenset(operation["responses"])
        for path, operations in openapi()["paths"].items()
        for method, operation in operations.items()
        if method.upper() in HTTP_METHODS
    }


def schemas() -> dict[str, Any]:
    return dict(openapi()["components"]["schemas"])


@cache
def doc_lines() -> tuple[Line, ...]:
    """The doc's lines with their section; lines inside fenced code blocks are blanked (examples, not notation)."""
    lines = []
    section = ""
    in_code = False
    for number, raw in enumerate(DOC_PATH.read_text(encoding="utf-8").splitlines(), start=1):
        fence = raw.lstrip().startswith("```")
        text = "" if fence or in_code else raw
        in_code ^= fence
        if text.startswith("## "):
            section = text[3:].strip()
        lines.append(Line(number, text, section))
    return tuple(lines)


def _cells(text: str) -> list[str]:
    return [cell.strip() for cell in CELL_BORDER.split(text.strip())[1:-1]]


@cache
def route_rows() -> tuple[RouteRow, ...]:
    """One per row of a table with a Route column, outside "Not yet implemented"."""
    lines = doc_lines()
    rows = []
    index = 0
    while index < len(lines) - 1:
        header, separator = lines[index], lines[index + 1]
        if not (header.text.startswith("|") and TABLE_SEPARATOR.match(separator.text)):
            index += 1
            continue
        columns = [cell.lower() for cell in _cells(header.text)]
        index += 2
        while index < len(lines) and lines[index].text.startswith("|"):
            line = lines[index]
            index += 1
            if "route" not in columns or line.section == NOT_YET_IMPLEMENTED:
                continue
            cells = _cells(line.text)
            cell = dict(zip(columns, cells, strict=False))
            for method, path in ROUTE.findall(cell.get("route", "")):
                rows.append(RouteRow((method, path), cell.get("answers"), line.number))
    return tuple(rows)


@cache
def schema_lists() -> tuple[SchemaList, ...]:
    """The "Fields of" and "Values of" paragraphs (a paragraph may wrap over several lines)."""
    found = []
    paragraph: list[Line] = []
    for line in (*doc_lines(), Line(0, "", "")):
        if line.text.strip():
            paragraph.append(line)
            continue
        if paragraph:
            match = SCHEMA_LIST.match(" ".join(part.text.strip() for part in paragraph))
            if match:
                kind, schema, rest = match.groups()
                found.append(SchemaList(kind, schema, tuple(BACKTICKED.findall(rest)), paragraph[0].number))
        paragraph = []
    return tuple(found)


def _fmt(items: Any) -> str:
    return ", ".join(sorted(items)) or "none"


def _route(route: Route) -> str:
    return f"`{route[0]} {route[1]}`"


def _nearest(route: Route) -> str:
    known = [f"{method} {path}" for method, path in openapi_statuses()]
    close = difflib.get_close_matches(f"{route[0]} {route[1]}", known, n=3, cutoff=0.6)
    return f" (closest in openapi.json: {', '.join(f'`{c}`' for c in close)})" if close else ""


# ---------------------------------------------------------------- routes


def test_the_doc_has_route_tables() -> None:
    assert route_rows(), (
        f"{DOC} has no route table that this test can read: each route group needs a markdown table with a "
        "'Route' column holding `METHOD /path` and an 'Answers' column holding its status codes"
    )


def test_every_openapi_route_has_one_row_in_the_doc() -> None:
    documented: dict[Route, list[int]] = {}
    for row in route_rows():
        documented.setdefault(row.route, []).append(row.line)
    problems = [
        f"{_route(route)} is in openapi.json but has no row in {DOC}: add "
        f"'| {_route(route)} | <who> | <request> | <success> | {', '.join(sorted(statuses - IMPLICIT_STATUSES))} |' "
        "to the route table of its section"
        for route, statuses in sorted(openapi_statuses().items())
        if route not in documented
    ]
    problems += [
        f"{_route(route)} has rows on lines {', '.join(map(str, lines))} of {DOC}: keep one"
        for route, lines in sorted(documented.items())
        if len(lines) > 1
    ]
    assert not problems, "\n".join(problems)


def test_every_route_the_doc_names_is_in_openapi() -> None:
    known = openapi_statuses()
    problems = [
        f"{DOC} line {line.number} names `{method} {path}`, which openapi.json does not have"
        f"{_nearest((method, path))}: correct the method, path or parameter names, or, if it is not built yet, "
        f"name it only in the '{NOT_YET_IMPLEMENTED}' section"
        for line in doc_lines()
        if line.section != NOT_YET_IMPLEMENTED
        for method, path in ROUTE.findall(line.text)
        if (method, path) not in known
    ]
    assert not problems, "\n".join(problems)


def test_not_yet_implemented_names_nothing_that_is_built() -> None:
    section = [line for line in doc_lines() if line.section == NOT_YET_IMPLEMENTED]
    assert section, f"{DOC} has no '## {NOT_YET_IMPLEMENTED}' section: keep it, even if it only says 'nothing'"
    built = [
        f"{DOC} line {line.number}: `{method} {path}` is in openapi.json now: document it in its route group "
        f"and take it out of '{NOT_YET_IMPLEMENTED}'"
        for line in section
        for method, path in ROUTE.findall(line.text)
        if (method, path) in openapi_statuses()
    ]
    assert not built, "\n".join(built)


def test_each_route_answers_the_statuses_openapi_documents() -> None:
    problems = []
    for row in route_rows():
        expected = openapi_statuses().get(row.route)
        if expected is None:
            continue  # reported by test_every_route_the_doc_names_is_in_openapi
        expected -= IMPLICIT_STATUSES
        where = f"{DOC} line {row.line}, {_route(row.route)}"
        if row.answers is None:
            problems.append(f"{where}: its table has no 'Answers' column; add one listing {_fmt(expected)}")
            continue
        tokens = [token for token in re.split(r"[,\s]+", row.answers) if token]
        not_statuses = [token for token in tokens if not STATUS.fullmatch(token)]
        if not_statuses or not tokens:
            problems.append(
                f"{where}: the Answers cell must hold only status codes separated by commas "
                f"(found {row.answers!r}); put explanations in the other columns or below the table"
            )
            continue
        listed = set(tokens) - IMPLICIT_STATUSES
        if listed != expected:
            fixes = []
            if expected - listed:
                fixes.append(f"add {_fmt(expected - listed)}")
            if listed - expected:
                fixes.append(
                    f"remove {_fmt(listed - expected)} (or, if the route does answer it, document it in the "
                    "route's `responses=` and regenerate openapi.json with `make openapi`)"
                )
            problems.append(
                f"{where}: Answers lists {_fmt(listed)} but openapi.json documents {_fmt(expected)} "
                f"(401 aside): {'; '.join(fixes)}"
            )
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- objects and enumerations


def _properties(schema: str) -> dict[str, Any]:
    return dict(schemas()[schema].get("properties", {}))


def test_fields_paragraphs_list_exactly_the_schema_properties() -> None:
    problems = []
    for listed in (entry for entry in schema_lists() if entry.kind == "Fields"):
        where = f"{DOC} line {listed.line}, 'Fields of `{listed.schema}`'"
        if listed.schema not in schemas():
            close = difflib.get_close_matches(listed.schema, list(schemas()), n=3)
            problems.append(
                f"{where}: openapi.json has no component schema {listed.schema!r} "
                f"(closest: {', '.join(close) or 'none'}): use the schema's name as openapi.json spells it"
            )
            continue
        properties = set(_properties(listed.schema))
        if not properties:
            problems.append(f"{where}: {listed.schema} has no properties in openapi.json; describe it in prose")
            continue
        named: set[str] = set()
        for name in listed.names:
            if name in schemas() and name not in properties:
                named |= set(_properties(name))  # another schema's name stands for all its fields
            else:
                named.add(name)
        if named - properties:
            problems.append(
                f"{where} names {_fmt(named - properties)}, which {listed.schema} does not have in openapi.json "
                f"(it has {_fmt(properties)}): rename or remove them, or move notes out of the paragraph"
            )
        if properties - named:
            problems.append(
                f"{where} leaves out {_fmt(properties - named)}, which {listed.schema} has in openapi.json: "
                "add them (and say what they mean)"
            )
    assert not problems, "\n".join(problems)


def test_values_paragraphs_list_exactly_the_enumeration() -> None:
    problems = []
    for listed in (entry for entry in schema_lists() if entry.kind == "Values"):
        where = f"{DOC} line {listed.line}, 'Values of `{listed.schema}`'"
        values = schemas().get(listed.schema, {}).get("enum")
        if values is None:
            problems.append(f"{where}: openapi.json has no enumeration schema {listed.schema!r}")
            continue
        expected, named = {str(value) for value in values}, set(listed.names)
        if named != expected:
            fixes = [f"add {_fmt(expected - named)}"] if expected - named else []
            fixes += [f"remove {_fmt(named - expected)}"] if named - expected else []
            problems.append(
                f"{where} lists {_fmt(named)} but openapi.json's {listed.schema} is {_fmt(expected)}: "
                f"{'; '.join(fixes)}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("schema", MAIN_OBJECTS)
def test_main_objects_have_a_fields_paragraph(schema: str) -> None:
    assert schema in schemas(), (
        f"openapi.json has no component schema {schema!r} any more: update MAIN_OBJECTS in this test and "
        f"the 'Fields of' paragraphs of {DOC}"
    )
    documented = [entry for entry in schema_lists() if entry.kind == "Fields" and entry.schema == schema]
    assert len(documented) == 1, (
        f"{DOC} needs exactly one paragraph 'Fields of `{schema}`: ...' listing the properties of {schema} "
        f"({_fmt(_properties(schema))}) in the section of the routes that answer it; found {len(documented)}"
    )
