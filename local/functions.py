"""Runs the template's functions in this process, the way Lambda runs them.

Lambda gives each concurrent invocation its own execution environment, and handlers rely on that: a
Powertools resolver keeps the current event on the module-level `app`. So a function here is a pool of
instances of its handler module, each loaded by file path under its own name (every function's file is
called app.py) and serving one invocation at a time; a concurrent invocation loads a new instance,
which is Lambda's cold start.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from local.events import LambdaContext
from local.template import FunctionSpec

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], Any]


class FunctionLoadError(RuntimeError):
    """The handler module could not be imported (Lambda's init error)."""


def handler_module_name(function_id: str, instance_number: int = 1) -> str:
    base = f"local_fn_{function_id}"
    return base if instance_number == 1 else f"{base}_{instance_number}"


def load_handler(spec: FunctionSpec, module_name: str) -> Handler:
    """Import `spec.handler_file` as module `module_name` and return its handler function.

    The function's environment must already be set: handlers read their settings at import time.
    """
    if not spec.handler_file.is_file():
        raise FunctionLoadError(f"{spec.logical_id}: no handler file {spec.handler_file}")
    module_spec = importlib.util.spec_from_file_location(module_name, spec.handler_file)
    if module_spec is None or module_spec.loader is None:
        raise FunctionLoadError(f"{spec.logical_id}: cannot import {spec.handler_file}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_name] = module  # dataclasses and pydantic look their module up by name
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    handler = getattr(module, spec.handler_attribute, None)
    if not callable(handler):
        raise FunctionLoadError(f"{spec.logical_id}: {spec.handler_file} has no {spec.handler_attribute}()")
    return handler  # type: ignore[no-any-return]


class FunctionRuntime:
    """One function: `invoke(event)` runs its handler with a fresh LambdaContext."""

    def __init__(self, spec: FunctionSpec, *, function_name: str, region: str, account_id: str) -> None:
        self.spec = spec
        self.function_name = function_name
        self.region = region
        self.account_id = account_id
        self._idle: list[Handler] = []
        self._instances_loaded = 0
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Load one instance now (so import errors show at start-up rather than on the first request)."""
        self._release(self._acquire())

    def invoke(self, event: dict[str, Any]) -> Any:
        """The handler's return value; its exceptions propagate (the caller decides what AWS would answer)."""
        handler = self._acquire()
        context = LambdaContext(
            self.function_name,
            timeout_seconds=self.spec.timeout_seconds,
            memory_limit_in_mb=self.spec.memory_mb,
            region=self.region,
            account_id=self.account_id,
        )
        started = time.monotonic()
        try:
            return handler(event, context)
        finally:
            elapsed = time.monotonic() - started
            if elapsed > self.spec.timeout_seconds:
                logger.warning(
                    "%s ran %.1f s, over its Timeout of %s s: Lambda would have stopped it",
                    self.spec.logical_id,
                    elapsed,
                    self.spec.timeout_seconds,
                )
            self._release(handler)

    def _acquire(self) -> Handler:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            self._instances_loaded += 1
            instance_number = self._instances_loaded
        # A failed init raises here and the next invocation tries again, as in Lambda; the number is not
        # reused so that no two live instances ever share a module name.
        return load_handler(self.spec, handler_module_name(self.spec.logical_id, instance_number))

    def _release(self, handler: Handler) -> None:
        with self._lock:
            self._idle.append(handler)
