"""The template passes AWS's own tools, and what `sam build` produces is importable the way Lambda imports it.

Slow (measured here: cfn-lint 8-15 s, sam validate 11-13 s, sam build 14-40 s), so they share one xdist
group and one build.
The tools live in .venv-tools (aws-sam-cli pins older boto3/pydantic than the project).
"""

import fcntl
import importlib.util
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from local.template import Template
from tests.infrastructure.test_template_contract import dummy_environment

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"
TOOLS_BIN = REPO_ROOT / ".venv-tools" / "bin"
TEMPLATE = Template.load(TEMPLATE_PATH)
LAYER_ID = "SharedLayer"
REGION = "eu-west-1"

pytestmark = [
    pytest.mark.xdist_group("sam"),
    pytest.mark.skipif(
        not TOOLS_BIN.is_dir(), reason=f"{TOOLS_BIN} is missing: run scripts/setup (make test creates it)"
    ),
]

# What Lambda does with Handler "app.lambda_handler": import the module from the code folder and find the
# attribute. Reports where the packages came from so the test can prove nothing leaked from the dev venv.
LAMBDA_IMPORT = r"""
import importlib, json, sys

module_name, attribute = sys.argv[1:3]
handler = getattr(importlib.import_module(module_name), attribute)
import botocore, pydantic_core, shared

print(json.dumps({
    "callable": callable(handler),
    "shared": shared.__file__,
    "pydantic_core": pydantic_core.__file__,
    "botocore": botocore.__file__,
}))
"""


def tool(name: str) -> str:
    path = TOOLS_BIN / name
    assert path.exists(), f"{path} is missing: scripts/setup installs it into .venv-tools"
    return str(path)


def tool_environment() -> dict[str, str]:
    # `sam build` looks for python3.12 (the Lambda runtime) on PATH: this interpreter's folder comes first.
    interpreter_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": os.pathsep.join([interpreter_dir, os.environ.get("PATH", "")]),
        "SAM_CLI_TELEMETRY": "0",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", REGION),
    }


def run_tool(args: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=tool_environment(), capture_output=True, text=True, timeout=timeout, check=False
    )


def test_cfn_lint_passes() -> None:
    result = run_tool([tool("cfn-lint"), str(TEMPLATE_PATH)], cwd=REPO_ROOT)
    assert result.returncode == 0, f"cfn-lint template.yaml:\n{result.stdout}{result.stderr}"


def test_sam_validate_lint_passes(tmp_path: Path) -> None:
    result = run_tool([tool("sam"), "validate", "--lint", "--template", str(TEMPLATE_PATH)], cwd=tmp_path)
    assert result.returncode == 0, f"sam validate --lint:\n{result.stdout}{result.stderr}"


# ---------------------------------------------------------------- sam build


def sam_build(work: Path) -> dict[str, object]:
    result = run_tool(
        [tool("sam"), "build", "--template", str(TEMPLATE_PATH), "--build-dir", str(work / "build")], cwd=work
    )
    lambda_runtime_dir(work)
    return {"returncode": result.returncode, "output": result.stdout[-5000:] + result.stderr[-5000:]}


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `sam build` per test run, shared by the xdist workers through a lock in the run's temp folder
    (pytest 9.2 + xdist 3.8 ignore xdist_group, pytest-xdist#1386, so the group may be split)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-N/ holds every worker's popen-gwN/ of this run
    work = base / "sam-build"
    with (base / "sam-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        outcome_file = base / "sam-build.json"
        if not outcome_file.exists():
            work.mkdir(exist_ok=True)
            outcome_file.write_text(json.dumps(sam_build(work)))
        outcome = json.loads(outcome_file.read_text())
    assert outcome["returncode"] == 0, f"sam build failed:\n{outcome['output']}"
    return work / "build"


def layer_python_dir(build_dir: Path) -> Path:
    return build_dir / LAYER_ID / "python"


def test_layer_ships_the_shared_package(build_dir: Path) -> None:
    layer = layer_python_dir(build_dir)
    assert (layer / "shared" / "__init__.py").is_file(), (
        f"{LAYER_ID} has no python/shared/__init__.py (a BuildMethod python3.x layer lands in python/python/...)"
    )
    source = {p.relative_to(REPO_ROOT / "shared") for p in (REPO_ROOT / "shared").rglob("*.py")}
    shipped = {p.relative_to(layer / "shared") for p in (layer / "shared").rglob("*.py")}
    assert not source - shipped, f"modules of shared/ missing from the layer: {sorted(map(str, source - shipped))}"


def test_layer_pydantic_core_is_a_manylinux_x86_64_build(build_dir: Path) -> None:
    layer = layer_python_dir(build_dir)
    wheel_files = list(layer.glob("pydantic_core-*.dist-info/WHEEL"))
    assert len(wheel_files) == 1, f"expected one pydantic_core in the layer, found {wheel_files}"
    tags = [
        line.split(":", 1)[1].strip() for line in wheel_files[0].read_text().splitlines() if line.startswith("Tag:")
    ]
    assert tags, f"{wheel_files[0]} names no wheel tags"
    wrong = [tag for tag in tags if not (tag.startswith("cp312-") and "manylinux" in tag and tag.endswith("_x86_64"))]
    assert not wrong, f"pydantic_core in the layer is not a CPython 3.12 manylinux x86_64 build: {wrong}"
    binaries = list((layer / "pydantic_core").glob("_pydantic_core.*.so"))
    assert binaries and all("x86_64-linux-gnu" in binary.name for binary in binaries), binaries


def lambda_runtime_dir(base: Path) -> Path:
    """Stands in for the runtime's own site-packages: boto3, botocore and s3transfer, nothing else."""
    runtime = base / "runtime"
    runtime.mkdir()
    for package in ("boto3", "botocore", "s3transfer"):
        found = importlib.util.find_spec(package)
        assert found is not None and found.submodule_search_locations, f"{package} is not installed"
        (runtime / package).symlink_to(found.submodule_search_locations[0], target_is_directory=True)
    return runtime


@pytest.mark.skipif(
    sys.platform != "linux" or platform.machine() != "x86_64",
    reason="the layer holds Linux x86_64 binaries (Lambda's); this machine cannot load them",
)
@pytest.mark.parametrize("logical_id", [spec.logical_id for spec in TEMPLATE.functions()])
def test_built_handler_imports_from_the_layer(build_dir: Path, logical_id: str) -> None:
    spec = TEMPLATE.function(logical_id)
    code_dir = build_dir / logical_id  # /var/task
    layer = layer_python_dir(build_dir)  # /opt/python
    runtime = build_dir.parent / "runtime"
    handler_path = spec.handler_file.relative_to(spec.code_dir)
    assert (code_dir / handler_path).is_file(), f"{logical_id}: sam build produced no {handler_path} in {code_dir}"
    module_name = handler_path.with_suffix("").as_posix().replace("/", ".")
    env = {
        **dummy_environment(spec),
        "AWS_DEFAULT_REGION": REGION,
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(map(str, [code_dir, layer, runtime])),
    }
    # -S: no site-packages of the dev venv, only what Lambda would have on sys.path.
    result = subprocess.run(
        [sys.executable, "-S", "-B", "-c", LAMBDA_IMPORT, module_name, spec.handler_attribute],
        cwd=code_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, (
        f"{logical_id}: importing {module_name} from the built layout failed:\n{result.stderr[-3000:]}"
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["callable"], f"{logical_id}: {spec.handler_attribute} is not callable"
    assert Path(report["shared"]).is_relative_to(layer), report
    assert Path(report["pydantic_core"]).is_relative_to(layer), report
    assert Path(report["botocore"]).is_relative_to(runtime), report
