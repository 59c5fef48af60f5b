"""DeformableConvolution-1/8 against ONNX's DeformConv, a per-tap port of OpenVINO's reference
rules and, with zero offsets, ONNX's plain Conv."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyvino import OpValidationError, Parameter, Type
from pyvino_opsets.deformable_convolution import DeformableConvolution1, DeformableConvolution8

RNG = np.random.default_rng(3)


def attrs(strides=(1, 1), dilations=(1, 1), pads=(0, 0, 0, 0), group=1, dg=1, **more):
    return dict(
        strides=list(strides),
        dilations=list(dilations),
        pads_begin=list(pads[:2]),
        pads_end=list(pads[2:]),
        group=group,
        deformable_group=dg,
        **more,
    )


def build(cls, arrays, **a):
    node = cls([Parameter(Type.get(x.dtype), x.shape) for x in arrays], a)
    (out,) = node.evaluate(*arrays)
    assert node.get_output_partial_shape(0).to_shape() == out.shape
    assert out.dtype == arrays[0].dtype
    return out


def case(n=2, c=4, h=6, w=5, o=6, k=(3, 2), out_hw=(4, 4), group=1, dg=1, spread=1.5):
    x = RNG.standard_normal((n, c, h, w)).astype(np.float32)
    f = RNG.standard_normal((o, c // group, *k)).astype(np.float32)
    taps = k[0] * k[1]
    off = RNG.uniform(-spread, spread, (n, dg * taps * 2, *out_hw)).astype(np.float32)
    mask = RNG.uniform(0, 1, (n, dg * taps, *out_hw)).astype(np.float32)
    return x, off, f, mask


def bilinear(img: np.ndarray, y: float, x: float, use_pad: bool) -> float:
    """OpenVINO's tap rule: skipped outside (-1, size) (pad) or [0, size); neighbours 0 / clamped."""
    h, w = img.shape
    if use_pad:
        if not (-1 < y < h and -1 < x < w):
            return 0.0
        y1, x1 = math.floor(y), math.floor(x)
        y2, x2 = y1 + 1, x1 + 1
    else:
        if not (0 <= y < h and 0 <= x < w):
            return 0.0
        y1, x1 = math.floor(y), math.floor(x)
        y2, x2 = min(math.ceil(y), h - 1), min(math.ceil(x), w - 1)

    def at(i: int, j: int) -> float:
        return float(img[i, j]) if 0 <= i < h and 0 <= j < w else 0.0

    dy, dx = y - y1, x - x1
    return (
        (1 - dy) * (1 - dx) * at(y1, x1)
        + dy * (1 - dx) * at(y2, x1)
        + (1 - dy) * dx * at(y1, x2)
        + dy * dx * at(y2, x2)
    )


def loop_deformable(x, off, f, mask, strides, dilations, pads, group, dg, use_pad):
    n, c, _, _ = x.shape
    o, cg, kh, kw = f.shape
    ho, wo = off.shape[2:]
    out = np.zeros((n, o, ho, wo))
    for b, oc, oy, ox in np.ndindex(out.shape):
        g = oc // (o // group)
        total = 0.0
        for ci in range(cg):
            channel = g * cg + ci
            d = channel // (c // dg)
            for ky in range(kh):
                for kx in range(kw):
                    k = ky * kw + kx
                    y = (
                        oy * strides[0]
                        - pads[0]
                        + ky * dilations[0]
                        + off[b, d * 2 * kh * kw + 2 * k, oy, ox]
                    )
                    xx = (
                        ox * strides[1]
                        - pads[1]
                        + kx * dilations[1]
                        + off[b, d * 2 * kh * kw + 2 * k + 1, oy, ox]
                    )
                    m = 1.0 if mask is None else mask[b, d * kh * kw + k, oy, ox]
                    total += bilinear(x[b, channel], y, xx, use_pad) * f[oc, ci, ky, kx] * m
        out[b, oc, oy, ox] = total
    return out


@pytest.mark.parametrize(
    "group, dg, strides, dilations, pads",
    [
        (1, 1, (1, 1), (1, 1), (0, 0, 0, 0)),
        (2, 1, (1, 1), (1, 1), (1, 0, 1, 1)),
        (1, 2, (2, 1), (1, 2), (1, 1, 0, 1)),
        (2, 4, (1, 2), (2, 1), (2, 1, 1, 2)),
    ],
)
@pytest.mark.parametrize("use_mask", [True, False])
def test_v8_with_interpolation_pad_matches_onnx_deformconv(
    onnx_ref, group, dg, strides, dilations, pads, use_mask
):
    h, w, kh, kw = 6, 5, 3, 2
    ho = (h + pads[0] + pads[2] - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    wo = (w + pads[1] + pads[3] - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    x, off, f, mask = case(n=1, o=4, h=h, w=w, k=(kh, kw), out_hw=(ho, wo), group=group, dg=dg)
    arrays = [x, off, f] + ([mask] if use_mask else [])
    a = attrs(strides, dilations, pads, group, dg, bilinear_interpolation_pad=True)
    got = build(DeformableConvolution8, arrays, **a)
    onnx_attrs = dict(
        strides=list(strides),
        dilations=list(dilations),
        pads=list(pads),
        group=group,
        offset_group=dg,
    )
    (want,) = onnx_ref(
        "DeformConv", [x, f, off, None, mask if use_mask else None], opset=19, **onnx_attrs
    )
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("use_pad", [False, True])
def test_matches_the_reference_rules_per_tap(use_pad):
    x, off, f, mask = case(
        n=1, c=4, h=5, w=5, o=4, k=(2, 3), out_hw=(6, 4), group=2, dg=2, spread=2.5
    )
    a = attrs((1, 1), (1, 1), (1, 1, 1, 0), group=2, dg=2, bilinear_interpolation_pad=use_pad)
    got = build(DeformableConvolution8, [x, off, f, mask], **a)
    want = loop_deformable(x, off, f, mask, (1, 1), (1, 1), (1, 1), 2, 2, use_pad)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_v1_samples_without_interpolation_pad():
    x, off, f, _ = case(n=1, c=2, h=4, w=4, o=3, k=(2, 2), out_hw=(3, 3), spread=2.0)
    got = build(DeformableConvolution1, [x, off, f], **attrs())
    want = loop_deformable(x, off, f, None, (1, 1), (1, 1), (0, 0), 1, 1, use_pad=False)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("cls", [DeformableConvolution1, DeformableConvolution8])
def test_zero_offsets_are_a_plain_convolution(onnx_ref, cls):
    x, off, f, _ = case(c=4, o=4, k=(3, 3), out_hw=(5, 5), group=2)
    off[:] = 0
    got = build(cls, [x, off, f], **attrs(pads=(1, 1, 0, 1), group=2))
    (want,) = onnx_ref("Conv", [x, f], pads=[1, 1, 0, 1], group=2)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_auto_pad_same_upper():
    x, off, f, _ = case(n=1, c=2, h=5, w=5, o=2, k=(3, 3), out_hw=(3, 3))
    node = DeformableConvolution1(
        [
            Parameter(Type.f32, x.shape),
            Parameter(Type.f32, off.shape),
            Parameter(Type.f32, f.shape),
        ],
        attrs(strides=(2, 2), auto_pad="same_upper"),
    )
    assert node.get_output_partial_shape(0).to_shape() == (1, 2, 3, 3)
    want = loop_deformable(x, off, f, None, (2, 2), (1, 1), (1, 1), 1, 1, use_pad=False)
    np.testing.assert_allclose(node.evaluate(x, off, f)[0], want, rtol=1e-4, atol=1e-4)


def test_shapes_and_errors():
    def make(data, offsets, filters, mask=None, cls=DeformableConvolution8, **a):
        shapes = [data, offsets, filters] + ([mask] if mask is not None else [])
        return cls([Parameter(Type.f32, s) for s in shapes], attrs(**a))

    node = make("[?,4,8,8]", "[2,36,?,?]", [6, 2, 3, 3], group=2, dg=2)
    assert str(node.get_output_partial_shape(0)) == "[2,6,6,6]"
    with pytest.raises(OpValidationError, match="offsets .* channels"):
        make([1, 4, 8, 8], [1, 17, 6, 6], [6, 4, 3, 3])
    with pytest.raises(OpValidationError, match="mask .* channels"):
        make([1, 4, 8, 8], [1, 18, 6, 6], [6, 4, 3, 3], mask=[1, 8, 6, 6])
    with pytest.raises(OpValidationError, match="filters expect"):
        make([1, 4, 8, 8], [1, 18, 6, 6], [6, 3, 3, 3])
    with pytest.raises(OpValidationError, match="spatial size"):
        make([1, 4, 8, 8], [1, 18, 5, 6], [6, 4, 3, 3])
    with pytest.raises(OpValidationError, match="deformable_group"):
        make([1, 4, 8, 8], [1, 18, 6, 6], [6, 4, 3, 3], dg=0)
    with pytest.raises(OpValidationError, match="4-D"):
        make([1, 4, 8], [1, 18, 6, 6], [6, 4, 3, 3])
    with pytest.raises(OpValidationError, match="inputs"):
        make(
            [1, 4, 8, 8], [1, 18, 6, 6], [6, 4, 3, 3], mask=[1, 9, 6, 6], cls=DeformableConvolution1
        )
