"""End-to-end tests talk HTTP to the real local stack (`python -m local`), started once per session.

Every test under tests/e2e is marked `e2e` and put in one xdist group, so that `pytest -n 2 --dist loadgroup`
runs them all on one worker, against one stack.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from local.seed import seed_user

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
STARTUP_TIMEOUT_SECONDS = 120  # two shared cores: a cold start of moto and five functions can be slow
SHUTDOWN_TIMEOUT_SECONDS = 30
REQUEST_TIMEOUT_SECONDS = 30


@pytest.hookimpl(tryfirst=True)  # before xdist reads the group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("e2e"))


class ApiClient(requests.Session):
    """A requests.Session whose relative URLs ("/users") go to the local API, with a bearer token if given."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        if isinstance(url, str) and url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", REQUEST_TIMEOUT_SECONDS)
        return super().request(method, url, *args, **kwargs)


@dataclass
class LocalStackHandle:
    state: dict[str, Any]  # stack.json
    log_file: Path
    _tokens: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return str(self.state["api_url"])

    @property
    def aws_endpoint(self) -> str:
        return str(self.state["aws_endpoint"])

    @property
    def resources(self) -> dict[str, str]:
        return dict(self.state["resources"])

    @cached_property
    def cognito(self) -> Any:
        """A cognito-idp client on the stack's moto (admin calls included)."""
        return boto3.client(
            "cognito-idp",
            endpoint_url=self.aws_endpoint,
            region_name=self.state["region"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def sign_in(self, email: str, password: str) -> str:
        """The ID token (it carries `aud`, which the API's authorizer checks) of a USER_PASSWORD_AUTH sign-in."""
        if (email, password) not in self._tokens:
            result = self.cognito.initiate_auth(
                ClientId=self.state["user_pool_client_id"],
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
            self._tokens[(email, password)] = result["AuthenticationResult"]["IdToken"]
        return self._tokens[(email, password)]

    def operator_token(self) -> str:
        return self.sign_in(self.state["operator_email"], self.state["operator_password"])

    def create_cognito_user(self, email: str, password: str, groups: tuple[str, ...] = ()) -> str:
        """A confirmed sign-in account with a permanent password; returns its username (the token's `sub`)."""
        return seed_user(
            self.cognito, user_pool_id=self.state["user_pool_id"], email=email, password=password, groups=groups
        )

    def api(self, token: str | None = None) -> ApiClient:
        return ApiClient(self.api_url, token)

    def output(self) -> str:
        return self.log_file.read_text(errors="replace")


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackHandle]:
    state_dir = tmp_path_factory.mktemp("local-stack")
    log_file = state_dir / "stack.log"
    environment = {
        **os.environ,
        "LOCAL_AWS_PORT": "0",  # 0: the stack takes free ports and writes them to stack.json
        "LOCAL_API_PORT": "0",
        "LOCAL_STATE_DIR": str(state_dir),
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("AWS_ENDPOINT_URL", None)
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local"], cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    handle = LocalStackHandle(state=_wait_for_state(process, state_dir / "stack.json", log_file), log_file=log_file)
    try:
        yield handle
    finally:
        process.send_signal(signal.SIGINT)
        try:
            exit_code = process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"the local stack did not stop within {SHUTDOWN_TIMEOUT_SECONDS} s:\n{handle.output()}")
        assert exit_code == 0, f"the local stack exited with {exit_code}:\n{handle.output()}"


def _wait_for_state(process: subprocess.Popen[bytes], state_file: Path, log_file: Path) -> dict[str, Any]:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if state_file.exists():
            return dict(json.loads(state_file.read_text()))
        if process.poll() is not None:
            pytest.fail(f"`python -m local` exited with {process.returncode}:\n{log_file.read_text(errors='replace')}")
        time.sleep(0.1)
    process.kill()
    process.wait()
    pytest.fail(
        f"`python -m local` wrote no {state_file.name} within {STARTUP_TIMEOUT_SECONDS} s:\n"
        f"{log_file.read_text(errors='replace')}"
    )
