"""An extension's life: installed, not installed, added at runtime, and broken.

"Not installed" runs in a fresh process with ``PYVINO_PLUGINS=cpu,opsets`` so the extension's
entry point is not loaded (the way ``pip uninstall`` leaves it; the README records the same
check done once by hand in a fresh virtualenv).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import pyvino
from onnx import TensorProto, helper
from pyvino_ext_fft import DOMAIN

ROOT = Path(__file__).resolve().parents[2]


def fft_onnx(path: Path) -> Path:
    node = helper.make_node("FFT", ["x"], ["y"], domain=DOMAIN, axis=0)
    graph = helper.make_graph(
        [node],
        "fft",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [8, 2])],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(DOMAIN, 1)]
    )
    path.write_bytes(model.SerializeToString())
    return path


def run_python(code: str, pythonpath: Path | None = None, **env: str) -> dict:
    full = {**os.environ, **env}
    if pythonpath is not None:
        full["PYTHONPATH"] = os.pathsep.join([str(pythonpath), full.get("PYTHONPATH", "")])
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("lifecycle")
    onnx_path = fft_onnx(folder / "fft.onnx")
    pyvino.save_model(pyvino.convert_model(onnx_path), folder / "fft.xml", compress_to_fp16=False)
    return {
        "onnx": str(onnx_path),
        "xml": str(folder / "fft.xml"),
        "plugin_py": str(ROOT / "extensions/fft/src/pyvino_ext_fft/_plugin.py"),
    }


NOT_INSTALLED = """
    import json, sys, numpy as np, pyvino
    files = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {files!r}
    result = {{}}
    def attempt(name, fn):
        try:
            fn()
            result[name] = "ok"
        except pyvino.PyvinoError as exc:
            result[name] = f"{{type(exc).__name__}}: {{exc}}"
    attempt("convert", lambda: pyvino.convert_model(files["onnx"]))
    attempt("read_ir", lambda: pyvino.Core().read_model(files["xml"]))
    x = np.arange(16, dtype=np.float32).reshape(8, 2)
    ref = np.fft.fft(x[:, 0] + 1j * x[:, 1])
    def run(core, model):
        y = core.compile_model(model, "CPU")(x)[0]
        assert np.allclose(y[:, 0] + 1j * y[:, 1], ref, rtol=1e-4, atol=1e-4)
    def by_module_path():
        core = pyvino.Core(); core.add_extension("pyvino_ext_fft._plugin")
        run(core, core.read_model(files["xml"]))
    def by_file():
        core = pyvino.Core(); core.add_extension(files["plugin_py"])
        run(core, core.read_model(files["onnx"]))
    def by_object():
        import pyvino_ext_fft
        model = pyvino.convert_model(files["onnx"], extension=pyvino_ext_fft.EXTENSION)
        core = pyvino.Core(); core.add_extension(pyvino_ext_fft.EXTENSION)
        run(core, model)
    for fn in (by_module_path, by_file, by_object):
        attempt(fn.__name__, fn)
    result["plugins"] = sorted(r.name for r in pyvino.Core().plugin_manager.records if r.status == "loaded")
    print(json.dumps(result))
"""


def test_installed_extension_converts_reads_and_runs(files):
    core = pyvino.Core()
    model = core.read_model(files["xml"])
    x = np.arange(16, dtype=np.float32).reshape(8, 2)
    y = core.compile_model(pyvino.convert_model(files["onnx"]), "CPU")(x)[0]
    np.testing.assert_allclose(y, core.compile_model(model, "CPU")(x)[0])


def test_without_the_extension_conversion_and_ir_fail_and_add_extension_works(files):
    result = run_python(NOT_INSTALLED.format(files=files), PYVINO_PLUGINS="cpu,opsets")
    assert "fft" not in result["plugins"] and "cpu" in result["plugins"]
    assert result["convert"].startswith("UnsupportedOpError")
    assert "com.pyvino.fft.FFT" in result["convert"]
    assert result["read_ir"].startswith("ModelReadError")
    assert "FFT" in result["read_ir"] and "extension" in result["read_ir"]
    assert result["by_module_path"] == result["by_file"] == result["by_object"] == "ok"


BROKEN_IMPORT = {
    "pyvino_ext_broken": "raise ImportError('libfftw3.so.3: cannot open shared object')"
}


def make_dist(root: Path, dist: str, modules: dict[str, str], entry_points: dict[str, str]) -> Path:
    """A minimal installed distribution: modules plus a .dist-info with pyvino entry points."""
    for name, source in modules.items():
        (root / f"{name}.py").write_text(textwrap.dedent(source))
    info = root / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[pyvino]\n{lines}\n")
    return root


def test_extension_that_fails_to_import_is_recorded_and_core_keeps_working(files, tmp_path):
    make_dist(tmp_path, "pyvino-ext-broken", BROKEN_IMPORT, {"broken": "pyvino_ext_broken"})
    result = run_python(
        f"""
        import json, numpy as np, pyvino
        core = pyvino.Core()
        record = next(r for r in core.plugin_manager.records if r.name == "broken")
        ops = pyvino.opset8
        x = ops.parameter([3], "f32", name="x")
        out = core.compile_model(pyvino.Model([ops.relu(x)], [x], "m"), "CPU")(np.array([-1, 0, 2], np.float32))[0]
        try:
            pyvino.convert_model({files["onnx"]!r})
            convert = "ok"
        except pyvino.UnsupportedOpError as exc:
            convert = str(exc)
        print(json.dumps({{"record": [record.status, record.error, record.distribution],
                          "relu": out.tolist(), "convert": convert}}))
    """,
        tmp_path,
        PYVINO_PLUGINS="cpu,opsets,broken",
    )
    assert result["record"] == [
        "failed",
        "ImportError: libfftw3.so.3: cannot open shared object",
        "pyvino-ext-broken",
    ]
    assert result["relu"] == [0.0, 0.0, 2.0]
    assert "com.pyvino.fft.FFT" in result["convert"]


def test_add_extension_of_a_missing_or_failing_module_is_a_plugin_error(tmp_path):
    core = pyvino.Core()
    with pytest.raises(pyvino.PluginError, match="no_such_extension.*ModuleNotFoundError"):
        core.add_extension("no_such_extension")
    failing = tmp_path / "failing_ext.py"
    failing.write_text("raise ImportError('boom')")
    with pytest.raises(pyvino.PluginError, match="failing_ext.py.*ImportError: boom"):
        core.add_extension(str(failing))
    assert "CPU" in core.available_devices
