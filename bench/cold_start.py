"""Cold-start import cost of each API function against `import boto3`, measured in the same run, in the layout
`sam build` ships: the function's folder as /var/task (read-only in Lambda, so its app.py is compiled at every
cold start), the SharedLayer as /opt/python with the bytecode the build compiles, and boto3 beside it as the
runtime has it. `python -S -B`: nothing of the dev venv on the path, nothing written.

Each sample is the wall time of a fresh process: importing the function's handler file by path with its declared
environment (placeholder values), `import boto3` on the same path, and `pass` (the interpreter floor). The stack
floor is a handler that imports what every API function needs, and nothing else: PynamoDB, a Powertools resolver
with validation and one route, one pydantic model; a second floor leaves the resolver out. Samples are interleaved
and the order alternates each round, after warm-up rounds that fill the OS file cache. Goal: every API function
at most 1.5x the boto3 median. Reports; never fails. A function whose handler does not import with its declared
environment is listed as FAIL with the error.

    .venv/bin/python bench/cold_start.py [--runs 15] [--warmups 2] [--build-dir DIR]      (repository root)

Without --build-dir it runs `sam build` into a temporary folder first (about 15 s).
"""

import argparse
import compileall
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from local.template import FunctionSpec, Template, is_intrinsic  # noqa: E402 - needs the repository on sys.path

GOAL_RATIO = 1.5
REGION = "eu-west-1"
LAYER_ID = "SharedLayer"
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer")  # what the Lambda runtime brings; the layer leaves them out
IMPORT_BY_PATH = (
    "import importlib.util, sys; "
    "spec = importlib.util.spec_from_file_location(sys.argv[1], sys.argv[2]); "
    "module = importlib.util.module_from_spec(spec); sys.modules[sys.argv[1]] = module; "
    "spec.loader.exec_module(module)"
)
# What every API function imports, and nothing else: no function imports in less. The second leaves the Powertools
# resolver out: what PynamoDB and pydantic, which the stack fixes, cost on their own.
STACK_FLOOR = """
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel
from pynamodb.models import Model


class Answer(BaseModel):
    id: str


router = Router()


@router.get("/things/<thing_id>")
def get_thing(thing_id: str) -> Answer:
    return Answer(id=thing_id)


app = APIGatewayHttpResolver(enable_validation=True)
app.include_router(router)
"""
MODELS_FLOOR = """
from pydantic import BaseModel
from pynamodb.models import Model


class Answer(BaseModel):
    id: str
"""
FLOORS = {
    "stack floor": ("PynamoDB, Powertools resolver, pydantic: what every API function imports", STACK_FLOOR),
    "floor without Powertools": ("PynamoDB and one pydantic model, no resolver", MODELS_FLOOR),
}


@dataclass
class Candidate:
    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    samples: list[float] = field(default_factory=list)

    def run_once(self) -> float:
        began = time.perf_counter()
        subprocess.run(self.argv, env=self.env, cwd=self.cwd, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - began

    def import_error(self) -> str | None:
        """None when the import works; else the last line of its traceback."""
        result = subprocess.run(self.argv, env=self.env, cwd=self.cwd, capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return None
        return (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000


def declared_environment(spec: FunctionSpec) -> dict[str, str]:
    """As deployed with default parameters: !If [..., !Ref AWS::NoValue] unset, other intrinsics placeholders."""
    values = {}
    for name, value in spec.environment.items():
        branches = value.get("Fn::If") if isinstance(value, dict) else None
        if isinstance(branches, list) and {"Ref": "AWS::NoValue"} in branches[1:]:
            continue
        values[name] = f"bench-{name.lower()}" if is_intrinsic(value) else str(value)
    return values


def sam_build(work: Path) -> Path:
    """`sam build` of the template into work/build, with the tools of .venv-tools (as `make build`)."""
    sam = REPO_ROOT / ".venv-tools" / "bin" / "sam"
    if not sam.exists():
        sys.exit(f"{sam} is missing: run `make setup`, or pass --build-dir")
    env = {
        **os.environ,
        # `sam build` looks for python3.12 (the Lambda runtime) on PATH: this interpreter's folder comes first.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "SAM_CLI_TELEMETRY": "0",
    }
    build = work / "build"
    command = [str(sam), "build", "--template", str(REPO_ROOT / "template.yaml"), "--build-dir", str(build)]
    result = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"sam build failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return build


def lambda_runtime(work: Path) -> Path:
    """Stands in for the runtime's own packages: boto3, botocore and s3transfer, with their bytecode."""
    runtime = work / "runtime"
    runtime.mkdir()
    for package in RUNTIME_PACKAGES:
        found = importlib.util.find_spec(package)
        assert found is not None and found.submodule_search_locations, f"{package} is not installed"
        location = Path(found.submodule_search_locations[0])
        compileall.compile_dir(location, quiet=1)
        (runtime / package).symlink_to(location, target_is_directory=True)
    return runtime


def candidates(
    template: Template, build: Path, work: Path
) -> tuple[Candidate, Candidate, list[Candidate], list[Candidate]]:
    """The interpreter floor, the baseline, the stack floors and the API functions."""
    layer, runtime = build / LAYER_ID / "python", lambda_runtime(work)
    base = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": REGION}
    python = [sys.executable, "-S", "-B"]

    def handler(name: str, code_dir: Path, env: dict[str, str]) -> Candidate:
        path = os.pathsep.join(map(str, [code_dir, layer, runtime]))
        argv = [*python, "-c", IMPORT_BY_PATH, f"handler_{name}", str(code_dir / "app.py")]
        return Candidate(name, argv, {**base, **env, "PYTHONPATH": path}, code_dir)

    floor = Candidate("python -c pass", [*python, "-c", "pass"], base, build)
    on_path = {**base, "PYTHONPATH": os.pathsep.join(map(str, [layer, runtime]))}
    boto3 = Candidate("import boto3", [*python, "-c", "import boto3"], on_path, build)
    stack_floors = []
    for number, (name, (_, code)) in enumerate(FLOORS.items()):
        folder = work / f"floor-{number}"
        folder.mkdir()
        (folder / "app.py").write_text(code)
        stack_floors.append(handler(name, folder, {}))
    functions = [
        handler(spec.logical_id, build / spec.logical_id, declared_environment(spec))
        for spec in template.functions()
        if any(event.type == "HttpApi" for event in spec.events)
    ]
    return floor, boto3, stack_floors, functions


def measure(everything: list[Candidate], runs: int, warmups: int) -> None:
    for round_number in range(warmups + runs):
        order = everything if round_number % 2 == 0 else everything[::-1]
        for candidate in order:
            elapsed = candidate.run_once()
            if round_number >= warmups:
                candidate.samples.append(elapsed)


def report(floor: Candidate, boto3: Candidate, functions: list[Candidate], broken: dict[str, str]) -> int:
    floor_ms, boto3_ms = floor.median_ms, boto3.median_ms
    boto3_net = boto3_ms - floor_ms
    print(f"python {sys.version.split()[0]} ({sys.executable}), {len(boto3.samples)} runs each, medians")
    print("as `sam build` ships: function folder, SharedLayer with its bytecode, the runtime's boto3; python -S -B")
    print(f"interpreter floor (python -c pass): {floor_ms:7.1f} ms")
    print(f"baseline (import boto3):            {boto3_ms:7.1f} ms   ({boto3_net:.1f} ms above the floor)")
    print()
    width = max([len("function"), *(len(c.name) for c in functions), *(len(name) for name in broken)])
    header = (
        f"{'function':<{width}} {'median ms':>9} {'min ms':>7} {'x boto3':>8} {'x boto3 net':>12}"
        f"  goal <= {GOAL_RATIO:g}x"
    )
    print(header)
    print("-" * len(header))
    failures = 0
    for candidate in functions:
        ratio = candidate.median_ms / boto3_ms
        net_ratio = (candidate.median_ms - floor_ms) / boto3_net
        verdict = "PASS" if ratio <= GOAL_RATIO else "FAIL"
        if candidate.name in FLOORS:
            verdict = f"({FLOORS[candidate.name][0]})"
        else:
            failures += verdict == "FAIL"
        print(
            f"{candidate.name:<{width}} {candidate.median_ms:9.1f} {min(candidate.samples) * 1000:7.1f} "
            f"{ratio:8.2f} {net_ratio:12.2f}  {verdict}"
        )
    for name, error in broken.items():
        print(f"{name:<{width}} {'-':>9} {'-':>7} {'-':>8} {'-':>12}  FAIL (does not import: {error})")
        failures += 1
    print()
    print("x boto3 = function median / boto3 median; net = both with the interpreter floor subtracted.")
    total = len(functions) - len(FLOORS) + len(broken)
    print(f"{total - failures}/{total} API functions within {GOAL_RATIO:g}x of import boto3.")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--build-dir", type=Path, help="a `sam build` output to measure instead of building one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cold-start-") as temporary:
        work = Path(temporary)
        build = args.build_dir.resolve() if args.build_dir else sam_build(work)
        floor, boto3, stack_floors, functions = candidates(Template.load(), build, work)
        if not functions:
            sys.exit("no function with an HttpApi event in template.yaml")
        broken = {candidate.name: error for candidate in functions if (error := candidate.import_error())}
        working = [*stack_floors, *(candidate for candidate in functions if candidate.name not in broken)]
        measure([floor, boto3, *working], args.runs, args.warmups)
        report(floor, boto3, working, broken)


if __name__ == "__main__":
    main()
