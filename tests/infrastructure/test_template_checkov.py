"""checkov finds nothing in template.yaml: each of its findings is fixed, or suppressed beside the resource with a
`# checkov:skip=<check>:<reason>` line, so a new finding fails here. About 10 s, apart from the `sam` group."""

import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECKOV = REPO_ROOT / ".venv-tools" / "bin" / "checkov"


@pytest.mark.skipif(not CHECKOV.exists(), reason=f"{CHECKOV} is missing: run scripts/setup (make test creates it)")
def test_checkov_finds_nothing_unexplained_in_the_template(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            str(CHECKOV),
            "--file",
            "template.yaml",
            "--framework",
            "cloudformation",
            "--compact",
            "--quiet",
            "--skip-download",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        # offline: no Prisma Cloud mapping or download; whatever it caches goes to a scratch home
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "BC_SKIP_MAPPING": "TRUE"},
        check=False,
    )
    assert run.returncode == 0, f"checkov findings (fix them, or skip them with a reason):\n{run.stdout}{run.stderr}"


def test_every_suppression_gives_a_reason() -> None:
    skips = [line.strip() for line in (REPO_ROOT / "template.yaml").read_text().splitlines() if "checkov:skip=" in line]
    assert skips
    for skip in skips:
        check, _, reason = skip.removeprefix("# checkov:skip=").partition(":")
        assert check.startswith("CKV_") and len(reason.split()) >= 4, f"give a one-line reason: {skip}"
