"""`make trigger FN=<function folder>` (`python -m local.trigger <name>`): fire a function's Schedule event now
in the running `make run` stack, and print what the run answered. See local.schedules for the names accepted.

Finds the stack through its state file (LOCAL_STATE_DIR, .local by default). Exit status: 0 the run succeeded,
1 the function failed, 2 nothing to fire (no stack running, unknown name).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO
from urllib.parse import quote

import requests

from local.settings import Settings


def fire(control_url: str, name: str) -> tuple[int, dict[str, Any]]:
    """POST <control_url>/schedules/<name>: the HTTP status and the answer. Waits as long as the run takes."""
    response = requests.post(f"{control_url.rstrip('/')}/schedules/{quote(name, safe='')}", timeout=None)
    return response.status_code, dict(response.json())


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] = os.environ, out: TextIO = sys.stdout) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    state_file = Settings.from_environ(environ).state_file
    if not state_file.exists():
        print(f"no local stack is running ({state_file} does not exist): start it with `make run`", file=out)
        return 2
    state = json.loads(state_file.read_text())
    schedules: dict[str, str] = state.get("schedules") or {}
    if "control_url" not in state or not schedules:
        print("the template has no Schedule events", file=out)
        return 2
    if len(args) != 1 or not args[0]:
        print("usage: make trigger FN=<function>, one of:", file=out)
        for folder, schedule in schedules.items():
            print(f"  {folder:<28} ({schedule})", file=out)
        return 2
    try:
        status, answer = fire(state["control_url"], args[0])
    except requests.ConnectionError:
        print(f"the local stack of {state_file} does not answer: is `make run` still running?", file=out)
        return 2
    print(json.dumps(answer, indent=2), file=out)
    return {200: 0, 404: 2}.get(status, 1)


if __name__ == "__main__":
    sys.exit(main())
