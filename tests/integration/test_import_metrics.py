"""The import function publishes how its messages ended (Powertools metrics, as CloudWatch embedded metric lines)."""

import json
from typing import Any

import pytest

from tests.integration import test_billing_import as billing
from tests.integration.conftest import Caller
from tests.integration.test_billing_import import Importer, electricity_cups, invoice, message
from tests.integration.test_invoices import ELECTRICITY

# The import tests' fixtures: an importer on the template's queues, emptied around each test, and a house.
importer, empty_queues, house = billing.importer, billing.empty_queues, billing.house


def test_imports_publish_stored_duplicate_unmatched_and_rejected_counts(
    importer: Importer, operator: Caller, house: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    sent = invoice(house)
    importer.submit(
        operator,
        [
            sent,
            sent,  # the same document again
            message("electricity_invoice", electricity_cups(), ELECTRICITY),  # no house holds this CUPS
            invoice(house, period_end="not a date"),
        ],
    )
    capsys.readouterr()

    importer.consume()

    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    totals = {
        name: sum(sum(metric.get(name, [])) for metric in emitted)
        for name in ("ImportsStored", "ImportsDuplicate", "ImportsUnmatched", "ImportsRejected")
    }
    assert totals == {"ImportsStored": 1, "ImportsDuplicate": 1, "ImportsUnmatched": 1, "ImportsRejected": 1}
    assert {metric["_aws"]["CloudWatchMetrics"][0]["Namespace"] for metric in emitted} == {"HouseEnergy"}
