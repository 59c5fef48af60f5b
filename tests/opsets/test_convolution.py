"""Convolution family against onnx.reference (Conv / ConvTranspose) and hand-written loops."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino_opsets.convolution import (
    Convolution1,
    ConvolutionBackpropData1,
    GroupConvolution1,
    GroupConvolutionBackpropData1,
)

rng = np.random.default_rng(0)


def rand(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape).astype(np.float32)


def conv_attrs(n: int, strides=None, dilations=None, pb=None, pe=None, auto_pad="explicit"):
    return {
        "strides": strides or [1] * n,
        "dilations": dilations or [1] * n,
        "pads_begin": pb or [0] * n,
        "pads_end": pe or [0] * n,
        "auto_pad": auto_pad,
    }


def build(cls, arrays, attrs):
    inputs = [pyvino.Parameter("f32", a.shape) for a in arrays[:2]] + [
        pyvino.Constant(a) for a in arrays[2:]
    ]
    return cls(inputs, attrs)


@pytest.mark.parametrize(
    "x_shape, w_shape, strides, dilations, pb, pe",
    [
        ((1, 3, 9, 9), (4, 3, 3, 3), [1, 1], [1, 1], [1, 1], [1, 1]),
        ((2, 3, 10, 11), (5, 3, 3, 2), [2, 3], [1, 1], [0, 1], [2, 0]),
        ((1, 2, 12, 12), (3, 2, 3, 3), [1, 2], [2, 3], [2, 1], [1, 2]),
        ((1, 4, 7, 7), (8, 4, 1, 1), [2, 2], [1, 1], [0, 0], [0, 0]),
        ((2, 3, 13), (4, 3, 4), [3], [2], [1], [2]),
        ((1, 2, 5, 6, 7), (3, 2, 2, 3, 2), [1, 2, 1], [1, 1, 2], [1, 0, 1], [0, 1, 1]),
    ],
)
def test_convolution_matches_onnx_conv(onnx_ref, x_shape, w_shape, strides, dilations, pb, pe):
    x, w = rand(*x_shape), rand(*w_shape)
    node = build(Convolution1, [x, w], conv_attrs(len(strides), strides, dilations, pb, pe))
    (want,) = onnx_ref("Conv", [x, w], strides=strides, dilations=dilations, pads=pb + pe)
    (got,) = node.evaluate(x, w)
    assert node.get_output_partial_shape(0).to_shape() == want.shape
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("auto_pad", ["same_upper", "same_lower", "valid"])
@pytest.mark.parametrize("strides", [[1, 1], [2, 3]])
def test_convolution_auto_pad_matches_onnx(onnx_ref, auto_pad, strides):
    x, w = rand(1, 2, 10, 9), rand(3, 2, 4, 3)
    attrs = conv_attrs(2, strides, [1, 1], [7, 7], [7, 7], auto_pad)  # pads are ignored
    node = build(Convolution1, [x, w], attrs)
    (want,) = onnx_ref("Conv", [x, w], strides=strides, auto_pad=auto_pad.upper())
    (got,) = node.evaluate(x, w)
    assert node.get_output_partial_shape(0).to_shape() == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_convolution_explicit_loops_integer():
    x = rng.integers(-5, 5, (1, 2, 5, 5)).astype(np.int32)
    w = rng.integers(-3, 3, (2, 2, 2, 2)).astype(np.int32)
    node = Convolution1(
        [pyvino.Parameter("i32", x.shape), pyvino.Parameter("i32", w.shape)],
        conv_attrs(2, [2, 1], [1, 2], [1, 0], [0, 1]),
    )
    out = node.get_output_partial_shape(0).to_shape()
    xp = np.pad(x, [(0, 0), (0, 0), (1, 0), (0, 1)])
    want = np.zeros(out, np.int32)
    for o in range(out[1]):
        for i in range(out[2]):
            for j in range(out[3]):
                for c in range(2):
                    for ki in range(2):
                        for kj in range(2):
                            want[0, o, i, j] += xp[0, c, 2 * i + ki, j + 2 * kj] * w[o, c, ki, kj]
    (got,) = node.evaluate(x, w)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    "groups, c_in, c_out, strides, pads",
    [(2, 4, 6, [1, 1], [1, 1]), (3, 3, 3, [2, 2], [1, 0]), (4, 4, 8, [1, 2], [0, 2])],
)
def test_group_convolution_matches_onnx(onnx_ref, groups, c_in, c_out, strides, pads):
    x = rand(2, c_in, 8, 9)
    w = rand(groups, c_out // groups, c_in // groups, 3, 3)
    node = build(GroupConvolution1, [x, w], conv_attrs(2, strides, [1, 1], pads, pads[::-1]))
    (want,) = onnx_ref(
        "Conv",
        [x, w.reshape(c_out, c_in // groups, 3, 3)],
        group=groups,
        strides=strides,
        pads=pads + pads[::-1],
    )
    (got,) = node.evaluate(x, w)
    assert node.get_output_partial_shape(0).to_shape() == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "x_shape, w_shape, strides, dilations, pb, pe, out_pad",
    [
        ((1, 3, 5, 5), (3, 4, 3, 3), [2, 2], [1, 1], [1, 1], [1, 1], [1, 1]),
        ((2, 2, 4, 6), (2, 3, 2, 3), [1, 2], [2, 1], [0, 1], [1, 0], [0, 1]),
        ((1, 2, 7), (2, 2, 4), [3], [1], [2], [0], [2]),
    ],
)
def test_backprop_data_matches_onnx_conv_transpose(
    onnx_ref, x_shape, w_shape, strides, dilations, pb, pe, out_pad
):
    x, w = rand(*x_shape), rand(*w_shape)
    attrs = conv_attrs(len(strides), strides, dilations, pb, pe) | {"output_padding": out_pad}
    node = build(ConvolutionBackpropData1, [x, w], attrs)
    (want,) = onnx_ref(
        "ConvTranspose",
        [x, w],
        strides=strides,
        dilations=dilations,
        pads=pb + pe,
        output_padding=out_pad,
    )
    (got,) = node.evaluate(x, w)
    assert node.get_output_partial_shape(0).to_shape() == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_group_backprop_data_matches_onnx_grouped(onnx_ref):
    x, w = rand(2, 4, 5, 4), rand(2, 2, 3, 3, 3)  # G=2, C_IN/G=2, C_OUT/G=3
    node = build(
        GroupConvolutionBackpropData1, [x, w], conv_attrs(2, [2, 1], [1, 1], [1, 0], [0, 1])
    )
    # onnx.reference's grouped ConvTranspose slices W on the wrong axis: run each group alone.
    want = np.concatenate(
        [
            onnx_ref(
                "ConvTranspose", [x[:, 2 * g : 2 * g + 2], w[g]], strides=[2, 1], pads=[1, 0, 0, 1]
            )[0]
            for g in range(2)
        ],
        axis=1,
    )
    (got,) = node.evaluate(x, w)
    assert node.get_output_partial_shape(0).to_shape() == (2, 6) + want.shape[2:]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def full_transposed(onnx_ref, x, w, strides):
    (full,) = onnx_ref("ConvTranspose", [x, w], strides=strides)
    return full


def test_backprop_output_shape_input_explicit_pads(onnx_ref):
    # OpenVINO keeps pads_begin as the crop start and zero-fills beyond the full result.
    x, w = rand(1, 2, 4, 4), rand(2, 3, 3, 3)
    full = full_transposed(onnx_ref, x, w, [2, 2])  # 9x9
    node = build(
        ConvolutionBackpropData1,
        [x, w, np.array([7, 10], np.int64)],
        conv_attrs(2, [2, 2], None, [1, 2], [0, 0]),
    )
    assert node.get_output_partial_shape(0) == pyvino.PartialShape([1, 3, 7, 10])
    want = np.zeros((1, 3, 7, 10), np.float32)
    want[:, :, :7, :7] = full[:, :, 1:8, 2:9]
    (got,) = node.evaluate(x, w, np.array([7, 10], np.int64))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("auto_pad", ["same_upper", "same_lower"])
def test_backprop_output_shape_input_same_padding(onnx_ref, auto_pad):
    x, w = rand(1, 2, 4, 4), rand(2, 3, 3, 3)
    full = full_transposed(onnx_ref, x, w, [2, 2])  # 9x9, 8x8 requested: total padding 1
    node = build(
        ConvolutionBackpropData1,
        [x, w, np.array([8, 8], np.int64)],
        conv_attrs(2, [2, 2], auto_pad=auto_pad),
    )
    (got,) = node.evaluate(x, w, np.array([8, 8], np.int64))
    begin = 1 if auto_pad == "same_upper" else 0  # OpenVINO: same_upper puts the odd pad first
    np.testing.assert_allclose(
        got, full[:, :, begin : begin + 8, begin : begin + 8], rtol=1e-4, atol=1e-4
    )


def test_shape_inference_dynamic_and_intervals():
    x = pyvino.Parameter("f32", "[?,3,1..20,?]")
    w = pyvino.Parameter("f32", [8, 3, 3, 3])
    node = Convolution1([x, w], conv_attrs(2, [2, 2], None, [1, 1], [1, 1]))
    assert str(node.get_output_partial_shape(0)) == "[?,8,1..10,?]"
    same = Convolution1([x, w], conv_attrs(2, [2, 2], auto_pad="same_upper"))
    assert str(same.get_output_partial_shape(0)) == "[?,8,1..10,?]"
    dyn = Convolution1([pyvino.Parameter("f32", "..."), w], conv_attrs(2))
    assert str(dyn.get_output_partial_shape(0)) == "[?,8,?,?]"
    g = GroupConvolution1([x, pyvino.Parameter("f32", [3, 2, 1, 3, 3])], conv_attrs(2))
    assert str(g.get_output_partial_shape(0)) == "[?,6,..18,?]"
    b = ConvolutionBackpropData1([x, pyvino.Parameter("f32", [3, 5, 3, 3])], conv_attrs(2, [2, 2]))
    assert str(b.get_output_partial_shape(0)) == "[?,5,3..41,?]"
    out_shape = pyvino.Parameter("i64", [2])
    b2 = ConvolutionBackpropData1(
        [x, pyvino.Parameter("f32", [3, 5, 3, 3]), out_shape], conv_attrs(2)
    )
    assert str(b2.get_output_partial_shape(0)) == "[?,5,?,?]"


@pytest.mark.parametrize(
    "x_shape, w_shape, attrs, message",
    [
        ((1, 3, 8, 8), (4, 2, 3, 3), {}, "channels"),
        ((1, 3, 8, 8), (4, 3, 3, 3), {"strides": [1]}, "'strides' has 1 values, expected 2"),
        ((1, 3, 8), (4, 3, 3, 3), {}, "filter input has rank 4, expected 3"),
        ((1, 3, 2, 2), (4, 3, 3, 3), {}, "larger than padded input"),
        ((1, 3, 8, 8), (4, 3, 3, 3), {"strides": [0, 1], "dilations": [1, 1]}, "positive"),
    ],
)
def test_convolution_validation_errors(x_shape, w_shape, attrs, message):
    with pytest.raises(pyvino.OpValidationError, match=message):
        Convolution1(
            [pyvino.Parameter("f32", x_shape), pyvino.Parameter("f32", w_shape)],
            conv_attrs(2) | attrs,
        )


def test_builder_and_ir_attribute_spelling(opset):
    ops = opset(8)
    x = ops.parameter([1, 3, 8, 8], "f32")
    w = ops.constant(rand(4, 3, 3, 3))
    node = ops.convolution(
        x,
        w,
        strides=[1, 1],
        pads_begin=[1, 1],
        pads_end=[1, 1],
        dilations=[1, 1],
        auto_pad="NOTSET",
    )
    assert type(node) is Convolution1
    assert node.format_attrs() == {
        "strides": "1, 1",
        "dilations": "1, 1",
        "pads_begin": "1, 1",
        "pads_end": "1, 1",
        "auto_pad": "explicit",
    }
    node = ops.convolution(
        x,
        w,
        strides="1,1",
        pads_begin="0,0",
        pads_end="0,0",
        dilations="1,1",
        auto_pad="SAME_UPPER",
    )
    assert node.attrs["auto_pad"] == "same_upper"
    assert node.get_output_partial_shape(0).to_shape() == (1, 4, 8, 8)
