"""Cold-start import cost of each API function against `import boto3`, measured in the same run.

Each sample is the wall time of a fresh `python -c ...` process: importing the function's handler file by
path with its declared environment (placeholder values), `import boto3`, and `pass` (the interpreter floor).
Samples are interleaved and the order alternates each round, after warm-up rounds that fill the OS file
cache and write bytecode caches. Goal: every API function at most 2x the boto3 median. Reports; never fails.
A function whose handler does not import with its declared environment is listed as FAIL with the error.

Bytecode: these runs use the __pycache__ the warm-ups write. A layer without .pyc files on Lambda's read-only
/opt compiles every module on every cold start, which this bench does not show.

    .venv/bin/python bench/cold_start.py [--runs 15] [--warmups 2]      (from the repository root)
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from local.template import FunctionSpec, Template, is_intrinsic  # noqa: E402 - needs the repository on sys.path

GOAL_RATIO = 2.0
REGION = "eu-west-1"
IMPORT_BY_PATH = (
    "import importlib.util, sys; "
    "spec = importlib.util.spec_from_file_location(sys.argv[1], sys.argv[2]); "
    "module = importlib.util.module_from_spec(spec); sys.modules[sys.argv[1]] = module; "
    "spec.loader.exec_module(module)"
)


@dataclass
class Candidate:
    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    samples: list[float] = field(default_factory=list)
    handler_file: Path | None = None

    def run_once(self) -> float:
        began = time.perf_counter()
        subprocess.run(self.argv, env=self.env, cwd=self.cwd, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - began

    def import_error(self) -> str | None:
        """None when the import works; else the last line of its traceback."""
        if self.handler_file is not None and not self.handler_file.is_file():
            return f"no such file {self.handler_file}"
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


def base_environment() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": REGION, "PYTHONPATH": str(REPO_ROOT)}


def candidates(template: Template) -> tuple[Candidate, Candidate, list[Candidate]]:
    floor = Candidate("python -c pass", [sys.executable, "-c", "pass"], base_environment(), REPO_ROOT)
    boto3 = Candidate("import boto3", [sys.executable, "-c", "import boto3"], base_environment(), REPO_ROOT)
    functions = []
    for spec in template.functions():
        if not any(event.type == "HttpApi" for event in spec.events):
            continue
        env = {
            **base_environment(),
            **declared_environment(spec),
            "PYTHONPATH": os.pathsep.join([str(spec.code_dir), str(REPO_ROOT)]),
        }
        argv = [sys.executable, "-c", IMPORT_BY_PATH, f"handler_{spec.logical_id}", str(spec.handler_file)]
        functions.append(Candidate(spec.logical_id, argv, env, spec.code_dir, handler_file=spec.handler_file))
    return floor, boto3, functions


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
    total = len(functions) + len(broken)
    print(f"{total - failures}/{total} API functions within {GOAL_RATIO:g}x of import boto3.")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    args = parser.parse_args()
    floor, boto3, functions = candidates(Template.load())
    if not functions:
        sys.exit("no function with an HttpApi event in template.yaml")
    broken = {candidate.name: error for candidate in functions if (error := candidate.import_error())}
    working = [candidate for candidate in functions if candidate.name not in broken]
    measure([floor, boto3, *working], args.runs, args.warmups)
    report(floor, boto3, working, broken)


if __name__ == "__main__":
    main()
