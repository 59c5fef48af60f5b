"""Pooling ops against onnx.reference and explicit-loop oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyvino
from pyvino_opsets.pooling import (
    AdaptiveAvgPool8,
    AdaptiveMaxPool8,
    AvgPool1,
    AvgPool14,
    MaxPool1,
    MaxPool8,
    MaxPool14,
)

rng = np.random.default_rng(1)


def rand(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape).astype(np.float32)


def pool_attrs(kernel, strides, pb, pe, rounding="floor", auto_pad="explicit", **extra):
    return {
        "kernel": kernel,
        "strides": strides,
        "pads_begin": pb,
        "pads_end": pe,
        "rounding_type": rounding,
        "auto_pad": auto_pad,
        **extra,
    }


def loop_pool_2d(x, kernel, strides, dil, pb, out_hw, kind, exclude_pad=True, any_pad=False):
    """Explicit-loop 2D pooling over [N, C, H, W]; windows may run past the data."""
    n, c, h, w = x.shape
    out = np.zeros((n, c, *out_hw), np.float64)
    idx = np.zeros((n, c, *out_hw), np.int64)
    for b in range(n):
        for ch in range(c):
            for i in range(out_hw[0]):
                for j in range(out_hw[1]):
                    vals, where = [], []
                    for ki in range(kernel[0]):
                        for kj in range(kernel[1]):
                            r = i * strides[0] - pb[0] + ki * dil[0]
                            q = j * strides[1] - pb[1] + kj * dil[1]
                            if 0 <= r < h and 0 <= q < w:
                                vals.append(x[b, ch, r, q])
                                where.append(((b * c + ch) * h + r) * w + q)
                    if kind == "max":
                        k = int(np.argmax(vals))
                        out[b, ch, i, j], idx[b, ch, i, j] = vals[k], where[k]
                    else:
                        div = kernel[0] * kernel[1] if (not exclude_pad and any_pad) else len(vals)
                        out[b, ch, i, j] = sum(vals) / div if div else 0.0
    return out, idx


@pytest.mark.parametrize(
    "shape, kernel, strides, pb, pe, rounding",
    [
        ((1, 2, 8, 8), [2, 2], [2, 2], [0, 0], [0, 0], "floor"),
        ((2, 3, 9, 7), [3, 3], [2, 2], [1, 1], [1, 1], "floor"),
        ((1, 2, 9, 7), [3, 2], [2, 3], [0, 1], [1, 0], "ceil"),
        ((1, 1, 6, 6), [4, 4], [1, 1], [2, 1], [1, 2], "floor"),
    ],
)
def test_max_pool_1_matches_onnx(onnx_ref, shape, kernel, strides, pb, pe, rounding):
    x = rand(*shape)
    node = MaxPool1([pyvino.Parameter("f32", shape)], pool_attrs(kernel, strides, pb, pe, rounding))
    (want,) = onnx_ref(
        "MaxPool",
        [x],
        opset=12,
        kernel_shape=kernel,
        strides=strides,
        pads=pb + pe,
        ceil_mode=int(rounding == "ceil"),
    )
    (got,) = node.evaluate(x)
    assert node.get_output_partial_shape(0).to_shape() == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("axis", [0, 2, -2, 1])
def test_max_pool_8_indices_and_dilations(axis):
    x = rand(2, 3, 10, 9)
    attrs = pool_attrs([3, 2], [2, 1], [1, 0], [1, 1], dilations=[2, 3], axis=axis)
    node = MaxPool8([pyvino.Parameter("f32", x.shape)], attrs)
    out_hw = node.get_output_partial_shape(0).to_shape()[2:]
    want, flat = loop_pool_2d(x, [3, 2], [2, 1], [2, 3], [1, 0], out_hw, "max")
    values, index = node.evaluate(x)
    np.testing.assert_array_equal(values, want.astype(np.float32))
    # flat indices over dims axis.., i.e. the full-tensor index modulo the size of dims before axis
    a = axis % 4
    assert index.dtype == np.int64
    np.testing.assert_array_equal(index, flat % int(np.prod(x.shape[a:])))


def test_max_pool_8_matches_onnx_indices(onnx_ref):
    x = rand(1, 2, 7, 7)
    node = MaxPool8(
        [pyvino.Parameter("f32", x.shape)],
        pool_attrs([3, 3], [2, 2], [1, 1], [1, 1], dilations=[1, 1], index_element_type="i32"),
    )
    want, want_idx = onnx_ref(
        "MaxPool", [x], 2, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]
    )
    values, index = node.evaluate(x)
    assert node.get_output_element_type(1) is pyvino.Type.i32 and index.dtype == np.int32
    np.testing.assert_array_equal(values, want)
    np.testing.assert_array_equal(index, want_idx)


@pytest.mark.parametrize(
    "size, floor, ceil, ceil_torch", [(7, 2, 3, 3), (6, 2, 3, 2), (5, 2, 3, 2)]
)
def test_rounding_types_known_sizes(size, floor, ceil, ceil_torch):
    pads = (1, 1) if size == 5 else (0, 0)  # size 5: the third ceil window starts in pads_end
    sizes = {}
    for rounding, cls in [("floor", MaxPool14), ("ceil", MaxPool14), ("ceil_torch", MaxPool14)]:
        node = cls(
            [pyvino.Parameter("f32", [1, 1, size])],
            pool_attrs([2], [3], [pads[0]], [pads[1]], rounding, dilations=[1]),
        )
        sizes[rounding] = node.get_output_partial_shape(0)[2].get_length()
    assert sizes == {"floor": floor, "ceil": ceil, "ceil_torch": ceil_torch}


def test_max_pool_14_ceil_torch_values():
    x = rand(1, 2, 7, 7)
    node = MaxPool14(
        [pyvino.Parameter("f32", x.shape)],
        pool_attrs([2, 2], [3, 3], [0, 0], [0, 0], "ceil_torch", dilations=[1, 1]),
    )
    assert node.get_output_partial_shape(0).to_shape() == (1, 2, 3, 3)
    want, flat = loop_pool_2d(x, [2, 2], [3, 3], [1, 1], [0, 0], (3, 3), "max")
    values, index = node.evaluate(x)
    np.testing.assert_array_equal(values, want.astype(np.float32))
    np.testing.assert_array_equal(index, flat)
    with pytest.raises(pyvino.OpValidationError, match="rounding_type"):
        MaxPool8(
            [pyvino.Parameter("f32", x.shape)],
            pool_attrs([2, 2], [3, 3], [0, 0], [0, 0], "ceil_torch", dilations=[1, 1]),
        )


@pytest.mark.parametrize("exclude_pad", [True, False])
@pytest.mark.parametrize(
    "kernel, strides, pb, pe",
    [
        ([3, 3], [2, 2], [1, 1], [1, 1]),
        ([2, 3], [1, 2], [0, 1], [1, 0]),
        ([2, 2], [2, 2], [0, 0], [0, 0]),
    ],
)
def test_avg_pool_matches_onnx(onnx_ref, exclude_pad, kernel, strides, pb, pe):
    x = rand(2, 3, 8, 9)
    node = AvgPool1(
        [pyvino.Parameter("f32", x.shape)],
        pool_attrs(kernel, strides, pb, pe, **{"exclude-pad": exclude_pad}),
    )
    (want,) = onnx_ref(
        "AveragePool",
        [x],
        kernel_shape=kernel,
        strides=strides,
        pads=pb + pe,
        count_include_pad=int(not exclude_pad),
    )
    (got,) = node.evaluate(x)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("exclude_pad", [True, False])
@pytest.mark.parametrize("pads", [(0, 0), (1, 0)])
def test_avg_pool_ceil_mode_divisor(exclude_pad, pads):
    # ceil windows past the padded data: OpenVINO divides by the kernel size when padding exists
    # and exclude-pad is false, else by the elements inside the data.
    x = rand(1, 2, 7, 8)
    attrs = pool_attrs(
        [3, 3], [2, 3], [pads[0]] * 2, [pads[1]] * 2, "ceil", **{"exclude-pad": exclude_pad}
    )
    node = AvgPool14([pyvino.Parameter("f32", x.shape)], attrs)
    out_hw = node.get_output_partial_shape(0).to_shape()[2:]
    want, _ = loop_pool_2d(
        x, [3, 3], [2, 3], [1, 1], [pads[0]] * 2, out_hw, "avg", exclude_pad, any(pads)
    )
    (got,) = node.evaluate(x)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_avg_pool_integer_rounding():
    x = np.array([[[1, 2, 2, 2, 5, 6]]], np.int8)
    node = AvgPool1(
        [pyvino.Parameter("i8", x.shape)], pool_attrs([2], [2], [0], [0], **{"exclude-pad": True})
    )
    np.testing.assert_array_equal(
        node.evaluate(x)[0], np.array([[[2, 2, 6]]], np.int8)
    )  # 1.5->2, 2, 5.5->6
    y = x.astype(np.int32)
    node = AvgPool1(
        [pyvino.Parameter("i32", y.shape)], pool_attrs([2], [2], [0], [0], **{"exclude-pad": True})
    )
    np.testing.assert_array_equal(node.evaluate(y)[0], np.array([[[1, 2, 5]]], np.int32))


@pytest.mark.parametrize("auto_pad", ["same_upper", "valid"])
def test_pool_auto_pad_matches_onnx(onnx_ref, auto_pad):
    x = rand(1, 2, 9, 8)
    node = MaxPool1(
        [pyvino.Parameter("f32", x.shape)],
        pool_attrs([3, 2], [2, 3], [5, 5], [5, 5], auto_pad=auto_pad),
    )
    (want,) = onnx_ref(
        "MaxPool", [x], opset=12, kernel_shape=[3, 2], strides=[2, 3], auto_pad=auto_pad.upper()
    )
    (got,) = node.evaluate(x)
    assert node.get_output_partial_shape(0).to_shape() == want.shape
    np.testing.assert_array_equal(got, want)
    avg = AvgPool1(
        [pyvino.Parameter("f32", x.shape)],
        pool_attrs([3, 2], [2, 3], [0, 0], [0, 0], auto_pad=auto_pad, **{"exclude-pad": True}),
    )
    (want,) = onnx_ref(
        "AveragePool", [x], opset=12, kernel_shape=[3, 2], strides=[2, 3], auto_pad=auto_pad.upper()
    )
    np.testing.assert_allclose(avg.evaluate(x)[0], want, rtol=1e-5, atol=1e-6)


def test_pool_same_lower_loops():
    # onnx.reference mis-sizes SAME_LOWER pooling, so this one uses the loop oracle:
    # H 9 -> 5 windows need 2 pad rows (1 before, 1 after); W 8 -> 3 windows with stride 3, kernel
    # 2 need total 0; with odd totals same_lower puts the extra row first.
    x = rand(1, 2, 9, 8)
    node = MaxPool1(
        [pyvino.Parameter("f32", x.shape)],
        pool_attrs([3, 2], [2, 3], [0, 0], [0, 0], auto_pad="same_lower"),
    )
    assert node.get_output_partial_shape(0).to_shape() == (1, 2, 5, 3)
    want, _ = loop_pool_2d(x, [3, 2], [2, 3], [1, 1], [1, 0], (5, 3), "max")
    np.testing.assert_array_equal(node.evaluate(x)[0], want.astype(np.float32))
    y = rand(1, 1, 6, 6)  # kernel 4, stride 1: total padding 3, same_lower puts 2 first
    avg = AvgPool1(
        [pyvino.Parameter("f32", y.shape)],
        pool_attrs([4, 4], [1, 1], [0, 0], [0, 0], auto_pad="same_lower", **{"exclude-pad": True}),
    )
    want, _ = loop_pool_2d(y, [4, 4], [1, 1], [1, 1], [2, 2], (6, 6), "avg")
    np.testing.assert_allclose(avg.evaluate(y)[0], want, rtol=1e-5, atol=1e-6)


def test_pool_3d_and_1d(onnx_ref):
    x = rand(1, 2, 5, 6, 7)
    node = MaxPool1(
        [pyvino.Parameter("f32", x.shape)], pool_attrs([2, 3, 2], [1, 2, 2], [0, 1, 1], [1, 0, 0])
    )
    (want,) = onnx_ref(
        "MaxPool", [x], opset=12, kernel_shape=[2, 3, 2], strides=[1, 2, 2], pads=[0, 1, 1, 1, 0, 0]
    )
    np.testing.assert_array_equal(node.evaluate(x)[0], want)
    y = rand(2, 3, 11)
    node = AvgPool1(
        [pyvino.Parameter("f32", y.shape)], pool_attrs([3], [2], [1], [1], **{"exclude-pad": False})
    )
    (want,) = onnx_ref(
        "AveragePool", [y], kernel_shape=[3], strides=[2], pads=[1, 1], count_include_pad=1
    )
    np.testing.assert_allclose(node.evaluate(y)[0], want, rtol=1e-5, atol=1e-6)


def test_pool_shape_inference_and_errors():
    x = pyvino.Parameter("f32", "[?,16,2..33,?]")
    node = MaxPool8([x], pool_attrs([3, 3], [2, 2], [1, 1], [1, 1], dilations=[1, 1]))
    assert str(node.get_output_partial_shape(0)) == "[?,16,1..17,?]"
    assert node.get_output_element_type(1) is pyvino.Type.i64
    dyn = AvgPool1(
        [pyvino.Parameter("f32", "...")],
        pool_attrs([2, 2], [2, 2], [0, 0], [0, 0], **{"exclude-pad": True}),
    )
    assert str(dyn.get_output_partial_shape(0)) == "[?,?,?,?]"
    with pytest.raises(pyvino.OpValidationError, match="'kernel' has 2 values, expected 3"):
        MaxPool1(
            [pyvino.Parameter("f32", [1, 2, 4, 4, 4])], pool_attrs([2, 2], [1, 1], [0, 0], [0, 0])
        )
    with pytest.raises(pyvino.OpValidationError, match="does not fit"):
        MaxPool1(
            [pyvino.Parameter("f32", [1, 2, 2, 4])], pool_attrs([3, 3], [1, 1], [0, 0], [0, 0])
        )
    with pytest.raises(pyvino.OpValidationError, match="rounding_type"):
        MaxPool1(
            [pyvino.Parameter("f32", [1, 2, 4, 4])],
            pool_attrs([2, 2], [1, 1], [0, 0], [0, 0], "round"),
        )
    with pytest.raises(pyvino.OpValidationError, match="axis"):
        MaxPool8(
            [pyvino.Parameter("f32", [1, 2, 4, 4])],
            pool_attrs([2, 2], [1, 1], [0, 0], [0, 0], dilations=[1, 1], axis=4),
        )
    with pytest.raises(pyvino.OpValidationError, match="exclude-pad"):
        AvgPool1(
            [pyvino.Parameter("f32", [1, 2, 4, 4])], pool_attrs([2, 2], [1, 1], [0, 0], [0, 0])
        )


def loop_adaptive(x, out_hw, kind):
    n, c, h, w = x.shape
    vals = np.zeros((n, c, *out_hw), np.float64)
    idx = np.zeros((n, c, *out_hw), np.int64)
    for i in range(out_hw[0]):
        h0, h1 = math.floor(i * h / out_hw[0]), math.ceil((i + 1) * h / out_hw[0])
        for j in range(out_hw[1]):
            w0, w1 = math.floor(j * w / out_hw[1]), math.ceil((j + 1) * w / out_hw[1])
            for b in range(n):
                for ch in range(c):
                    box = x[b, ch, h0:h1, w0:w1]
                    if kind == "avg":
                        vals[b, ch, i, j] = box.mean()
                    else:
                        r, q = np.unravel_index(np.argmax(box), box.shape)
                        vals[b, ch, i, j], idx[b, ch, i, j] = box[r, q], (h0 + r) * w + w0 + q
    return vals, idx


@pytest.mark.parametrize("out_hw", [(3, 4), (5, 7), (1, 1), (10, 9)])
def test_adaptive_pools(out_hw):
    x = rand(2, 3, 10, 7)
    size = pyvino.Constant(np.array(out_hw, np.int64))
    avg = AdaptiveAvgPool8([pyvino.Parameter("f32", x.shape), size])
    mx = AdaptiveMaxPool8([pyvino.Parameter("f32", x.shape), size], {"index_element_type": "i32"})
    assert avg.get_output_partial_shape(0).to_shape() == (2, 3, *out_hw)
    want_avg, _ = loop_adaptive(x, out_hw, "avg")
    want_max, want_idx = loop_adaptive(x, out_hw, "max")
    np.testing.assert_allclose(avg.evaluate(x, np.array(out_hw))[0], want_avg, rtol=1e-5, atol=1e-6)
    values, index = mx.evaluate(x, np.array(out_hw))
    np.testing.assert_array_equal(values, want_max.astype(np.float32))
    assert index.dtype == np.int32
    np.testing.assert_array_equal(index, want_idx)


def test_adaptive_pool_shape_inference():
    x = pyvino.Parameter("f32", "[?,8,?,?,?]")
    node = AdaptiveAvgPool8([x, pyvino.Parameter("i64", [3])])
    assert str(node.get_output_partial_shape(0)) == "[?,8,?,?,?]"
    with pytest.raises(pyvino.OpValidationError, match="expected 3"):
        AdaptiveMaxPool8([x, pyvino.Constant(np.array([2, 2], np.int64))])


def test_opset_tables(registry):
    assert registry.lookup("MaxPool", "opset7") is MaxPool1
    assert registry.lookup("MaxPool", "opset13") is MaxPool8
    assert registry.lookup("MaxPool", "opset15") is MaxPool14
    assert registry.lookup("AvgPool", "opset13") is AvgPool1
    assert registry.lookup("AvgPool", "opset14") is AvgPool14
    assert registry.lookup("AdaptiveMaxPool", "opset8") is AdaptiveMaxPool8
    node = MaxPool8(
        [pyvino.Parameter("f32", [1, 1, 4, 4])],
        pool_attrs([2, 2], [2, 2], [0, 0], [0, 0], dilations=[1, 1]),
    )
    assert node.format_attrs() == {
        "strides": "2, 2",
        "dilations": "1, 1",
        "pads_begin": "0, 0",
        "pads_end": "0, 0",
        "kernel": "2, 2",
        "rounding_type": "floor",
        "auto_pad": "explicit",
        "index_element_type": "i64",
        "axis": "0",
    }
