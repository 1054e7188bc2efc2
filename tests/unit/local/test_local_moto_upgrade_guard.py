"""A moto upgrade that renames or drops an attribute the local fixes replace fails here, naming the attribute and
the fix to review, rather than somewhere in the local stack or the tests.

The attributes are those local.moto_patches and local.s3_eventbridge declare in their PATCHES, looked up in a
fresh interpreter, in moto as installed (in this one, other tests may have replaced them already).
"""

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from local import moto_patches, s3_eventbridge
from local.moto_patches import MotoPatch

REPO_ROOT = Path(__file__).resolve().parents[3]
PATCHES = [*moto_patches.PATCHES, *s3_eventbridge.PATCHES]

# Imports the modules without applying their fixes, and names the declared attributes moto lacks.
MISSING_IN_MOTO = r"""
import json
from local import moto_patches, s3_eventbridge

patches = [*moto_patches.PATCHES, *s3_eventbridge.PATCHES]
print(json.dumps([index for index, patch in enumerate(patches) if not hasattr(patch.owner, patch.attribute)]))
"""


def target(patch: MotoPatch) -> str:
    """moto.sqs.models.Queue.delete_message, moto.s3.notifications._send_event_bridge_message ..."""
    if isinstance(patch.owner, type):
        return f"{patch.owner.__module__}.{patch.owner.__qualname__}.{patch.attribute}"
    return f"{patch.owner.__name__}.{patch.attribute}"


@pytest.fixture(scope="module")
def missing_in_moto() -> set[int]:
    result = subprocess.run(
        [sys.executable, "-c", MISSING_IN_MOTO], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("index", range(len(PATCHES)), ids=[target(patch) for patch in PATCHES])
def test_moto_still_has_the_attribute_a_fix_replaces(index: int, missing_in_moto: set[int]) -> None:
    assert index not in missing_in_moto, (
        f"moto {version('moto')} has no {target(PATCHES[index])} any more: "
        "review the fix in local/moto_patches.py or local/s3_eventbridge.py against the new moto"
    )
