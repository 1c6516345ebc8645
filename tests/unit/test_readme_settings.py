"""The README's settings table names every environment variable config/ reads and every Makefile knob."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG_SOURCE = ROOT / "config" / "__init__.py"


def _is_environ(node: ast.AST) -> bool:
    """`os.environ`."""
    return isinstance(node, ast.Attribute) and node.attr == "environ" and _is_name(node.value, "os")


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _env_reads(tree: ast.Module) -> list[tuple[ast.AST, ast.AST | None]]:
    """(variable-name expression, enclosing function) of every direct read of the environment."""
    reads = []

    def visit(node: ast.AST, function: ast.AST | None) -> None:
        if isinstance(node, ast.FunctionDef):
            function = node
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr == "get" and _is_environ(func.value)) or (
                isinstance(func, ast.Attribute) and func.attr == "getenv" and _is_name(func.value, "os")
            ):
                reads.append((node.args[0], function))
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            reads.append((node.slice, function))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return reads


def _literal_names(node: ast.AST, scope: ast.AST) -> list[str] | None:
    """The strings an argument can be: a literal, or a loop variable over a tuple of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        for loop in ast.walk(scope):
            targets = []
            if isinstance(loop, ast.For):
                targets = [(loop.target, loop.iter)]
            elif isinstance(loop, ast.comprehension):
                targets = [(loop.target, loop.iter)]
            for target, values in targets:
                if _is_name(target, node.id) and isinstance(values, ast.Tuple | ast.List):
                    if all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values.elts):
                        return [v.value for v in values.elts]
    return None


def environment_variables(source: str) -> set[str]:
    """Every variable name the module can read from the environment, found in its source.

    A function that passes its own first parameter to an environment read (like `_env(name)`)
    is a reader too; its callers' arguments are the names. A read whose name cannot be told
    from the source fails, so a new indirection cannot hide a variable from the README check.
    """
    tree = ast.parse(source)
    functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    readers: set[str] = set()
    names: set[str] = set()
    unresolved: list[int] = []

    def first_param(function: ast.AST | None) -> str | None:
        if isinstance(function, ast.FunctionDef) and function.args.args:
            return function.args.args[0].arg
        return None

    def collect(arg: ast.AST, function: ast.AST | None) -> None:
        if _is_name(arg, first_param(function) or "") and function.name not in readers:
            readers.add(function.name)
            return
        if _is_name(arg, first_param(function) or ""):
            return
        found = _literal_names(arg, function or tree)
        if found is None:
            unresolved.append(arg.lineno)
        else:
            names.update(found)

    for arg, function in _env_reads(tree):
        collect(arg, function)
    # Readers found so far may be called by other readers; go until no new one appears.
    seen: set[str] = set()
    while readers - seen:
        seen = set(readers)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in seen:
                if node.args:
                    collect(node.args[0], _enclosing_function(tree, node, functions))
    assert not unresolved, f"environment reads with a name the source does not spell out, lines {unresolved}"
    return names


def _enclosing_function(tree: ast.Module, target: ast.AST, functions: dict) -> ast.AST | None:
    for function in functions.values():
        if any(node is target for node in ast.walk(function)):
            return function
    return None


def makefile_variables(text: str) -> set[str]:
    """Variables the Makefile lets the caller set (`NAME ?= default`)."""
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*\?=", text, flags=re.MULTILINE))


def readme_settings(text: str) -> set[str]:
    """The names in the first column of the table(s) under the README's "## Settings"."""
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    return names


def missing_from_readme(readme: str) -> set[str]:
    wanted = environment_variables(CONFIG_SOURCE.read_text()) | makefile_variables(
        (ROOT / "Makefile").read_text()
    )
    return wanted - readme_settings(readme)


def test_every_setting_is_in_the_readme_settings_table():
    assert missing_from_readme((ROOT / "README.md").read_text()) == set()


def test_the_source_scan_finds_direct_indirect_and_looped_reads():
    found = environment_variables(CONFIG_SOURCE.read_text())
    # A plain _env("X"), a fallback inside another _env, a helper's literal, a loop over a tuple.
    for name in (
        "DATABASE_URL",
        "AWS_DEFAULT_REGION",
        "CALENDAR_EXTRA_HOLIDAYS",
        "WELFARE_VISIT_INTERVAL_DAYS",
        "CARE_TIER_RULES",
        "GRIDWALK_CONFIG",
        "IMPORT_MAX_BYTES",
    ):
        assert name in found
    assert {"PYTHON", "HOST", "PORT", "CHROMIUM", "DEMO_HOUSEHOLDS"} <= makefile_variables(
        (ROOT / "Makefile").read_text()
    )


@pytest.mark.parametrize("name", ["IMPORT_MAX_BYTES", "CARE_TIER_RULES", "DEMO_HOUSEHOLDS", "S3_BUCKET"])
def test_a_removed_row_is_reported(name):
    readme = (ROOT / "README.md").read_text()
    without = "\n".join(line for line in readme.splitlines() if not line.startswith(f"| `{name}` |"))
    assert without != readme
    assert name in missing_from_readme(without)


def test_a_name_only_mentioned_elsewhere_in_the_row_does_not_count():
    """The S3_REGION row mentions AWS_DEFAULT_REGION as its fallback; only the first column lists."""
    readme = (ROOT / "README.md").read_text()
    without = "\n".join(line for line in readme.splitlines() if not line.startswith("| `AWS_REGION` /"))
    assert "AWS_DEFAULT_REGION" in without
    assert "AWS_DEFAULT_REGION" in missing_from_readme(without)


def test_an_environment_read_through_an_unknown_name_fails_the_scan():
    source = 'import os\n\ndef _env(name):\n    return os.environ.get(name)\n\nX = _env(PREFIX + "A")\n'
    with pytest.raises(AssertionError, match="does not spell out"):
        environment_variables(source)
