"""Meta-tests that keep the extension API honest (datasette-style): every hook is documented in
docs/plugin-hooks.md with its exact arguments and a runnable example, every hook has a test,
and every distribution folder has a README naming it."""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from pathlib import Path

import pytest
from pyvino import hookspecs

ROOT = Path(__file__).resolve().parent.parent
HOOKS_DOC = ROOT / "docs" / "plugin-hooks.md"
HOOK_NAMES = sorted(
    name for name, fn in vars(hookspecs).items() if name.startswith("pyvino_") and callable(fn)
)


def doc_sections() -> dict[str, tuple[list[str], str]]:
    """{hook name: (argument names in the heading, section text)} of docs/plugin-hooks.md."""
    sections = {}
    for block in re.split(r"^## ", HOOKS_DOC.read_text(), flags=re.M)[1:]:
        match = re.match(r"`(\w+)\(([^)]*)\)`", block)
        if match:
            args = [a.strip() for a in match.group(2).split(",") if a.strip()]
            sections[match.group(1)] = (args, block)
    return sections


def test_hookspecs_are_found():
    assert {
        "pyvino_opsets",
        "pyvino_devices",
        "pyvino_kernels",
        "pyvino_frontends",
        "pyvino_onnx_converters",
        "pyvino_passes",
    } <= set(HOOK_NAMES)


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_every_hook_has_a_doc_section_with_its_arguments(hook):
    sections = doc_sections()
    assert hook in sections, f"docs/plugin-hooks.md has no section '## `{hook}(...)`'"
    expected = list(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert sections[hook][0] == expected, f"{hook}: doc says {sections[hook][0]}, spec {expected}"


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_every_hook_doc_example_runs(hook):
    text = doc_sections()[hook][1]
    examples = re.findall(r"```python\n(.*?)```", text, re.S)
    assert examples, f"the {hook} section has no python example"
    assert f"def {hook}(" in examples[0], f"the {hook} example does not implement the hook"
    exec(compile(examples[0], f"docs/plugin-hooks.md ({hook})", "exec"), {"__name__": "example"})


def test_every_hook_has_a_test():
    tree = ast.parse((ROOT / "tests" / "test_hooks.py").read_text())
    tests = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    missing = [h for h in HOOK_NAMES if f"test_hook_{h}" not in tests]
    assert not missing, f"tests/test_hooks.py lacks test_hook_<name> for {missing}"


def distribution_folders() -> list[Path]:
    return sorted(
        p.parent
        for pattern in ("core", "opsets", "plugins/*", "extensions/*")
        for p in ROOT.glob(f"{pattern}/pyproject.toml")
    )


@pytest.mark.parametrize(
    "folder", distribution_folders(), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_every_distribution_has_a_readme_naming_it(folder):
    readme = folder / "README.md"
    assert readme.is_file(), f"{folder.relative_to(ROOT)} has no README.md"
    name = tomllib.loads((folder / "pyproject.toml").read_text())["project"]["name"]
    first = readme.read_text().lstrip().splitlines()[0]
    assert first.startswith(f"# {name}"), f"{readme.relative_to(ROOT)} should start with '# {name}'"
