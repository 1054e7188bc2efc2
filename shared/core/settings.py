"""Each function's settings: the variables template.yaml declares in its Environment, read once at cold start
into one typed object and validated, so that a missing or malformed variable stops the cold start naming it (and
fails the template contract test) instead of failing a request. The only module that reads the environment."""

import os
from collections.abc import Mapping
from typing import Self

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.core.dal.tables import bind_table

_TABLE_SUFFIX = "_table"


class SettingsError(RuntimeError):
    pass


class FunctionSettings(BaseModel):
    """A function's settings class lists its variables as fields: `houses_table` is HOUSES_TABLE. Fields ending
    in `_table` name DynamoDB tables; loading binds them (shared.core.dal.tables)."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None) -> Self:
        environ = os.environ if environ is None else environ
        given = {name: environ[name.upper()] for name in cls.model_fields if name.upper() in environ}
        missing = [
            name.upper() for name, field in cls.model_fields.items() if field.is_required() and name not in given
        ]
        if missing:
            raise SettingsError(
                f"{cls.__name__}: {', '.join(missing)} not set: declare it in the function's Environment in "
                "template.yaml"
            )
        try:
            settings = cls.model_validate(given)
        except ValidationError as invalid:
            problems = "; ".join(f"{error['loc'][0]!s}".upper() + f": {error['msg']}" for error in invalid.errors())
            raise SettingsError(f"{cls.__name__}: {problems}") from None
        for name, value in settings:
            if name.endswith(_TABLE_SUFFIX):
                bind_table(name, value)
        return settings
