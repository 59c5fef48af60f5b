"""CACHE_DIR on the VPU beyond DeviceConformance's checks: a hit runs none of the VPU's compile
passes and keeps its properties; an entry only the VPU's import can refuse is rebuilt."""

from __future__ import annotations

import json

import numpy as np
from pyvino._blob import pack_blob, pack_sections, unpack_blob, unpack_sections
from pyvino.testing import assert_refused_entry_is_rebuilt
from pyvino_vpu import plugin as vpu_plugin
from pyvino_vpu.plugin import VPUPlugin


def image() -> np.ndarray:
    return np.random.default_rng(7).standard_normal((1, 3, 16, 16)).astype(np.float32)


def test_second_compile_imports_the_entry_without_compiling(core, cnn, tmp_path, monkeypatch):
    config = {"CACHE_DIR": str(tmp_path)}
    model = cnn()  # one instance: rebuilt models get new node names, hence new keys
    first = core.compile_model(model, "VPU", config)
    assert first.get_property("LOADED_FROM_CACHE") is False
    want = first(image())[0]

    def no_compile_pass(*args, **kwargs):
        raise AssertionError("a cache hit must not run the VPU compile passes")

    for name in ("runtime_model", "build_plan", "pack_payload"):
        monkeypatch.setattr(vpu_plugin, name, no_compile_pass)
    monkeypatch.setattr(VPUPlugin, "_compile", no_compile_pass)
    second = core.compile_model(model, "VPU", config)
    assert second.get_property("LOADED_FROM_CACHE") is True
    np.testing.assert_array_equal(second(image())[0], want)
    assert second.get_property("VPU_SIMULATED_LATENCY_US") == first.get_property(
        "VPU_SIMULATED_LATENCY_US"
    )
    assert second.input(0).get_any_name() == "image"


def _plan_mismatch(blob: bytes) -> bytes:
    """A blob whose checksums all hold but whose plan names a step the graph lacks."""
    import hashlib

    sections = unpack_sections(unpack_blob(blob, "VPU")[1])
    plan = json.loads(sections["plan"])
    plan["steps"][0]["name"] = "no_such_node"
    sections["plan"] = json.dumps(plan).encode()
    meta = json.loads(sections["meta"])
    meta["sha256"]["plan"] = hashlib.sha256(sections["plan"]).hexdigest()
    sections["meta"] = json.dumps(meta).encode()
    return pack_blob("VPU", pack_sections(sections))


def test_entry_its_import_refuses_is_rebuilt(core, cnn, tmp_path, monkeypatch, caplog):
    """Checksums hold but the plan names a step the graph lacks: refused by the VPU's import,
    not by the blob container (byte damage: DeviceConformance)."""
    config = {"CACHE_DIR": str(tmp_path)}
    model = cnn()
    log = assert_refused_entry_is_rebuilt(
        core, "VPU", model, [image()], config, _plan_mismatch, monkeypatch, caplog
    )
    assert "does not match its graph" in log
