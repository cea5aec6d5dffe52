"""One layer a folder (docs/architecture.md): imports run only downwards, the import graph of the top-level
packages has no loop, and no function in the code grows long without a reason written beside it."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGES = CONFIG["tool"]["importlinter"]["root_packages"]
LONG = 60  # lines a function may have without a reason
REASON = "# long:"  # a comment at the top of a longer function says why it is one piece


def test_the_import_contracts_hold():
    """import-linter's contracts ([tool.importlinter] in pyproject.toml): the floors, a pure domain, no
    SQLAlchemy or FastAPI in workflows, nothing imports worker.py."""
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def package_graph() -> dict[str, list[str]]:
    """Which top-level package imports which (worker.py included, tests and bench left out), in floor order."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    order = [*PACKAGES]
    edges = {
        a: [b for b in order if b != a and graph.direct_import_exists(importer=a, imported=b, as_packages=True)]
        for a in order
    }
    worker = ast.parse((ROOT / "worker.py").read_text(encoding="utf-8"))
    imported = {n.module.split(".")[0] for n in ast.walk(worker) if isinstance(n, ast.ImportFrom) and n.module}
    edges["worker.py"] = [b for b in order if b in imported]
    return edges


def rendered(edges: dict[str, list[str]]) -> list[str]:
    return [f"{a:<10} → {', '.join(b) if b else '(nothing of ours)'}" for a, b in edges.items()]


def test_the_import_graph_has_no_loop_and_the_readme_shows_it():
    edges = package_graph()
    try:
        list(TopologicalSorter(edges).static_order())
    except CycleError as loop:
        raise AssertionError(f"the packages import each other in a loop: {loop.args[1]}") from None
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [line for line in rendered(edges) if line not in readme]
    assert not missing, "README's import graph is out of date; it is now:\n" + "\n".join(rendered(edges))


def long_functions() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            for node in ast.walk(ast.parse("\n".join(lines))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    length = node.end_lineno - node.lineno + 1
                    body = lines[node.lineno - 1:node.end_lineno]
                    if length > LONG and not any(line.strip().startswith(REASON) for line in body):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_long_function_without_a_reason():
    """Short functions; one that must stay one piece says why in a `# long:` comment."""
    assert not long_functions(), "split these or say why they are one piece:\n" + "\n".join(long_functions())


def test_no_module_name_repeats_across_layers():
    """A path says the layer; the same name in two layers (say ledger/models.py and domain/models.py) hides it."""
    seen: dict[str, list[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path.name != "__init__.py" and "migrations" not in path.parts:
                seen.setdefault(path.stem, []).append(str(path.relative_to(ROOT)))
    repeated = {name: paths for name, paths in seen.items() if len({p.split("/")[0] for p in paths}) > 1}
    assert not repeated, repeated
