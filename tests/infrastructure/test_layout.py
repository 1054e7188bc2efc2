"""ARCHITECTURE.md's rule for where code lives, checked on every module's imports so that it stays true.

shared/ holds `core` and one package per feature; inside a package, a module's role is where it sits:
`dal` (DynamoDB), `clients` (outside systems), `service`/`services` (use cases), `routes` and `http` (the HTTP
boundary), `settings` (the environment); anything else is pure logic or models.
"""

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT / "shared"
FUNCTIONS = REPO_ROOT / "functions"
ROLES = ("dal", "clients", "service", "services", "routes", "http", "settings")
STORAGE = ("pynamodb",)
OUTSIDE = ("boto3", "botocore", "paramiko", "urllib.request", "http.client", "requests")


def _modules(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def _role(path: Path) -> str:
    """The first role name on the module's path inside shared/ (`pure` when there is none)."""
    parts = path.relative_to(SHARED).with_suffix("").parts
    return next((part for part in parts if part in ROLES), "pure")


def _imports(path: Path) -> set[str]:
    """Every module the file imports, and every name it imports from one (`a.b` for `from a import b`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _names(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def _in_role(module: str, roles: tuple[str, ...]) -> bool:
    return module.startswith("shared.") and any(part in roles for part in module.split(".")[1:])


SHARED_MODULES = _modules(SHARED)


def test_shared_holds_only_packages() -> None:
    loose = [_names(path) for path in SHARED.glob("*.py") if path.name != "__init__.py"]
    assert not loose, f"modules at the root of shared/: move each into core/ or its feature package: {loose}"


@pytest.mark.parametrize("path", SHARED_MODULES, ids=_names)
def test_only_the_dal_talks_to_dynamodb(path: Path) -> None:
    offending = sorted(m for m in _imports(path) if _within(m, STORAGE))
    assert _role(path) == "dal" or not offending, f"{_names(path)} imports {offending}: DynamoDB belongs in a dal"


@pytest.mark.parametrize("path", SHARED_MODULES, ids=_names)
def test_records_stay_in_the_dal(path: Path) -> None:
    records = sorted(m for m in _imports(path) if _in_role(m, ("dal",)) and m.endswith("Record"))
    assert _role(path) == "dal" or not records, (
        f"{_names(path)} imports {records}: a dal returns and takes domain models, never its records"
    )


@pytest.mark.parametrize("path", SHARED_MODULES, ids=_names)
def test_only_clients_talk_to_outside_systems(path: Path) -> None:
    offending = sorted(m for m in _imports(path) if _within(m, OUTSIDE))
    assert _role(path) == "clients" or not offending, (
        f"{_names(path)} imports {offending}: AWS services and outside systems belong in a clients module"
    )


@pytest.mark.parametrize("path", [p for p in SHARED_MODULES if _role(p) == "pure"], ids=_names)
def test_pure_modules_do_no_input_or_output(path: Path) -> None:
    offending = sorted(m for m in _imports(path) if _in_role(m, ROLES))
    assert not offending, (
        f"{_names(path)} is pure logic or models (no role on its path) but imports {offending}: "
        "move what does I/O into a service, or this module into the role it plays"
    )


@pytest.mark.parametrize("path", _modules(SHARED / "core"), ids=_names)
def test_core_knows_no_feature(path: Path) -> None:
    features = sorted(m for m in _imports(path) if m.startswith("shared.") and not _within(m, ("shared.core",)))
    assert not features, f"{_names(path)} imports {features}: core is what every feature uses, never a feature"


@pytest.mark.parametrize("path", _modules(FUNCTIONS), ids=_names)
def test_handlers_call_services_not_storage(path: Path) -> None:
    offending = sorted(m for m in _imports(path) if _in_role(m, ("dal",)) or _within(m, STORAGE))
    assert not offending, f"{_names(path)} imports {offending}: a handler calls its feature's service"


def test_the_rule_is_written_down() -> None:
    rule = (REPO_ROOT / "ARCHITECTURE.md").read_text()
    missing = [role for role in ROLES if f"`{role}`" not in rule]
    assert not missing, f"ARCHITECTURE.md does not explain the roles {missing}"
