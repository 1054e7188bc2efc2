"""The environment a function is deployed with. Every variable read here is declared per function in
template.yaml; modules read their settings at import time, so a missing declaration fails the cold start
(and the template contract test) instead of a request."""

import os


class MissingSettingError(RuntimeError):
    pass


def env(name: str) -> str:
    try:
        return os.environ[name]
    except KeyError:
        raise MissingSettingError(
            f"environment variable {name} is not set: declare it in the function's Environment in template.yaml"
        ) from None
