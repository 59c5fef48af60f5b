"""Export/import round trip, the binary fallback, the disk program cache across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import pyvino
from pyvino._blob import pack_blob, pack_sections, unpack_blob, unpack_sections

ops = pyvino.opset8


def small_model() -> pyvino.Model:
    rng = np.random.default_rng(3)
    x = ops.parameter([1, 4, 9, 9], "f32", name="x")
    y = ops.convolution(x, rng.standard_normal((6, 4, 3, 3)).astype(np.float32),
                        strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1])
    y = ops.relu(ops.add(y, rng.standard_normal((1, 6, 1, 1)).astype(np.float32)))
    y = ops.reduce_mean(y, np.array([2, 3]), keep_dims=False)
    return pyvino.Model([ops.softmax(y, axis=1)], [x], "small")


def test_export_import_round_trip(core, monkeypatch) -> None:
    monkeypatch.setenv("POCL_KERNEL_CACHE", "0")  # on PoCL, export its binary too
    compiled = core.compile_model(small_model(), "GPU", {"INFERENCE_PRECISION_HINT": "f32"})
    x = np.random.default_rng(0).standard_normal((1, 4, 9, 9)).astype(np.float32)
    want = compiled(x)[0]
    blob = compiled.export_model()
    header, payload = unpack_blob(blob, "GPU")
    sections = unpack_sections(payload)
    meta = json.loads(sections["meta"])
    assert meta["format"] == 1 and meta["programs"] == 1
    assert {"source.0", "binary.0", "constants"} <= set(sections)
    imported = core.import_model(blob, "GPU")
    assert imported.backend.programs[0].how == "binary"
    np.testing.assert_array_equal(imported(x)[0], want)
    assert imported.input(0).get_any_name() == "x"
    assert imported.get_property("INFERENCE_PRECISION_HINT") == pyvino.Type.f32


def test_rejected_binary_falls_back_to_source(core) -> None:
    compiled = core.compile_model(small_model(), "GPU", {"INFERENCE_PRECISION_HINT": "f32"})
    x = np.ones((1, 4, 9, 9), np.float32)
    sections = unpack_sections(unpack_blob(compiled.export_model(), "GPU")[1])
    sections["binary.0"] = b"\x7fELF not a program binary"
    imported = core.import_model(pack_blob("GPU", pack_sections(sections)), "GPU")
    assert imported.backend.programs[0].how in ("source", "cache")
    np.testing.assert_allclose(imported(x)[0], compiled(x)[0], rtol=1e-6)


def test_corrupted_blob_is_a_format_error(core) -> None:
    compiled = core.compile_model(small_model(), "GPU", {"INFERENCE_PRECISION_HINT": "f32"})
    sections = unpack_sections(unpack_blob(compiled.export_model(), "GPU")[1])
    meta = json.loads(sections["meta"])
    meta["plan"]["launches"][0]["reads"] = [9999]
    sections["meta"] = json.dumps(meta).encode()
    with pytest.raises(pyvino.BlobFormatError, match="unknown tensors"):
        core.import_model(pack_blob("GPU", pack_sections(sections)), "GPU")
    del sections["source.0"]
    with pytest.raises(pyvino.BlobFormatError, match="source.0"):
        core.import_model(pack_blob("GPU", pack_sections(sections)), "GPU")


_TIMED = """
    import json, time
    t0 = time.perf_counter()
    import numpy as np, pyvino
    from pyvino import zoo  # noqa: F401  (same imports in both runs)
    ops = pyvino.opset8
    rng = np.random.default_rng(5)
    x = p = ops.parameter([1, 8, 16, 16], "f32", name="x")
    w = rng.standard_normal((8, 8, 3, 3)).astype(np.float32) * 0.1
    x = ops.relu(ops.convolution(x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1],
                                 dilations=[1, 1]))
    model = pyvino.Model([ops.softmax(ops.reduce_mean(x, np.array([2, 3]), keep_dims=False),
                                      axis=1)], [p], "cached")
    core = pyvino.Core()
    t1 = time.perf_counter()
    compiled = core.compile_model(model, "GPU", {"INFERENCE_PRECISION_HINT": "f32"})
    out = compiled(np.ones((1, 8, 16, 16), np.float32))[0]
    t2 = time.perf_counter()
    print(json.dumps({"how": compiled.backend.programs[0].how, "seconds": t2 - t1,
                      "sum": float(out.sum())}))
"""


def test_program_cache_hit_in_a_second_process(tmp_path) -> None:
    """Compile + first inference: a source build (and lazy kernel codegen) in the first process,
    the cached binary in the second. PoCL's own kernel cache is off so ours is measured."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "POCL_KERNEL_CACHE": "0",
           "PYVINO_GPU_ANY_OPENCL": "1"}
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", textwrap.dedent(_TIMED)], env=env,
                             capture_output=True, text=True, timeout=300, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    cold, warm = runs
    print(f"program cache: cold {cold['seconds']:.2f}s ({cold['how']}), "
          f"warm {warm['seconds']:.2f}s ({warm['how']})")
    assert (cold["how"], warm["how"]) == ("source", "cache")
    assert warm["sum"] == pytest.approx(cold["sum"], rel=1e-6)
    assert list((tmp_path / "pyvino" / "gpu").glob("*.bin"))
    assert warm["seconds"] < cold["seconds"] / 3
