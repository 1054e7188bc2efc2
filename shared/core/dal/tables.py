"""Which DynamoDB table each record uses: the function's settings name the tables (fields ending in `_table`,
from template.yaml) and loading them binds each name to the records of that table, before any request.

A record says which setting names its table (`Meta.table_setting = "houses_table"`) instead of reading the
environment when its module is imported; whichever comes first, the record's class or the binding, the other
finds it. A record of a table its function's settings do not name has no table_name, and PynamoDB refuses to use
it."""

from collections import defaultdict
from typing import Any

from pynamodb.models import Model

_bound: dict[str, str] = {}
_records: defaultdict[str, list[type[Model]]] = defaultdict(list)


class UnboundTableError(RuntimeError):
    pass


class TableRecord(Model):
    """The base of every record class."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        setting: str = cls.Meta.table_setting  # type: ignore[attr-defined]
        _records[setting].append(cls)
        if setting in _bound:
            cls.Meta.table_name = _bound[setting]


def bind_table(setting: str, name: str) -> None:
    _bound[setting] = name
    for record in _records[setting]:
        record.Meta.table_name = name


def table_name(setting: str) -> str:
    """The bound name, for code that reaches a table without a record (Powertools' idempotency store)."""
    try:
        return _bound[setting]
    except KeyError:
        raise UnboundTableError(f"no {setting}: the function's settings do not declare {setting.upper()}") from None
