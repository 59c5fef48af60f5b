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
