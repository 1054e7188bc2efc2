"""A function's settings: read once, validated, and a missing or malformed variable named in the error."""

import pytest
from pynamodb.attributes import UnicodeAttribute

from shared.core.dal.tables import TableRecord, UnboundTableError, table_name
from shared.core.settings import FunctionSettings, SettingsError


class ExampleSettings(FunctionSettings):
    gadgets_table: str
    retry_limit: int
    queue_url: str = "https://sqs.example/queue"


def test_fields_are_read_from_their_upper_case_variables() -> None:
    settings = ExampleSettings.load({"GADGETS_TABLE": "t-gadgets", "RETRY_LIMIT": "5", "OTHER": "ignored"})

    assert (settings.gadgets_table, settings.retry_limit, settings.queue_url) == (
        "t-gadgets",
        5,
        "https://sqs.example/queue",
    )


def test_every_missing_variable_is_named() -> None:
    with pytest.raises(SettingsError, match=r"ExampleSettings: GADGETS_TABLE, RETRY_LIMIT not set"):
        ExampleSettings.load({})


def test_a_malformed_value_names_its_variable() -> None:
    with pytest.raises(SettingsError, match=r"RETRY_LIMIT: Input should be a valid integer"):
        ExampleSettings.load({"GADGETS_TABLE": "t", "RETRY_LIMIT": "five"})


def test_loading_binds_the_tables_for_records_defined_before_and_after() -> None:
    class EarlyRecord(TableRecord):
        class Meta:
            table_setting = "gadgets_table"

        id = UnicodeAttribute(hash_key=True)

    ExampleSettings.load({"GADGETS_TABLE": "t-bound", "RETRY_LIMIT": "1"})

    class LateRecord(TableRecord):
        class Meta:
            table_setting = "gadgets_table"

        id = UnicodeAttribute(hash_key=True)

    assert EarlyRecord.Meta.table_name == LateRecord.Meta.table_name == table_name("gadgets_table") == "t-bound"


def test_a_table_no_settings_named_is_refused_by_name() -> None:
    with pytest.raises(UnboundTableError, match="WIDGETS_TABLE"):
        table_name("widgets_table")
