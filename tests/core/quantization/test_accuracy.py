"""Quantized models on CPU: exact fake-quant arithmetic, top-1 agreement, 4x smaller IR."""

from __future__ import annotations

import numpy as np
import pyvino
from pyvino import Core, Model
from pyvino.quantization import Dataset, compare_models, quantize

RNG = np.random.default_rng(1)


def fake_quant(x: np.ndarray, lo: float, hi: float, levels: int) -> np.ndarray:
    q = np.round((np.clip(x, lo, hi) - lo) / (hi - lo) * (levels - 1))
    return q / (levels - 1) * (hi - lo) + lo


def test_mlp_matches_a_numpy_simulation_of_int8():
    w1 = RNG.standard_normal((16, 32)).astype(np.float32)
    w2 = RNG.standard_normal((32, 5)).astype(np.float32)
    ops = pyvino.opset15
    x = ops.parameter([4, 16], "f32", name="x")
    h = ops.relu(ops.matmul(x, w1, transpose_a=False, transpose_b=False, name="fc1"))
    y = ops.matmul(h, w2, transpose_a=False, transpose_b=False, name="fc2")
    model = Model([y], [x], "mlp")
    data = [RNG.standard_normal((4, 16)).astype(np.float32) for _ in range(8)]
    quantized = quantize(model, Dataset(data, lambda a: {"x": a}))

    m = max(float(np.abs(d).max()) for d in data)
    h_max = max(float(np.maximum(d @ w1, 0).max()) for d in data)

    def weights(w: np.ndarray) -> np.ndarray:
        s = np.abs(w).max(axis=0, keepdims=True)
        return np.rint(w / s * 127) * s / 127

    sample = RNG.standard_normal((4, 16)).astype(np.float32)
    hq = np.maximum(fake_quant(sample, -m * 128 / 127, m, 256) @ weights(w1), 0)
    expected = fake_quant(hq, 0.0, h_max, 256) @ weights(w2)
    out = Core().compile_model(quantized, "CPU")(sample)[0]
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def cnn(channels: int = 32, classes: int = 10, seed: int = 2) -> Model:
    rng = np.random.default_rng(seed)
    ops = pyvino.opset15
    x = ops.parameter([1, 3, 16, 16], "f32", name="x")
    conv = dict(dilations=[1, 1], pads_begin=[1, 1], pads_end=[1, 1])
    w1 = (rng.standard_normal((channels, 3, 3, 3)) / np.sqrt(27)).astype(np.float32)
    w2 = rng.standard_normal((channels, channels, 3, 3)) / np.sqrt(9 * channels)
    y = ops.relu(ops.convolution(x, w1, strides=[1, 1], **conv))
    y = ops.relu(ops.convolution(y, w2.astype(np.float32), strides=[2, 2], **conv))
    y = ops.reduce_mean(y, np.array([2, 3]), keep_dims=False)
    w3 = rng.standard_normal((channels, classes)).astype(np.float32)
    return Model([ops.matmul(y, w3, transpose_a=False, transpose_b=False)], [x], "cnn")


def test_small_cnn_keeps_top1_agreement_and_shrinks_4x():
    model = cnn(channels=64, classes=100)
    rng = np.random.default_rng(3)
    data = [rng.standard_normal((1, 3, 16, 16)).astype(np.float32) for _ in range(40)]
    quantized = quantize(model, data[:16], progress=False)
    report = compare_models(model, quantized, ([d] for d in data[16:]))
    assert report.samples == 24
    assert report.top1_agreement >= 0.9, report.summary()
    assert (report.activation_fq, report.weight_fq) == (3, 3)
    assert report.size_ratio > 3.6, report.summary()


def test_quantized_ir_round_trips_and_runs(tmp_path):
    model = cnn()
    data = [RNG.standard_normal((1, 3, 16, 16)).astype(np.float32) for _ in range(4)]
    quantized = quantize(model, data)
    pyvino.save_model(quantized, tmp_path / "q.xml", compress_to_fp16=False)
    core = Core()
    loaded = core.read_model(tmp_path / "q.xml")
    assert sum(n.type_name == "FakeQuantize" for n in loaded.get_ordered_ops()) == 6
    x = data[0]
    np.testing.assert_allclose(
        core.compile_model(loaded, "CPU")(x)[0],
        core.compile_model(quantized, "CPU")(x)[0],
        rtol=1e-6,
    )
