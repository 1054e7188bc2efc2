"""How the local stack is configured (environment variables), and where it publishes its state.

Kept free of moto and boto3 so that small tools (`python -m local.trigger`) start fast.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

STATE_FILE_NAME = "stack.json"


@dataclass(frozen=True)
class Settings:
    aws_port: int = 5000
    api_port: int = 3000
    # The stack's own control endpoint (POST /schedules/<function>); 0 takes a free port, see stack.json.
    control_port: int = 0
    state_dir: Path = Path(".local")
    region: str = "eu-west-1"
    operator_email: str = "operator@example.com"
    # Satisfies the pool's policy (12+ characters, upper, lower, digit) and is safe to paste in a shell.
    operator_password: str = "Operator-Local-2024"
    # A message whose batch failed is visible again after this many seconds (Lambda waits for the queue's
    # VisibilityTimeout, up to hours here); see local.sqs_source.
    sqs_retry_seconds: int = 2
    # The stand-in for Cognito's /oauth2/token (client-credentials tokens); 0 takes a free port.
    token_port: int = 0
    # Another Datadis than the stand-in local.datadis starts (the root above /nikola-auth and /api-private), and
    # our account on it.
    datadis_url: str | None = None
    datadis_username: str | None = None
    datadis_password: str | None = None
    # Another SolarEdge Monitoring API than the stand-in local.solaredge starts.
    solaredge_url: str | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        defaults = cls()
        return cls(
            aws_port=int(environ.get("LOCAL_AWS_PORT", defaults.aws_port)),
            api_port=int(environ.get("LOCAL_API_PORT", defaults.api_port)),
            control_port=int(environ.get("LOCAL_CONTROL_PORT", defaults.control_port)),
            state_dir=Path(environ.get("LOCAL_STATE_DIR") or defaults.state_dir),
            region=environ.get("AWS_DEFAULT_REGION") or environ.get("AWS_REGION") or defaults.region,
            operator_email=environ.get("LOCAL_OPERATOR_EMAIL") or defaults.operator_email,
            operator_password=environ.get("LOCAL_OPERATOR_PASSWORD") or defaults.operator_password,
            sqs_retry_seconds=int(environ.get("LOCAL_SQS_RETRY_SECONDS", defaults.sqs_retry_seconds)),
            token_port=int(environ.get("LOCAL_TOKEN_PORT", defaults.token_port)),
            datadis_url=environ.get("LOCAL_DATADIS_URL") or None,
            datadis_username=environ.get("LOCAL_DATADIS_USERNAME") or None,
            datadis_password=environ.get("LOCAL_DATADIS_PASSWORD") or None,
            solaredge_url=environ.get("LOCAL_SOLAREDGE_URL") or None,
        )

    @property
    def state_file(self) -> Path:
        return self.state_dir / STATE_FILE_NAME
