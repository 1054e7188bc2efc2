import csv
import io

from shared.metering.error_reports import ErrorReport
from shared.metering.readings import Rejection


def test_a_report_names_the_file_line_the_reason_and_the_row_as_read() -> None:
    with ErrorReport(first_line=200_001) as report:
        report.add(Rejection(1, "ai (consumption): negative energy -5", "ES1;2024/04/01 01:00;1;-5;0;"))
        report.add(Rejection(17, 'cups: "quoted", with commas; and ñ', 'x,"y";z'))
        text = report.contents().read().decode("utf-8")
        assert report.rows == 2
    assert list(csv.reader(io.StringIO(text))) == [
        ["line_number", "reason", "line"],
        ["200001", "ai (consumption): negative energy -5", "ES1;2024/04/01 01:00;1;-5;0;"],
        ["200017", 'cups: "quoted", with commas; and ñ', 'x,"y";z'],
    ]


def test_a_large_report_spills_to_disk_and_reads_whole() -> None:
    with ErrorReport(first_line=1) as report:
        for line in range(1, 50_001):
            report.add(Rejection(line, "wrong field count: 1", "x" * 40))
        rows = list(csv.reader(io.TextIOWrapper(report.contents(), encoding="utf-8", newline="")))
    assert len(rows) == 50_001
    assert rows[-1] == ["50000", "wrong field count: 1", "x" * 40]


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text() -> None:
    with ErrorReport(first_line=1) as report:
        for line, row in enumerate(['=HYPERLINK("http://x")', "+1", "-1;2", "@SUM(A1)", "\tx", "ES1;=1"], 1):
            report.add(Rejection(line, row, row))
        text = report.contents().read().decode("utf-8")
    cells = [row[1:] for row in list(csv.reader(io.StringIO(text)))[1:]]
    assert cells == [
        ['\'=HYPERLINK("http://x")'] * 2,
        ["'+1"] * 2,
        ["'-1;2"] * 2,
        ["'@SUM(A1)"] * 2,
        ["'\tx"] * 2,
        ["ES1;=1"] * 2,  # only a formula at the start of a cell runs
    ]
