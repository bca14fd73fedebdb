"""The layers as tests: the import graph of tuiclust, read from the source (no imports run).

Layers, lowest first: core <- io <- pipeline, listings <- analysis <- lessons
<- ui, publish <- cli. A module may import its own layer and the layers
below it, never above; no import cycle between modules; only the UI,
publishing and command layers may import a terminal library; the core
imports nothing of tuiclust outside itself. There is no exceptions list.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "tuiclust"
# Rank of each top-level part of the package; a module imports only ranks <= its own.
LAYERS: dict[str, int] = {
    "core": 0,
    "safe_text": 1,
    "errors": 1,
    "io": 1,
    "pipeline": 2,
    "listings": 2,
    "analysis": 3,
    "lessons": 4,
    "ui": 5,
    "publish": 5,
    "cli": 6,
    "__main__": 6,
}
TERMINAL_LIBRARIES = ("textual", "textual_plotext", "plotext", "rich")
MAY_USE_THE_TERMINAL = ("ui", "publish", "cli", "__main__")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in ROOT.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str) -> list[tuple[str, bool]]:
    """(imported module, at run time) for every import in ``module``, function-level ones included."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, runtime: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.body:
                visit(child, False)
            for child in node.orelse:
                visit(child, runtime)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, runtime) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                # `from pkg import submodule` imports the submodule.
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in MODULES else target, runtime))
        for child in ast.iter_child_nodes(node):
            visit(child, runtime)

    visit(tree, True)
    return found


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


GRAPH = {m: _imports(m) for m in MODULES}


def test_the_walk_sees_the_package() -> None:
    assert {"tuiclust.core.steps", "tuiclust.pipeline.run", "tuiclust.ui.app", "tuiclust.cli.main"} <= set(MODULES)
    assert ("tuiclust.pipeline.spec", True) in GRAPH["tuiclust.pipeline.run"]


def test_no_import_cycle() -> None:
    runtime = {m: sorted({t for t, rt in deps if rt and t in MODULES and t != m}) for m, deps in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in runtime[m]:
            if state.get(t) == 1:
                cycle = stack[stack.index(t) :] + [t]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if t not in state:
                walk(t)
        stack.pop()
        state[m] = 2

    for m in sorted(runtime):
        if m not in state:
            walk(m)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "tuiclust"))
def test_imports_follow_the_layers(module: str) -> None:
    part = _part(module)
    assert part in LAYERS, f"{module}: {part!r} is not in the layer table; add it to LAYERS"
    for target, _ in GRAPH[module]:
        top = target.split(".")[0]
        if top in TERMINAL_LIBRARIES:
            assert part in MAY_USE_THE_TERMINAL, f"{module} imports {target}: only ui, publish and cli may"
        if top != "tuiclust" or target == "tuiclust":
            continue
        other = _part(target)
        if part == "core":
            assert other == "core", f"{module} imports {target}: the core imports only the core"
        assert LAYERS[other] <= LAYERS[part], f"{module} (layer {part}) imports {target} (layer {other}, above it)"
        if other in ("ui", "cli") and part != other:
            assert part in ("cli", "publish", "__main__") or other != "cli", f"{module} imports {target}"


def test_every_package_is_listed_for_installation() -> None:
    import tomllib

    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    packages = {_module_name(p) for p in ROOT.rglob("__init__.py")}
    assert packages | {"tuiclust.scenes"} == listed
