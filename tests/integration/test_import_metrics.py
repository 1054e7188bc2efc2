"""The import function publishes how its messages ended (Powertools metrics, as CloudWatch embedded metric lines)."""

import json
from typing import Any

import pytest

from tests.integration import test_billing_import as billing
from tests.integration.conftest import Caller, FunctionsApi
from tests.integration.test_billing_import import Importer, message
from tests.integration.test_invoices import ELECTRICITY
from tests.integration.test_set_cups import new_cups, put_cups

# The import tests' importer on the template's queues, emptied around each test. CUPS of a range of this
# module's own: other modules' counters may run in the same process.
importer, empty_queues = billing.importer, billing.empty_queues
_serials = iter(range(2_000_000, 2_100_000))


def test_imports_publish_stored_duplicate_unmatched_and_rejected_counts(
    importer: Importer, api: FunctionsApi, operator: Caller, create_user: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    held, unheld = new_cups("0022", next(_serials)), new_cups("0022", next(_serials))
    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Sol 9", "postal_code": "46001"}
    )
    assert put_cups(api, operator, house["id"], {"cups": held}).status == 200
    sent = message("electricity_invoice", held, ELECTRICITY)
    importer.submit(
        operator,
        [
            sent,
            sent,  # the same document again
            message("electricity_invoice", unheld, ELECTRICITY),  # no house holds this CUPS
            message("electricity_invoice", held, ELECTRICITY | {"period_end": "not a date"}),
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
