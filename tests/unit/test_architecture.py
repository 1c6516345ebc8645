"""The layers hold (import-linter checks the contracts in .importlinter; `make lint` runs it), and
no module dodges them by importing another package from inside a function."""

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "server"
# create_app is the table of contents that wires every feature in: importing any server module
# runs the package's __init__ first, so it imports the features when an app is built, not at import.
APP_FACTORY = SERVER / "__init__.py"


def _package(path: Path, root: Path) -> str:
    """server/cases/loop.py -> "cases"; server/cli.py -> "cli"."""
    return path.relative_to(root).with_suffix("").parts[0]


def _target(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The server packages this import statement names ("cases" for server.cases.loop)."""
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: inside the file's own package unless it climbs out of it
            return [] if node.level == 1 else ["<relative>"]
        modules = [node.module or ""]
        if node.module == "server":
            modules = [f"server.{alias.name}" for alias in node.names]
    else:
        modules = [alias.name for alias in node.names]
    return [m.split(".")[1] for m in modules if m.startswith("server.") and len(m.split(".")) > 1]


def inner_imports(path: Path, root: Path = SERVER) -> list[str]:
    """Imports of another server package made inside a function (or method) of this file."""
    tree = ast.parse(path.read_text(), str(path))
    own = _package(path, root)
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for package in _target(node):
                    if package != own:
                        found.append(
                            f"{path.relative_to(root.parent)}:{node.lineno} imports server.{package}"
                        )
    return found


def test_no_function_imports_another_package():
    files = sorted(p for p in SERVER.rglob("*.py") if p != APP_FACTORY)
    assert len(files) > 100  # the whole server, not an empty glob
    found = [line for path in files for line in inner_imports(path)]
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    from server.cases.loop import visible\n", ["server/x/m.py:2 imports server.cases"]),
        ("def f():\n    import server.tasks.models\n", ["server/x/m.py:2 imports server.tasks"]),
        ("def f():\n    from server import worktime\n", ["server/x/m.py:2 imports server.worktime"]),
        (
            "class C:\n    def m(self):\n        from server.push.service import notify\n",
            ["server/x/m.py:3 imports server.push"],
        ),
        ("def f():\n    from server.x.other import y\n", []),  # its own package
        ("def f():\n    from .other import y\n", []),
        ("from server.cases.loop import visible\n", []),  # module level: import-linter's to judge
        ("def f():\n    from sqlalchemy import select\n", []),
    ],
)
def test_the_check_sees_what_it_is_meant_to(tmp_path, source, expected):
    """The check itself can fail: each kind of inner import it must catch, and what it must not."""
    root = tmp_path / "server"
    (root / "x").mkdir(parents=True)
    module = root / "x" / "m.py"
    module.write_text(source)
    assert inner_imports(module, root) == expected
