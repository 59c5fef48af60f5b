"""CACHE_DIR: hits report LOADED_FROM_CACHE; bad entries are rebuilt; parallel writers are safe."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
from pyvino import Core
from pyvino.testing import conformance_models


def _blobs(path):
    return sorted(p for p in path.iterdir() if p.suffix == ".blob")


def test_second_compile_loads_from_cache(tmp_path):
    core = Core()
    core.set_property({"CACHE_DIR": str(tmp_path)})
    model = conformance_models()["cnn"]()
    first = core.compile_model(model, "CPU")
    assert first.get_property("LOADED_FROM_CACHE") is False
    assert len(_blobs(tmp_path)) == 1
    second = core.compile_model(model, "CPU")
    assert second.get_property("LOADED_FROM_CACHE") is True
    x = np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32)
    np.testing.assert_array_equal(first(x)[0], second(x)[0])


def test_different_properties_use_different_entries(tmp_path):
    core = Core()
    model = conformance_models()["cnn"]()
    core.compile_model(model, "CPU", {"CACHE_DIR": str(tmp_path)})
    core.compile_model(model, "CPU", {"CACHE_DIR": str(tmp_path), "PERFORMANCE_HINT": "THROUGHPUT"})
    assert len(_blobs(tmp_path)) == 2


def test_corrupted_and_truncated_entries_are_rebuilt(tmp_path):
    core = Core()
    model = conformance_models()["cnn"]()
    cfg = {"CACHE_DIR": str(tmp_path)}
    core.compile_model(model, "CPU", cfg)
    (entry,) = _blobs(tmp_path)
    good = entry.read_bytes()
    for damaged in (good[:100], good[:-10] + b"\x00" * 10, b"garbage"):
        entry.write_bytes(damaged)
        compiled = core.compile_model(model, "CPU", cfg)
        assert compiled.get_property("LOADED_FROM_CACHE") is False
        assert entry.read_bytes() == good
        assert core.compile_model(model, "CPU", cfg).get_property("LOADED_FROM_CACHE") is True


def test_concurrent_processes_write_one_valid_entry(tmp_path):
    import pyvino

    xml = tmp_path / "model" / "cnn.xml"
    xml.parent.mkdir()
    pyvino.save_model(conformance_models()["cnn"](), xml)
    cache = tmp_path / "cache"
    code = textwrap.dedent(f"""
        from pyvino import Core
        Core().compile_model({str(xml)!r}, "CPU", {{"CACHE_DIR": {str(cache)!r}}})
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(3)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    assert len(_blobs(cache)) == 1
    assert not [p for p in cache.iterdir() if p.suffix == ".tmp"]
    compiled = Core().compile_model(str(xml), "CPU", {"CACHE_DIR": str(cache)})
    assert compiled.get_property("LOADED_FROM_CACHE") is True


# ---------------------------------------------------------------- model files: content keys
def _add_model_onnx(path, weights, external: str | None = None):
    """``y = x + w`` saved as ONNX; with ``external``, ``w`` lives in that data file."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])],
        "add_weights",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(weights.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(weights.shape))],
        [numpy_helper.from_array(weights, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    if external:
        onnx.save_model(
            model, str(path), save_as_external_data=True, location=external, size_threshold=0
        )
    else:
        onnx.save_model(model, str(path))
    return path


def _forbid_read_model(monkeypatch):
    def fail(self, *args, **kwargs):
        raise AssertionError("a cache hit from a model file must not read the model")

    monkeypatch.setattr(Core, "read_model", fail)


def _weights(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((2, 3)).astype(np.float32)


def test_hit_from_an_ir_path_does_not_read_the_model(tmp_path, monkeypatch):
    import pyvino

    xml = tmp_path / "cnn.xml"
    pyvino.save_model(conformance_models()["cnn"](), xml)
    cfg = {"CACHE_DIR": str(tmp_path / "cache")}
    x = np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32)
    want = Core().compile_model(str(xml), "CPU", cfg)(x)[0]
    _forbid_read_model(monkeypatch)
    hit = Core().compile_model(xml, "CPU", cfg)  # a PathLike keys the same as the string
    assert hit.get_property("LOADED_FROM_CACHE") is True
    np.testing.assert_array_equal(hit(x)[0], want)


def test_hit_from_an_onnx_path_does_not_read_the_model(tmp_path, monkeypatch):
    w = _weights(1)
    onnx_path = _add_model_onnx(tmp_path / "add.onnx", w)
    cfg = {"CACHE_DIR": str(tmp_path / "cache")}
    assert (
        Core().compile_model(str(onnx_path), "CPU", cfg).get_property("LOADED_FROM_CACHE") is False
    )
    _forbid_read_model(monkeypatch)
    hit = Core().compile_model(str(onnx_path), "CPU", cfg)
    assert hit.get_property("LOADED_FROM_CACHE") is True
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(hit(x)[0], x + w)


def test_changing_the_ir_weights_file_misses(tmp_path):
    import pyvino

    xml = tmp_path / "cnn.xml"
    pyvino.save_model(conformance_models()["cnn"](), xml)
    cfg = {"CACHE_DIR": str(tmp_path / "cache")}
    Core().compile_model(str(xml), "CPU", cfg)
    weights = bytearray(xml.with_suffix(".bin").read_bytes())
    weights[-4:] = np.float32(123.0).tobytes()  # the last weight, same size
    xml.with_suffix(".bin").write_bytes(bytes(weights))
    again = Core().compile_model(str(xml), "CPU", cfg)
    assert again.get_property("LOADED_FROM_CACHE") is False
    assert len(_blobs(tmp_path / "cache")) == 2


def test_changing_the_onnx_file_misses_and_compiles_the_new_model(tmp_path):
    onnx_path = tmp_path / "add.onnx"
    cfg = {"CACHE_DIR": str(tmp_path / "cache")}
    x = np.zeros((2, 3), np.float32)
    _add_model_onnx(onnx_path, _weights(1))
    Core().compile_model(str(onnx_path), "CPU", cfg)
    _add_model_onnx(onnx_path, _weights(2))
    changed = Core().compile_model(str(onnx_path), "CPU", cfg)
    assert changed.get_property("LOADED_FROM_CACHE") is False
    np.testing.assert_array_equal(changed(x)[0], _weights(2))


def test_changing_an_external_data_file_misses(tmp_path):
    onnx_path = _add_model_onnx(tmp_path / "add.onnx", _weights(1), external="add.weights")
    data = tmp_path / "add.weights"
    cfg = {"CACHE_DIR": str(tmp_path / "cache")}
    x = np.zeros((2, 3), np.float32)
    first = Core().compile_model(str(onnx_path), "CPU", cfg)
    np.testing.assert_array_equal(first(x)[0], _weights(1))
    data.write_bytes(_weights(3).tobytes())  # the model file itself is unchanged
    changed = Core().compile_model(str(onnx_path), "CPU", cfg)
    assert changed.get_property("LOADED_FROM_CACHE") is False
    np.testing.assert_array_equal(changed(x)[0], _weights(3))
    again = Core().compile_model(str(onnx_path), "CPU", cfg)
    assert again.get_property("LOADED_FROM_CACHE") is True


def test_an_identical_copy_at_another_path_hits(tmp_path, monkeypatch):
    import shutil

    first_dir, copy_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    _add_model_onnx(first_dir / "add.onnx", _weights(1), external="add.weights")
    shutil.copytree(first_dir, copy_dir)
    cfg = {"CACHE_DIR": str(tmp_path / "cache")}
    Core().compile_model(str(first_dir / "add.onnx"), "CPU", cfg)
    _forbid_read_model(monkeypatch)
    copy = Core().compile_model(str(copy_dir / "add.onnx"), "CPU", cfg)
    assert copy.get_property("LOADED_FROM_CACHE") is True
    assert len(_blobs(tmp_path / "cache")) == 1


def test_model_objects_and_paths_both_hit(tmp_path):
    onnx_path = _add_model_onnx(tmp_path / "add.onnx", _weights(1))
    cfg = {"CACHE_DIR": str(tmp_path / "cache")}
    core = Core()
    model = core.read_model(str(onnx_path))
    for source in (model, str(onnx_path)):
        assert core.compile_model(source, "CPU", cfg).get_property("LOADED_FROM_CACHE") is False
        assert core.compile_model(source, "CPU", cfg).get_property("LOADED_FROM_CACHE") is True
    assert len(_blobs(tmp_path / "cache")) == 2  # one entry per kind of key


def test_a_missing_model_file_is_a_typed_error_with_cache_dir(tmp_path):
    import pytest
    from pyvino import PyvinoError

    with pytest.raises(PyvinoError, match="missing.onnx"):
        Core().compile_model(
            str(tmp_path / "missing.onnx"), "CPU", {"CACHE_DIR": str(tmp_path / "cache")}
        )


def test_the_collector_is_paused_during_an_import_and_restored(tmp_path, monkeypatch):
    import gc

    import pytest
    from pyvino.runtime import _cache

    seen = []
    plugin = Core()._resolve("CPU")[0]
    real_import = type(plugin).import_model

    def spying(self, payload, config):
        seen.append(gc.isenabled())
        return real_import(self, payload, config)

    monkeypatch.setattr(type(plugin), "import_model", spying)
    cfg = {"CACHE_DIR": str(tmp_path / "cache")}
    model = conformance_models()["cnn"]()
    Core().compile_model(model, "CPU", cfg)
    assert Core().compile_model(model, "CPU", cfg).get_property("LOADED_FROM_CACHE") is True
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(ValueError), _cache.collector_paused():
            raise ValueError("an import failing")
        assert not gc.isenabled()  # was off before: stays off
    finally:
        gc.enable()
    with pytest.raises(ValueError), _cache.collector_paused():
        raise ValueError("an import failing")
    assert gc.isenabled()
