"""Plugin loading through real entry points of fake distributions, in fresh processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def make_dist(root: Path, dist: str, modules: dict[str, str], entry_points: dict[str, str]) -> None:
    """A minimal installed distribution: modules plus a .dist-info with entry points."""
    for name, source in modules.items():
        (root / f"{name}.py").write_text(textwrap.dedent(source))
    info = root / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[pyvino]\n{lines}\n")


def run_python(code: str, path: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(path), **env}
    full_env.pop("PYVINO_PLUGINS", None) if "PYVINO_PLUGINS" not in env else None
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=full_env, timeout=120)


BROKEN = {"broken_plugin": "raise ImportError('libfoo.so.1: cannot open shared object file')"}


def test_broken_plugin_does_not_break_core(tmp_path):
    make_dist(tmp_path, "fake-broken", BROKEN, {"broken": "broken_plugin"})
    out = run_python("""
        import json, pyvino
        core = pyvino.Core()
        recs = {r.name: (r.status, r.error, r.distribution) for r in core.plugin_manager.records}
        print(json.dumps({"devices": core.available_devices, "broken": recs["broken"]}))
    """, tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert "CPU" in data["devices"]
    assert data["broken"] == ["failed", "ImportError: libfoo.so.1: cannot open shared object file",
                              "fake-broken"]


def test_pyvino_plugins_cli_shows_failure_reason(tmp_path):
    make_dist(tmp_path, "fake-broken", BROKEN, {"broken": "broken_plugin"})
    out = run_python("from pyvino.cli import main; main(['plugins'])", tmp_path)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("broken"))
    assert "fake-broken" in line and "failed" in line and "libfoo.so.1" in line
    assert any(x.startswith("cpu") and "loaded" in x for x in out.stdout.splitlines())


def test_duplicate_device_names_both_distributions(tmp_path):
    make_dist(tmp_path, "fake-cpu-clone", {"clone_plugin": """
        import pyvino
        @pyvino.hookimpl
        def pyvino_devices():
            return [pyvino.DeviceSpec("CPU", lambda: None)]
    """}, {"clone": "clone_plugin"})
    out = run_python("import pyvino; pyvino.Core().available_devices", tmp_path)
    assert out.returncode != 0
    assert "device 'CPU' is provided by two distributions" in out.stderr
    assert "pyvino-cpu" in out.stderr and "fake-cpu-clone" in out.stderr


def test_hook_that_raises_is_recorded_not_fatal(tmp_path):
    make_dist(tmp_path, "fake-raising", {"raising_plugin": """
        import pyvino
        @pyvino.hookimpl
        def pyvino_devices():
            raise RuntimeError("no licence")
    """}, {"raising": "raising_plugin"})
    out = run_python("""
        import pyvino
        core = pyvino.Core()
        print(core.available_devices)
        print([(r.status, r.error) for r in core.plugin_manager.records if r.name == "raising"])
    """, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "'CPU'" in out.stdout and "RuntimeError: no licence" in out.stdout


def test_allow_list_and_missing_device_plugin_message(tmp_path):
    out = run_python("""
        import pyvino
        from pyvino import opset8 as ops
        core = pyvino.Core()
        print(core.available_devices)
        x = ops.parameter([2], "f32")
        try:
            core.compile_model(pyvino.Model([ops.relu(x)], [x]))
        except pyvino.PyvinoError as exc:
            print(type(exc).__name__, exc)
    """, tmp_path, PYVINO_PLUGINS="opsets")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "[]"
    assert lines[1].startswith("DeviceNotFoundError") and "pip install pyvino-cpu" in lines[1]


def test_disable_autoload(tmp_path):
    out = run_python("""
        import pyvino
        core = pyvino.Core()
        print(core.available_devices, core.plugin_manager.registry.names())
    """, tmp_path, PYVINO_DISABLE_PLUGIN_AUTOLOAD="1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] []"


def test_heavy_modules_are_not_imported_by_loading_plugins(tmp_path):
    # Loading every entry point, collecting devices and opsets and reading a model must not
    # import numba or pyopencl; those load when a device is first used (listed or compiled on).
    out = run_python("""
        import sys, pyvino
        core = pyvino.Core()
        assert {"CPU", "GPU"} <= set(core.plugin_manager.devices())
        ops = pyvino.opset8
        x = ops.parameter([2], "f32")
        pyvino.Model([ops.relu(x)], [x])
        print(sorted(m for m in ("numba", "pyopencl") if m in sys.modules))
    """, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("bad", ["42", "[object()]"])
def test_wrong_record_types_are_rejected(tmp_path, bad):
    make_dist(tmp_path, "fake-wrong", {"wrong_plugin": f"""
        import pyvino
        @pyvino.hookimpl
        def pyvino_devices():
            return {bad}
    """}, {"wrong": "wrong_plugin"})
    out = run_python("""
        import pyvino
        core = pyvino.Core()
        print(core.available_devices)
        print([r.status for r in core.plugin_manager.records if r.name == "wrong"])
    """, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "['failed']" in out.stdout
