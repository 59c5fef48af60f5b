"""fp16 weight compression in memory: Const f16 + decompression Convert, as OpenVINO writes."""

from __future__ import annotations

import numpy as np
from pyvino import Constant, Model, Parameter, Type
from pyvino.passes import fp16_compression


def model_with_weights(ops, weights: np.ndarray, **rt_info):
    x = Parameter(Type.f32, [1, weights.shape[1], 4, 4], "x")
    w = Constant(weights, Type.f32, "W")
    w.output(0).set_names(["W"])
    w.rt_info.update(rt_info)
    attrs = {"strides": [1, 1], "dilations": [1, 1], "pads_begin": [0, 0], "pads_end": [0, 0]}
    conv = ops("Convolution")([x, w], attrs, "conv")
    return Model([conv], [x], "m"), conv


def test_weights_become_f16_with_a_decompression_convert(ops, registry, evaluate):
    weights = (np.arange(2 * 3, dtype=np.float32).reshape(2, 3, 1, 1) - 2.5) / 4
    model, conv = model_with_weights(ops, weights)
    assert fp16_compression.run(model, registry) is True
    convert = conv.inputs[1].node
    assert convert.type_name == "Convert" and convert.friendly_name == "W"
    assert convert.rt_info == {"decompression": {}}
    assert convert.attrs["destination_type"] is Type.f32
    packed = convert.inputs[0].node
    assert isinstance(packed, Constant) and packed.friendly_name == "W_compressed"
    assert packed.get_output_element_type(0) is Type.f16
    assert packed.output(0).names == {"W"} and not convert.output(0).names
    np.testing.assert_array_equal(packed.data, weights.astype(np.float16))
    x = np.random.default_rng(3).standard_normal((1, 3, 4, 4)).astype(np.float32)
    (y,) = evaluate(model, [x])
    expected = np.einsum("nchw,oc->nohw", x.astype(np.float64), weights[:, :, 0, 0])
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)  # k/4 is exact in f16
    assert fp16_compression.run(model, registry) is False  # already compressed


def test_out_of_range_and_opted_out_weights_stay_f32(ops, registry):
    big, _ = model_with_weights(ops, np.full((2, 3, 1, 1), 7e4, np.float32))
    assert fp16_compression.run(big, registry) is False
    opted_out, conv = model_with_weights(
        ops, np.ones((2, 3, 1, 1), np.float32), disable_fp16_compression={}
    )
    assert fp16_compression.run(opted_out, registry) is False
    assert conv.inputs[1].node.get_output_element_type(0) is Type.f32


def test_infinities_do_not_block_compression(ops, registry):
    weights = np.ones((2, 3, 1, 1), np.float32)
    weights[0, 0] = np.inf
    model, conv = model_with_weights(ops, weights)
    assert fp16_compression.run(model, registry) is True
    assert np.isinf(conv.inputs[1].node.inputs[0].node.data[0, 0, 0, 0])


def test_constants_read_by_results_and_integers_are_kept(registry):
    f = Constant(np.ones(2, np.float32), Type.f32, "f")
    i = Constant(np.ones(2, np.int64), Type.i64, "i")
    model = Model([f, i], [], "m")
    assert fp16_compression.run(model, registry) is False


def test_public_alias_runs_the_pass(ops, registry):
    from pyvino.passes import compress_weights_to_fp16

    model, conv = model_with_weights(ops, np.ones((2, 3, 1, 1), np.float32))
    assert compress_weights_to_fp16(model, registry) is True
    assert conv.inputs[1].node.type_name == "Convert"
