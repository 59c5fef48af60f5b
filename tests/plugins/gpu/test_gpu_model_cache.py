"""CACHE_DIR on the GPU: a hit imports the blob without compiling; broken entries are rebuilt."""

from __future__ import annotations

import json

import numpy as np
import pytest
import pyvino
from pyvino._blob import pack_blob, pack_sections, unpack_blob, unpack_sections
from pyvino_gpu import _program
from pyvino_gpu.plugin import GPUPlugin

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


def the_entry(cache_dir):
    (entry,) = [p for p in cache_dir.iterdir() if p.suffix == ".blob"]
    return entry


@pytest.fixture
def compile_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the models GPUPlugin._compile ran for (it still compiles)."""
    calls: list[str] = []
    real = GPUPlugin._compile

    def counting(self, model, config):
        calls.append(model.friendly_name)
        return real(self, model, config)

    monkeypatch.setattr(GPUPlugin, "_compile", counting)
    return calls


def test_second_compile_imports_the_entry_without_compiling(core, tmp_path, monkeypatch):
    config = {**CONFIG, "CACHE_DIR": str(tmp_path)}
    model = conv_net()  # one instance: rebuilt models get new node names, hence new keys
    first = core.compile_model(model, "GPU", config)
    assert first.get_property("LOADED_FROM_CACHE") is False
    want = first(image())[0]

    def no_compile(self, model, config):
        raise AssertionError("a cache hit must not compile")

    monkeypatch.setattr(GPUPlugin, "_compile", no_compile)
    second = core.compile_model(model, "GPU", config)
    assert second.get_property("LOADED_FROM_CACHE") is True
    np.testing.assert_array_equal(second(image())[0], want)
    assert second.input(0).get_any_name() == "x"


def _plan_mismatch(blob: bytes) -> bytes:
    """A blob whose checksums hold but whose plan reads a tensor that does not exist."""
    sections = unpack_sections(unpack_blob(blob, "GPU")[1])
    meta = json.loads(sections["meta"])
    meta["plan"]["launches"][0]["reads"] = [9999]
    return pack_blob("GPU", pack_sections({**sections, "meta": json.dumps(meta).encode()}))


def test_entry_its_import_refuses_is_rebuilt(core, tmp_path, compile_calls, caplog):
    config = {**CONFIG, "CACHE_DIR": str(tmp_path)}
    model = conv_net()
    want = core.compile_model(model, "GPU", config)(image())[0]
    entry = the_entry(tmp_path)
    good = entry.read_bytes()
    entry.write_bytes(_plan_mismatch(good))  # (damaged bytes: DeviceConformance)

    with caplog.at_level("WARNING", logger="pyvino.cache"):
        rebuilt = core.compile_model(model, "GPU", config)
    assert rebuilt.get_property("LOADED_FROM_CACHE") is False
    # refused by the plugin's import: the blob's checksums hold
    assert "unknown tensors" in caplog.text
    assert compile_calls == ["conv_net", "conv_net"]
    np.testing.assert_array_equal(rebuilt(image())[0], want)
    assert the_entry(tmp_path).read_bytes() == good  # a good entry is written again
    again = core.compile_model(model, "GPU", config)
    assert again.get_property("LOADED_FROM_CACHE") is True
    assert len(compile_calls) == 2
    np.testing.assert_array_equal(again(image())[0], want)


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
