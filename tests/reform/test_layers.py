"""The layers of DESIGN.md: no module imports from a layer above its own."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# DESIGN.md, "Architecture": reform's core → pilots → clusters → demonstration → promotion →
# dashboards. reform/urls.py, the root URLconf, is the one place that names every app.
LAYERS = ["reform", "pilots", "clusters", "demonstration", "promotion", "dashboards"]
ROOT_URLCONF = "reform.urls"


def layer_of(module: str) -> int | None:
    package = module.split(".")[0]
    return LAYERS.index(package) if package in LAYERS else None


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
    for package in LAYERS:
        if not (ROOT / package).is_dir():
            continue
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield module.removesuffix(".__init__"), path


def test_no_module_imports_from_a_layer_above_it():
    upward = []
    for module, path in project_modules():
        if module == ROOT_URLCONF:
            continue
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
