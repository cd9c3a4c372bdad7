"""Dependencies point one way: the core knows no feature, and no app imports an app above it.

The layers (docs/architecture.md explains them): an app may import its own layer and the layers below. Imports
are read from the source with `ast`, including imports inside functions and `import_module("...")` calls with a
literal name, so a late import cannot hide an arrow that runs upward.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Every app folder, with its layer. A new app must be placed here before its first import is checked.
LAYERS: dict[str, int] = {
    "partnership/accounts": 0,
    "partnership/tenancy": 0,
    "partnership/common": 0,
    "partnership/audit": 0,
    "partnership/privacy": 0,
    "schools": 1,
    "reviews": 2,
    "cpd": 3,
    "partnership/governance": 3,
    "improvement": 4,
    "partnership/dashboards": 5,
    "partnership/portal": 6,
}
# With the shared helpers (common), the bottom layer.
CORE = ("partnership/accounts", "partnership/tenancy", "partnership/audit", "partnership/privacy")
# The project package's own modules (settings, URLs, Celery app, WSGI, form renderer) sit above every app.
PROJECT_PACKAGE = "partnership"
# Folders that hold Python but are not apps: tests, benchmarks and scripts may import anything.
NOT_APPS = {"tests", "benchmarks", "scripts"}
SKIPPED_DIRS = {".venv", "node_modules", "static", "templates", "var", "media", "__pycache__"}


def _module_of(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _app_of_module(module: str, layers: dict[str, int]) -> str | None:
    """The app folder a dotted module name belongs to (the longest match), or None for other packages."""
    best = None
    for folder in layers:
        dotted = folder.replace("/", ".")
        if (module == dotted or module.startswith(dotted + ".")) and (best is None or len(folder) > len(best)):
            best = folder
    return best


def _imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones resolved; `from a import b` yields a.b too."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_of(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names if alias.name != "*")
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def python_files(root: Path):
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if SKIPPED_DIRS.intersection(relative.parts) or relative.parts[0] in NOT_APPS:
            continue
        yield path


def _app_imports(root: Path, layers: dict[str, int]):
    """(file, line, source app, target app, module) for every import of one app by another, once per line."""
    seen = set()
    for path in python_files(root):
        source_app = _app_of_module(_module_of(path, root), layers)
        if source_app is None:
            continue
        for line, module in _imported_modules(path, root):
            target_app = _app_of_module(module, layers)
            if target_app is None or target_app == source_app or (path, line, target_app) in seen:
                continue
            seen.add((path, line, target_app))
            yield path.relative_to(root), line, source_app, target_app, module


def upward_imports(root: Path, layers: dict[str, int]) -> list[str]:
    """Every import from an app into an app of a higher layer, as 'file:line imports module (...)'."""
    return [
        f"{path}:{line} imports {module} ({source} is layer {layers[source]}, {target} is layer {layers[target]})"
        for path, line, source, target, module in _app_imports(root, layers)
        if layers[target] > layers[source]
    ]


def core_imports_of_features(root: Path, layers: dict[str, int]) -> list[str]:
    """Every import from the core (tenancy, accounts) of anything above the bottom layer."""
    return [
        f"{path}:{line} imports {module}"
        for path, line, source, target, module in _app_imports(root, layers)
        if source in CORE and layers[target] > 0
    ]


def unplaced_app_folders(root: Path, layers: dict[str, int]) -> list[str]:
    """Python packages at the top level or inside the project package that the layer table does not place."""
    candidates = [p.parent for p in root.glob("*/__init__.py")]
    candidates += [p.parent for p in (root / PROJECT_PACKAGE).glob("*/__init__.py")]
    folders = {str(folder.relative_to(root)) for folder in candidates}
    return sorted(folders - set(layers) - NOT_APPS - {PROJECT_PACKAGE})


def test_the_core_imports_no_feature_app():
    assert core_imports_of_features(ROOT, LAYERS) == []


def test_no_app_imports_an_app_above_it():
    assert upward_imports(ROOT, LAYERS) == []


def test_every_app_folder_has_a_place_in_the_layers():
    assert unplaced_app_folders(ROOT, LAYERS) == []


def test_the_installed_apps_are_all_placed():
    from django.apps import apps

    paths = [Path(config.path) for config in apps.get_app_configs()]
    ours = {str(path.relative_to(ROOT)) for path in paths if path.is_relative_to(ROOT) and ".venv" not in path.parts}
    assert ours <= set(LAYERS)


# The checks above must be able to fail: each probe builds a small tree with one wrong import and runs them on it.


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in ("partnership", "partnership/tenancy", "partnership/accounts", "reviews", "schools"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    return tmp_path


@pytest.mark.parametrize(
    "source",
    [
        "from reviews.models import Review\n",
        "import reviews.selectors\n",
        "def late():\n    from reviews import permissions\n",
        "from importlib import import_module\n\ndef later():\n    return import_module('reviews.home')\n",
        "from schools.models import School\n",
    ],
)
def test_probe_a_feature_import_from_the_core_is_caught(tmp_path, source):
    root = _tree(tmp_path, {"partnership/tenancy/probe.py": source})
    assert [problem.split(":")[0] for problem in core_imports_of_features(root, LAYERS)] == [
        "partnership/tenancy/probe.py"
    ]
    assert len(upward_imports(root, LAYERS)) == 1


def test_probe_a_relative_import_from_the_core_is_caught(tmp_path):
    root = _tree(tmp_path, {"partnership/tenancy/probe.py": "from ..dashboards import home\n"})
    assert core_imports_of_features(root, LAYERS) == ["partnership/tenancy/probe.py:1 imports partnership.dashboards"]


def test_probe_an_upward_import_between_features_is_caught(tmp_path):
    root = _tree(
        tmp_path,
        {"schools/probe.py": "from reviews.models import Review\n", "reviews/fine.py": "from schools import models\n"},
    )
    assert [problem.split(":")[0] for problem in upward_imports(root, LAYERS)] == ["schools/probe.py"]


def test_probe_an_app_folder_missing_from_the_layers_is_caught(tmp_path):
    root = _tree(tmp_path, {"lessons/__init__.py": "", "partnership/awards/__init__.py": ""})
    assert unplaced_app_folders(root, LAYERS) == ["lessons", "partnership/awards"]
