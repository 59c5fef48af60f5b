"""CACHE_DIR on the GPU beyond DeviceConformance's checks: an entry only the GPU's import can
refuse, driver-cached binaries, warm-up launches on lazy drivers."""

from __future__ import annotations

import json

import numpy as np
import pytest
import pyvino
from pyvino._blob import pack_blob, pack_sections, unpack_blob, unpack_sections
from pyvino.testing import assert_refused_entry_is_rebuilt
from pyvino_gpu import _program

ops = pyvino.opset8
CONFIG = {"INFERENCE_PRECISION_HINT": "f32"}


def conv_net() -> pyvino.Model:
    rng = np.random.default_rng(11)
    x = ops.parameter([1, 3, 12, 12], "f32", name="x")
    y = ops.convolution(
        x,
        rng.standard_normal((8, 3, 3, 3)).astype(np.float32),
        strides=[1, 1],
        pads_begin=[1, 1],
        pads_end=[1, 1],
        dilations=[1, 1],
    )
    y = ops.relu(ops.add(y, rng.standard_normal((1, 8, 1, 1)).astype(np.float32)))
    y = ops.reduce_mean(y, np.array([2, 3]), keep_dims=False)
    return pyvino.Model([ops.softmax(y, axis=1)], [x], "conv_net")


def image() -> np.ndarray:
    return np.random.default_rng(2).standard_normal((1, 3, 12, 12)).astype(np.float32)


def _plan_mismatch(blob: bytes) -> bytes:
    """A blob whose checksums hold but whose plan reads a tensor that does not exist."""
    sections = unpack_sections(unpack_blob(blob, "GPU")[1])
    meta = json.loads(sections["meta"])
    meta["plan"]["launches"][0]["reads"] = [9999]
    return pack_blob("GPU", pack_sections({**sections, "meta": json.dumps(meta).encode()}))


def test_entry_its_import_refuses_is_rebuilt(core, tmp_path, monkeypatch, caplog):
    """Checksums hold but the plan reads a tensor that does not exist: refused by the GPU's
    import, not by the blob container (byte damage: DeviceConformance)."""
    config = {**CONFIG, "CACHE_DIR": str(tmp_path)}
    model = conv_net()  # one instance: rebuilt models get new node names, hence new keys
    log = assert_refused_entry_is_rebuilt(
        core, "GPU", model, [image()], config, _plan_mismatch, monkeypatch, caplog
    )
    assert "unknown tensors" in log


def test_driver_with_its_own_cache_gets_no_binary_in_the_blob(core):
    compiled = core.compile_model(conv_net(), "GPU", CONFIG)
    if not _program.driver_caches(compiled.backend.info):
        pytest.skip("the driver keeps no kernel cache of its own: blobs carry its binaries")
    want = compiled(image())[0]
    sections = unpack_sections(unpack_blob(compiled.export_model(), "GPU")[1])
    assert sections["binary.0"] == b""
    assert sections["source.0"].decode() == compiled.backend.plan.sources[0]
    imported = core.import_model(compiled.export_model(), "GPU")
    assert imported.backend.programs[0].how in ("source", "cache")
    np.testing.assert_array_equal(imported(image())[0], want)


def test_compile_and_import_launch_every_kernel_on_lazy_drivers(core, tmp_path, monkeypatch):
    """On PoCL (code generated at the first launch) compile_model and a cache hit run the plan
    once on zero inputs; the results of the real inferences do not change."""
    from pyvino_gpu._compiled import GPURequest

    warm_ups: list[list[np.ndarray]] = []
    real_infer = GPURequest.infer

    def recording(self, inputs):
        warm_ups.append([np.array(x) for x in inputs])
        return real_infer(self, inputs)

    config = {**CONFIG, "CACHE_DIR": str(tmp_path)}
    model = conv_net()
    monkeypatch.setattr(GPURequest, "infer", recording)
    first = core.compile_model(model, "GPU", config)
    hit = core.compile_model(model, "GPU", config)
    monkeypatch.setattr(GPURequest, "infer", real_infer)
    assert hit.get_property("LOADED_FROM_CACHE") is True
    lazy = _program.builds_at_first_launch(first._backend.info)
    assert len(warm_ups) == (2 if lazy else 0)
    for inputs in warm_ups:
        assert [x.shape for x in inputs] == [(1, 3, 12, 12)]
        assert not any(x.any() for x in inputs)
    reference = core.compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})(image())[0]
    for compiled in (first, hit):
        np.testing.assert_allclose(compiled(image())[0], reference, rtol=1e-5, atol=1e-6)
