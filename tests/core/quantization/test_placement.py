"""Where FakeQuantize goes and with which ranges (hand-computed oracles)."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Model
from pyvino.quantization import IgnoredScope, quantize

RNG = np.random.default_rng(0)
W1 = (RNG.standard_normal((8, 3, 3, 3)) * 0.3).astype(np.float32)
W2 = (RNG.standard_normal((8, 1, 1, 3, 3)) * 0.3).astype(np.float32)
W3 = RNG.standard_normal((8, 10)).astype(np.float32)
DATA = [RNG.standard_normal((1, 3, 8, 8)).astype(np.float32) for _ in range(6)]


def cnn() -> Model:
    """conv -> relu -> depthwise conv -> relu -> global average -> fc."""
    ops = pyvino.opset15
    x = ops.parameter([1, 3, 8, 8], "f32", name="x")
    conv = dict(dilations=[1, 1], pads_begin=[1, 1], pads_end=[1, 1])
    y = ops.convolution(x, W1, strides=[1, 1], name="conv1", **conv)
    y = ops.relu(y, name="relu1")
    y = ops.group_convolution(y, W2, strides=[2, 2], name="dw", **conv)
    y = ops.relu(y, name="relu2")
    y = ops.reduce_mean(y, np.array([2, 3]), keep_dims=False, name="gap")
    y = ops.matmul(y, W3, transpose_a=False, transpose_b=False, name="fc")
    y.output(0).set_names(["logits"])
    return Model([y], [x], "cnn")


def fq_inputs(model: Model, name: str) -> dict[int, pyvino.Op]:
    node = next(n for n in model.get_ordered_ops() if n.friendly_name == name)
    return {i: s.node for i, s in enumerate(node.inputs) if s.node.type_name == "FakeQuantize"}


def limits(fq: pyvino.Op) -> tuple[np.ndarray, np.ndarray]:
    return fq.input_value(1), fq.input_value(2)


def test_every_conv_and_matmul_gets_fq_on_activations_and_weights():
    q = quantize(cnn(), DATA)
    for name in ("conv1", "dw", "fc"):
        fqs = fq_inputs(q, name)
        assert set(fqs) == {0, 1}, name
        assert fqs[0].attrs["levels"] == 256 and fqs[1].attrs["levels"] == 255
    assert sum(n.type_name == "FakeQuantize" for n in q.get_ordered_ops()) == 6
    # the original model is left alone
    assert not any(n.type_name == "FakeQuantize" for n in cnn().get_ordered_ops())


def test_weights_are_per_output_channel_symmetric_and_stored_as_int8():
    q = quantize(cnn(), DATA)
    for name, w, axes in (("conv1", W1, (1, 2, 3)), ("dw", W2, (2, 3, 4)), ("fc", W3, (0,))):
        fq = fq_inputs(q, name)[1]
        low, high = limits(fq)
        s = np.abs(w).max(axis=axes, keepdims=True)
        np.testing.assert_allclose(high, s, rtol=1e-6)
        np.testing.assert_allclose(low, -s, rtol=1e-6)
        multiply = fq.inputs[0].node
        convert = multiply.inputs[0].node
        stored = convert.inputs[0].node
        assert (multiply.type_name, convert.type_name) == ("Multiply", "Convert")
        assert stored.get_output_element_type(0).name == "i8"
        np.testing.assert_array_equal(stored.data, np.rint(w / s * 127).astype(np.int8))
        assert "decompression" in convert.rt_info


def test_activation_ranges_follow_the_preset():
    data_max = max(float(np.abs(d).max()) for d in DATA)
    low, high = limits(fq_inputs(quantize(cnn(), DATA), "conv1")[0])
    assert float(high) == pytest.approx(data_max, rel=1e-6)
    assert float(low) == pytest.approx(-data_max * 128 / 127, rel=1e-6)
    lo, hi = min(float(d.min()) for d in DATA), max(float(d.max()) for d in DATA)
    low, high = limits(fq_inputs(quantize(cnn(), DATA, preset="mixed"), "conv1")[0])
    step = (hi - lo) / 255
    assert float(low) == pytest.approx(-round(-lo / step) * step, rel=1e-5)
    assert float(high - low) == pytest.approx(hi - lo, rel=1e-5)
    # after ReLU the symmetric preset uses the unsigned range [0, max]
    low, _ = limits(fq_inputs(quantize(cnn(), DATA), "dw")[0])
    assert float(low) == 0.0


def test_percentile_estimator_averages_per_sample_percentiles():
    q = quantize(cnn(), DATA, range_estimator="percentile", percentile=99.0, preset="mixed")
    low, high = limits(fq_inputs(q, "conv1")[0])
    expected_hi = np.mean([np.percentile(d, 99.0) for d in DATA])
    expected_lo = np.mean([np.percentile(d, 1.0) for d in DATA])
    assert float(high - low) == pytest.approx(expected_hi - expected_lo, rel=1e-4)


def test_ignored_scope_by_name_type_and_pattern():
    q = quantize(cnn(), DATA, ignored_scope=IgnoredScope(names=("fc",)))
    assert fq_inputs(q, "fc") == {} and set(fq_inputs(q, "conv1")) == {0, 1}
    assert q.get_rt_info(["quantization_parameters", "ignored_scope"]) == "fc"
    q = quantize(cnn(), DATA, ignored_scope={"types": ["GroupConvolution"]})
    assert fq_inputs(q, "dw") == {} and set(fq_inputs(q, "fc")) == {0, 1}
    q = quantize(cnn(), DATA, ignored_scope=IgnoredScope(patterns=("conv.*", "d.")))
    assert fq_inputs(q, "conv1") == {} and fq_inputs(q, "dw") == {}


def test_matmul_of_two_activations_quantizes_both_inputs():
    ops = pyvino.opset15
    a = ops.parameter([2, 4], "f32", name="a")
    b = ops.parameter([4, 3], "f32", name="b")
    y = ops.matmul(a, b, transpose_a=False, transpose_b=False, name="mm")
    data = [{"a": RNG.standard_normal((2, 4)), "b": RNG.standard_normal((4, 3))} for _ in range(3)]
    q = quantize(Model([y], [a, b], "mm"), data)
    fqs = fq_inputs(q, "mm")
    assert set(fqs) == {0, 1} and all(f.attrs["levels"] == 256 for f in fqs.values())


def test_bad_arguments_are_reported():
    with pytest.raises(pyvino.PyvinoError, match="preset"):
        quantize(cnn(), DATA, preset="fast")
    with pytest.raises(pyvino.PyvinoError, match="range estimator"):
        quantize(cnn(), DATA, range_estimator="kl_divergence")
    with pytest.raises(pyvino.PyvinoError, match="empty"):
        quantize(cnn(), [])
