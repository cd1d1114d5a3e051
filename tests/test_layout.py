"""The code's layout holds its architecture: imports flow adapters -> domain -> models.

Every import statement counts, including those inside functions.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "newsletter"
DOMAIN = ("subscribers", "sequences", "delivery", "mail", "articles", "alerts")
ADAPTERS = ("views", "admin", "management", "tasks", "urls", "apps")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules() -> dict[str, Path]:
    files = (p for p in APP.rglob("*.py") if "migrations" not in p.parts)
    return {module_name(path): path for path in files}


MODULES = app_modules()


def imports_of(name: str) -> set[str]:
    """The app's modules that `name` imports, anywhere in its body."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in GRAPH[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def in_package(module: str, *packages: str) -> bool:
    return any(
        module == f"newsletter.{p}" or module.startswith(f"newsletter.{p}.") for p in packages
    )


def test_at_most_ten_modules_sit_directly_in_the_app_folder():
    top = sorted(path.name for path in APP.glob("*.py"))
    assert len(top) <= 10, top


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_longer_than_400_lines(name):
    assert len(MODULES[name].read_text().splitlines()) <= 400


def test_no_module_imports_itself_back_through_others():
    circles = sorted(name for name in GRAPH if name in reachable(name))
    assert circles == []


def test_mail_reaches_no_sending_or_scheduling_code():
    for name in (m for m in MODULES if in_package(m, "mail")):
        assert not {m for m in reachable(name) if in_package(m, "delivery", "sequences")}, name


def test_models_import_no_domain_package():
    for name in (m for m in MODULES if in_package(m, "models")):
        assert all(in_package(target, "models") for target in GRAPH[name]), name


def test_domain_code_imports_no_adapter_and_enqueues_only_through_the_queue_seam():
    for name in (m for m in MODULES if in_package(m, *DOMAIN)):
        assert not {m for m in GRAPH[name] if in_package(m, *ADAPTERS)}, name


def test_the_queue_seam_imports_no_module_of_the_app():
    assert GRAPH["newsletter.queue"] == set()


def test_every_folder_says_in_one_line_what_lives_there():
    for init in (p for p in APP.glob("*/__init__.py") if p.parent.name != "migrations"):
        docstring = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert docstring and "\n" not in docstring, init
