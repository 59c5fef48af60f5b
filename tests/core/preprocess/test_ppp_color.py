"""Colour conversion: NV12 / I420 planes to RGB/BGR vs a hand-written BT.601, RGBX, GRAY."""

from __future__ import annotations

import numpy as np
import pyvino
from pyvino import Core, Model, Type
from pyvino.preprocess import ColorFormat, Layout, PrePostProcessor

H, W = 4, 6
RNG = np.random.default_rng(7)
Y = RNG.integers(0, 256, (1, H, W, 1), dtype=np.uint8)
U = RNG.integers(0, 256, (1, H // 2, W // 2, 1), dtype=np.uint8)
V = RNG.integers(0, 256, (1, H // 2, W // 2, 1), dtype=np.uint8)


def identity_model(channels: int = 3) -> Model:
    ops = pyvino.opset15
    x = ops.parameter([1, channels, H, W], "f32", name="image")
    y = ops.multiply(x, np.float32(1.0))
    return Model([y], [x], "identity")


def bt601(bgr: bool = False, integral: bool = True) -> np.ndarray:
    """BT.601 video-range YUV 4:2:0 -> RGB, chroma repeated 2x2, as [1, H, W, 3]."""
    up = lambda p: p.repeat(2, axis=1).repeat(2, axis=2).astype(np.float32)  # noqa: E731
    c, d, e = Y.astype(np.float32) - 16, up(U) - 128, up(V) - 128
    r = 1.164 * c + 1.596 * e
    g = 1.164 * c - 0.391 * d - 0.813 * e
    b = 1.164 * c + 2.018 * d
    rgb = np.concatenate([b, g, r] if bgr else [r, g, b], axis=3)
    rgb = np.clip(rgb, 0, 255)
    return np.floor(rgb + 0.5) if integral else rgb  # C's round(): halves away from zero


def run(fmt: ColorFormat, dst: ColorFormat, inputs: dict, f32_first: bool = False,
        device: str = "CPU") -> np.ndarray:
    ppp = PrePostProcessor(identity_model())
    ppp.input().tensor().set_element_type(Type.u8).set_color_format(fmt)
    ppp.input().model().set_layout(Layout("NCHW"))
    steps = ppp.input().preprocess()
    if f32_first:
        steps.convert_element_type(Type.f32)
    steps.convert_color(dst)
    model = ppp.build()
    out = Core().compile_model(model, device)(inputs)[0]
    return out.transpose(0, 2, 3, 1)  # back to NHWC


def assert_rounded_close(out: np.ndarray, expected: np.ndarray) -> None:
    diff = np.abs(out.astype(np.float64) - expected)
    assert diff.max() <= 1.0 and np.mean(diff == 0) > 0.98, diff.max()


def test_nv12_two_planes_u8_to_rgb_matches_bt601():
    uv = np.concatenate([U, V], axis=3)
    out = run(ColorFormat.NV12_TWO_PLANES, ColorFormat.RGB, {"image/Y": Y, "image/UV": uv})
    assert_rounded_close(out, bt601())


def test_nv12_two_planes_in_float_is_not_rounded(device: str):
    uv = np.concatenate([U, V], axis=3)
    out = run(ColorFormat.NV12_TWO_PLANES, ColorFormat.BGR, {"image/Y": Y, "image/UV": uv},
              f32_first=True, device=device)
    atol = 1e-3 if device == "CPU" else 0.25  # GPU may compute in f16
    np.testing.assert_allclose(out, bt601(bgr=True, integral=False), atol=atol)


def test_nv12_planes_are_separate_named_inputs():
    ppp = PrePostProcessor(identity_model())
    ppp.input().tensor().set_element_type(Type.u8).set_color_format(ColorFormat.NV12_TWO_PLANES)
    ppp.input().model().set_layout(Layout("NCHW"))
    ppp.input().preprocess().convert_color(ColorFormat.RGB)
    assert "2 user's tensors expected for each plane:" in str(ppp)
    model = ppp.build()
    assert [p.friendly_name for p in model.get_parameters()] == ["image/Y", "image/UV"]
    assert [list(p.get_partial_shape()) for p in model.get_parameters()] == \
        [[1, H, W, 1], [1, H // 2, W // 2, 2]]


def test_nv12_single_plane_to_rgb():
    uv_rows = np.concatenate([U, V], axis=3).reshape(1, H // 2, W, 1)
    plane = np.concatenate([Y, uv_rows], axis=1)
    out = run(ColorFormat.NV12_SINGLE_PLANE, ColorFormat.RGB, {"image": plane})
    assert_rounded_close(out, bt601())


def test_i420_three_planes_and_single_plane_to_bgr():
    out = run(ColorFormat.I420_THREE_PLANES, ColorFormat.BGR,
              {"image/Y": Y, "image/U": U, "image/V": V})
    assert_rounded_close(out, bt601(bgr=True))
    flat = np.concatenate([Y.ravel(), U.ravel(), V.ravel()]).reshape(1, H * 3 // 2, W, 1)
    out = run(ColorFormat.I420_SINGLE_PLANE, ColorFormat.BGR, {"image": flat})
    assert_rounded_close(out, bt601(bgr=True))


def test_bgrx_to_rgb_drops_the_fourth_channel_and_flips():
    img = RNG.integers(0, 256, (1, H, W, 4), dtype=np.uint8)
    out = run(ColorFormat.BGRX, ColorFormat.RGB, {"image": img})
    np.testing.assert_array_equal(out, img[..., 2::-1].astype(np.float32))


def test_rgb_to_gray_uses_luma_weights():
    img = RNG.integers(0, 256, (1, H, W, 3), dtype=np.uint8)
    ops = pyvino.opset15
    x = ops.parameter([1, 1, H, W], "f32", name="image")
    ppp = PrePostProcessor(Model([ops.multiply(x, np.float32(1.0))], [x], "gray"))
    ppp.input().tensor().set_element_type(Type.f32).set_layout("NHWC") \
        .set_color_format(ColorFormat.RGB).set_shape([1, H, W, 3])
    ppp.input().model().set_layout("NCHW")
    ppp.input().preprocess().convert_color(ColorFormat.GRAY)
    out = Core().compile_model(ppp.build(), "CPU")(img.astype(np.float32))[0]
    f = img.astype(np.float32)
    gray = 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]
    np.testing.assert_allclose(out[:, 0], gray, rtol=1e-5, atol=1e-3)


def test_nv12_with_dynamic_spatial_dims_keeps_known_dims_and_converts():
    ops = pyvino.opset15
    x = ops.parameter([1, 3, -1, -1], "f32", name="image")
    ppp = PrePostProcessor(Model([ops.multiply(x, np.float32(1.0))], [x], "dyn"))
    ppp.input().tensor().set_element_type(Type.f32) \
        .set_color_format(ColorFormat.NV12_TWO_PLANES).set_spatial_dynamic_shape()
    ppp.input().model().set_layout("NCHW")
    ppp.input().preprocess().convert_color(ColorFormat.RGB)
    model = ppp.build()
    assert str(model.output().partial_shape) == "[1,3,?,?]"
    uv = np.concatenate([U, V], axis=3).astype(np.float32)
    out = Core().compile_model(model, "CPU")({"image/Y": Y.astype(np.float32), "image/UV": uv})
    np.testing.assert_allclose(out[0].transpose(0, 2, 3, 1), bt601(integral=False), atol=1e-3)
