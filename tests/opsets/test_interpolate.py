"""Interpolate-1/4/11 against onnx.reference's Resize, spec-derived loops and known values."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
import pyvino
from pyvino_opsets.interpolate import Interpolate1, Interpolate4, Interpolate11

rng = np.random.default_rng(7)
X = rng.standard_normal((1, 2, 5, 7)).astype(np.float32)


def interp11(x, values, axes, **attrs):
    inputs = [pyvino.Parameter(pyvino.Type.get(x.dtype), x.shape), pyvino.Constant(values)]
    if axes is not None:
        inputs.append(pyvino.Constant(np.array(axes, np.int64)))
    node = Interpolate11(inputs, attrs)
    args = [x, values] + ([np.array(axes)] if axes is not None else [])
    (out,) = node.evaluate(*args)
    assert node.get_output_partial_shape(0).to_shape() == out.shape
    assert out.dtype == x.dtype
    return out


def onnx_resize(onnx_ref, x, sizes, axes, **attrs):
    return onnx_ref("Resize", [x, None, None, np.array(sizes, np.int64)], axes=list(axes), **attrs)[
        0
    ]


@pytest.mark.parametrize("sizes", [(10, 14), (3, 4), (9, 13), (2, 1)])
@pytest.mark.parametrize("ctm", ["half_pixel", "pytorch_half_pixel", "asymmetric", "align_corners"])
@pytest.mark.parametrize("mode, onnx_mode", [("linear_onnx", "linear"), ("cubic", "cubic")])
def test_linear_onnx_and_cubic_match_onnx_resize(onnx_ref, sizes, ctm, mode, onnx_mode):
    if mode == "cubic" and ctm == "pytorch_half_pixel" and 1 in sizes:
        pytest.skip("onnx.reference ignores the 'length 1 -> coordinate 0' rule for cubic")
    got = interp11(
        X,
        np.array(sizes, np.int64),
        [2, 3],
        mode=mode,
        shape_calculation_mode="sizes",
        coordinate_transformation_mode=ctm,
    )
    want = onnx_resize(
        onnx_ref,
        X,
        sizes,
        [2, 3],
        mode=onnx_mode,
        coordinate_transformation_mode=ctm,
        cubic_coeff_a=-0.75,
    )
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("sizes", [(10, 14), (3, 5), (9, 13)])
@pytest.mark.parametrize("ctm", ["half_pixel", "asymmetric", "align_corners"])
@pytest.mark.parametrize("nearest", ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
def test_nearest_matches_onnx_resize(onnx_ref, sizes, ctm, nearest):
    got = interp11(
        X,
        np.array(sizes, np.int64),
        [2, 3],
        mode="nearest",
        shape_calculation_mode="sizes",
        coordinate_transformation_mode=ctm,
        nearest_mode=nearest,
    )
    want = onnx_resize(
        onnx_ref,
        X,
        sizes,
        [2, 3],
        mode="nearest",
        coordinate_transformation_mode=ctm,
        nearest_mode=nearest,
    )
    np.testing.assert_array_equal(got, want)


def test_nearest_coordinates_are_float32_like_openvino():
    # 7 -> 16 asymmetric: output 8 maps to 8 / float32(16/7) = 3.4999998 in float32, so
    # round_prefer_ceil picks input 3 (exact arithmetic would give 3.5 -> 4).
    x = np.arange(7, dtype=np.float32)
    got = interp11(
        x,
        np.array([16], np.int64),
        [0],
        mode="nearest",
        shape_calculation_mode="sizes",
        coordinate_transformation_mode="asymmetric",
        nearest_mode="round_prefer_ceil",
    )
    assert got[8] == 3.0
    # simple: truncation when upsampling, ceil when downsampling
    up = interp11(
        x,
        np.array([14], np.int64),
        [0],
        mode="nearest",
        shape_calculation_mode="sizes",
        coordinate_transformation_mode="asymmetric",
        nearest_mode="simple",
    )
    np.testing.assert_array_equal(up, np.repeat(x, 2))
    down = interp11(
        x,
        np.array([3], np.int64),
        [0],
        mode="nearest",
        shape_calculation_mode="sizes",
        coordinate_transformation_mode="asymmetric",
        nearest_mode="simple",
    )
    np.testing.assert_array_equal(down, [0.0, 3.0, 5.0])  # ceil(0), ceil(7/3), ceil(14/3)


@pytest.mark.parametrize(
    "mode, onnx_mode, a", [("bilinear_pillow", "linear", -0.75), ("bicubic_pillow", "cubic", -0.5)]
)
@pytest.mark.parametrize("sizes", [(2, 3), (11, 5), (12, 20)])
def test_pillow_modes_match_onnx_antialias(onnx_ref, mode, onnx_mode, a, sizes):
    x = rng.standard_normal((2, 9, 12)).astype(np.float32)
    got = interp11(
        x,
        np.array(sizes, np.int64),
        [1, 2],
        mode=mode,
        shape_calculation_mode="sizes",
        cube_coeff=a,
    )
    want = onnx_resize(
        onnx_ref, x, sizes, [1, 2], mode=onnx_mode, antialias=1, exclude_outside=1, cubic_coeff_a=a
    )
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_bilinear_pillow_known_values_and_uint8_rounding():
    # 4 -> 2: support 2, centres 1 and 3; taps (0,1,2) weigh 0.75, 0.75, 0.25 -> 3/7, 3/7, 1/7.
    row = np.array([[0.0, 7.0, 14.0, 28.0]], np.float32)
    got = interp11(
        row,
        np.array([1, 2], np.int64),
        [0, 1],
        mode="bilinear_pillow",
        shape_calculation_mode="sizes",
    )
    np.testing.assert_allclose(
        got, [[(3 * 7.0 + 14.0) / 7, (7.0 + 3 * 14.0 + 3 * 28.0) / 7]], rtol=1e-6
    )
    img = np.array([[0, 255, 0, 255, 10]], np.uint8)
    out = interp11(
        img,
        np.array([1, 2], np.int64),
        [0, 1],
        mode="bilinear_pillow",
        shape_calculation_mode="sizes",
    )
    ref = interp11(
        img.astype(np.float32),
        np.array([1, 2], np.int64),
        [0, 1],
        mode="bilinear_pillow",
        shape_calculation_mode="sizes",
    )
    np.testing.assert_array_equal(out, np.floor(ref + 0.5).astype(np.uint8))


def spec_linear(x, axes, out_shape, scales, antialias, ctm="half_pixel"):
    """Interpolate-4's 'linear' mode, loop for loop as the specification writes it."""

    def coord(xr, scale, n_out, n_in):
        if scale == 1.0 or n_out == n_in:
            return float(xr)
        if ctm == "align_corners":
            return 0.0 if n_out == 1 else xr * (n_in - 1) / (n_out - 1)
        return (xr + 0.5) / scale - 0.5

    down = any(s < 1 for s in scales)
    a = [s if (antialias and down) else 1.0 for s in scales]
    r = [2 if s > 1 else int(math.ceil(2.0 / ai)) for s, ai in zip(scales, a, strict=True)]
    out = np.zeros(out_shape)
    for oc in np.ndindex(*out_shape):
        ic = [coord(oc[ax], scales[i], out_shape[ax], x.shape[ax]) for i, ax in enumerate(axes)]
        total = wsum = 0.0
        for off in itertools.product(*[range(-ri, ri + 1) for ri in r]):
            inner = list(oc)
            for i, ax in enumerate(axes):
                inner[ax] = int(round(ic[i])) + off[i]
            if not all(0 <= inner[ax] < x.shape[ax] for ax in axes):
                continue
            w = np.prod(
                [max(0.0, 1 - abs(a[i] * (ic[i] - inner[ax]))) for i, ax in enumerate(axes)]
            )
            wsum += w
            total += w * x[tuple(inner)]
        out[oc] = 0.0 if wsum == 0 else total / wsum
    return out


@pytest.mark.parametrize("antialias", [False, True])
@pytest.mark.parametrize("scales", [(0.5, 0.75), (2.0, 1.5), (0.6, 2.0)])
def test_linear_mode_matches_spec_loops(antialias, scales):
    x = rng.standard_normal((1, 1, 6, 8)).astype(np.float32)
    node = Interpolate4(
        [
            pyvino.Parameter("f32", x.shape),
            pyvino.Constant(np.array([0, 0], np.int64)),
            pyvino.Constant(np.array(scales, np.float32)),
            pyvino.Constant(np.array([2, 3], np.int64)),
        ],
        {"mode": "linear", "shape_calculation_mode": "scales", "antialias": antialias},
    )
    (got,) = node.evaluate(x, np.array([0, 0]), np.array(scales, np.float32), np.array([2, 3]))
    out_shape = node.get_output_partial_shape(0).to_shape()
    s32 = [float(np.float32(s)) for s in scales]
    want = spec_linear(x.astype(np.float64), [2, 3], out_shape, s32, antialias)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_interpolate4_scales_and_pads(onnx_ref):
    x = rng.standard_normal((1, 3, 6, 5)).astype(np.float32)
    scales = np.array([1.5, 0.5], np.float32)
    node = Interpolate4(
        [
            pyvino.Parameter("f32", x.shape),
            pyvino.Constant(np.array([1, 1], np.int64)),
            pyvino.Constant(scales),
            pyvino.Constant(np.array([2, 3], np.int64)),
        ],
        {
            "mode": "linear_onnx",
            "shape_calculation_mode": "scales",
            "pads_begin": [0, 0, 1, 2],
            "pads_end": [0, 0, 1, 1],
            "coordinate_transformation_mode": "asymmetric",
        },
    )
    assert node.get_output_partial_shape(0) == pyvino.PartialShape([1, 3, 12, 4])
    (got,) = node.evaluate(x, np.array([1, 1]), scales, np.array([2, 3]))
    padded = np.pad(x, [(0, 0), (0, 0), (1, 1), (2, 1)])
    want = onnx_ref(
        "Resize",
        [padded, None, scales, None],
        axes=[2, 3],
        mode="linear",
        coordinate_transformation_mode="asymmetric",
    )[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "mode, align, ctm, onnx_mode",
    [
        ("linear", False, "asymmetric", "linear"),  # rank 4 on axes {2, 3}: no half_pixel switch
        ("linear", True, "align_corners", "linear"),
        ("cubic", True, "align_corners", "cubic"),
    ],
)
def test_interpolate1_maps_to_interpolate4(onnx_ref, mode, align, ctm, onnx_mode):
    target = np.array([9, 4], np.int64)
    node = Interpolate1(
        [pyvino.Parameter("f32", X.shape), pyvino.Constant(target)],
        {"axes": [2, 3], "mode": mode, "align_corners": align},
    )
    assert node.get_output_partial_shape(0) == pyvino.PartialShape([1, 2, 9, 4])
    (got,) = node.evaluate(X, target)
    want = onnx_resize(
        onnx_ref,
        X,
        target,
        [2, 3],
        mode=onnx_mode,
        coordinate_transformation_mode=ctm,
        cubic_coeff_a=-0.75,
    )
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_interpolate1_nearest_and_area():
    x = np.arange(12, dtype=np.float32).reshape(1, 1, 3, 4)
    node = Interpolate1(
        [pyvino.Parameter("f32", x.shape), pyvino.Constant(np.array([6, 8]))],
        {"axes": [2, 3], "mode": "nearest", "align_corners": False},
    )
    (got,) = node.evaluate(x, np.array([6, 8]))
    np.testing.assert_array_equal(got, x.repeat(2, axis=2).repeat(2, axis=3))
    area = Interpolate1(
        [pyvino.Parameter("f32", x.shape), pyvino.Constant(np.array([1, 2]))],
        {"axes": [2, 3], "mode": "area"},
    )
    (got,) = area.evaluate(x, np.array([1, 2]))
    np.testing.assert_allclose(got, [[[[x[0, 0, :, :2].mean(), x[0, 0, :, 2:].mean()]]]])


def test_shape_inference():
    x = pyvino.Parameter("f32", "[1,2,48,1..80]")
    n = Interpolate4(
        [
            x,
            pyvino.Constant(np.array([24, 160])),
            pyvino.Constant(np.array([0.5, 2.0], np.float32)),
            pyvino.Constant(np.array([2, 3])),
        ],
        {"mode": "linear", "shape_calculation_mode": "scales"},
    )
    assert n.get_output_partial_shape(0) == pyvino.PartialShape("[1,2,24,2..160]")
    sizes = pyvino.Parameter("i64", [2])
    n = Interpolate11(
        [x, sizes, pyvino.Constant(np.array([2, 3]))],
        {"mode": "nearest", "shape_calculation_mode": "sizes", "pads_begin": [1]},
    )
    assert n.get_output_partial_shape(0) == pyvino.PartialShape("[2,2,?,?]")
    n = Interpolate11(
        [pyvino.Parameter("f32", "..."), sizes],
        {"mode": "cubic", "shape_calculation_mode": "sizes"},
    )
    assert not n.get_output_partial_shape(0).rank_is_static
    # floor(3 * (0.3333333 + 1e-6)) = 1 thanks to OpenVINO's epsilon
    n = Interpolate11(
        [pyvino.Parameter("f32", [3, 3]), pyvino.Constant(np.array([1 / 3, 1.0], np.float32))],
        {"mode": "nearest", "shape_calculation_mode": "scales"},
    )
    assert n.get_output_partial_shape(0) == pyvino.PartialShape([1, 3])


def test_invalid_axes_and_builder(registry):
    with pytest.raises(pyvino.OpValidationError, match="axes"):
        Interpolate11(
            [
                pyvino.Parameter("f32", [1, 3]),
                pyvino.Constant(np.array([2])),
                pyvino.Constant(np.array([5])),
            ],
            {"mode": "nearest", "shape_calculation_mode": "sizes"},
        )
    ops = registry.builder("opset15")
    node = ops.interpolate(
        ops.parameter([1, 3, 4, 4]),
        np.array([8, 8]),
        np.array([2, 3]),
        mode="nearest",
        shape_calculation_mode="sizes",
    )
    assert isinstance(node, Interpolate11) and node.get_output_partial_shape(
        0
    ) == pyvino.PartialShape([1, 3, 8, 8])
    assert registry.builder("opset4").op_class("Interpolate") is Interpolate4


@pytest.mark.parametrize("mode", ["nearest", "linear_onnx"])
def test_unet_sized_upsample_is_fast(mode):
    x = rng.standard_normal((1, 64, 128, 128)).astype(np.float32)
    start = time.perf_counter()
    out = interp11(
        x, np.array([2.0, 2.0], np.float32), [2, 3], mode=mode, shape_calculation_mode="scales"
    )
    assert time.perf_counter() - start < 2.0
    assert out.shape == (1, 64, 256, 256)
    np.testing.assert_allclose(
        out[0, 5, 101, 37],
        x[0, 5, 50, 18]
        if mode == "nearest"
        else 0.75 * (0.75 * x[0, 5, 50, 18] + 0.25 * x[0, 5, 50, 19])
        + 0.25 * (0.75 * x[0, 5, 51, 18] + 0.25 * x[0, 5, 51, 19]),
        rtol=1e-5,
    )
