"""The layers of DESIGN.md: core → pilots → clusters → faces; no import goes upward."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE_MODULES = {
    "models",
    "scopes",
    "selectors",
    "services",
    "reference",
    "creditcode",
    "text",
    "admin",
    "apps",
    "settings",
    "wsgi",
}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] == "pilots":
        return 1
    if parts[0] == "clusters":
        return 2
    if parts[0] == "reform":
        if len(parts) == 1 or parts[1] in CORE_MODULES or parts[1] == "migrations":
            return 0
        return 3  # urls, views, dashboards, demo, management commands, context processors
    return None


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def project_modules():
    for package in ("reform", "pilots", "clusters"):
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield module.removesuffix(".__init__"), path


def test_no_module_imports_from_a_layer_above_it():
    upward = []
    for module, path in project_modules():
        own = layer_of(module)
        for imported in imports_of(path):
            other = layer_of(imported)
            if other is not None and other > own:
                upward.append(f"{module} (layer {own}) imports {imported} (layer {other})")
    assert upward == []


def test_pilots_never_refers_to_clusters():
    offenders = [
        module
        for module, path in project_modules()
        if module.startswith("pilots") and any(i.startswith("clusters") for i in imports_of(path))
    ]
    assert offenders == []


def test_there_is_no_import_cycle_between_modules():
    graph = {module: set() for module, _ in project_modules()}
    for module, path in project_modules():
        for imported in imports_of(path):
            while imported and imported not in graph:
                imported = imported.rpartition(".")[0]
            if imported and imported != module:
                graph[module].add(imported)
    seen, stack, cycles = set(), [], []

    def visit(node):
        if node in stack:
            cycles.append(stack[stack.index(node) :] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in graph[node]:
            visit(nxt)
        stack.pop()

    for node in graph:
        visit(node)
    assert cycles == []
