"""A u8 NHWC BGR image through PrePostProcessor into an NCHW RGB f32 normalised model."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Core, Model, Type
from pyvino.preprocess import ColorFormat, Layout, PrePostProcessor, ResizeAlgorithm

MEAN = [123.675, 116.28, 103.53]
STD = [58.395, 57.12, 57.375]


def identity_model(shape: list[int]) -> Model:
    """``x * 1``: the output is exactly what preprocessing fed in (NCHW, f32)."""
    ops = pyvino.opset15
    x = ops.parameter(shape, "f32", name="image")
    y = ops.multiply(x, np.float32(1.0), name="scale_one")
    y.output(0).set_names(["out"])
    return Model([y], [x], "identity")


def build_bgr_u8(model: Model, resize: bool = False) -> PrePostProcessor:
    ppp = PrePostProcessor(model)
    tensor = ppp.input().tensor()
    tensor.set_element_type(Type.u8).set_layout(Layout("NHWC")).set_color_format(ColorFormat.BGR)
    if resize:
        tensor.set_spatial_static_shape(12, 16)
    ppp.input().model().set_layout(Layout("NCHW"))
    steps = ppp.input().preprocess().convert_element_type(Type.f32).convert_color(ColorFormat.RGB)
    if resize:
        steps.resize(ResizeAlgorithm.RESIZE_LINEAR)
    steps.mean(MEAN).scale(STD)
    return ppp


def by_hand(img: np.ndarray) -> np.ndarray:
    """The same preprocessing in numpy: BGR->RGB, normalise, NHWC->NCHW."""
    rgb = img[..., ::-1].astype(np.float32)
    norm = (rgb - np.float32(MEAN)) / np.float32(STD)
    return norm.transpose(0, 3, 1, 2)


def test_u8_bgr_nhwc_image_matches_numpy(device: str):
    model = build_bgr_u8(identity_model([1, 3, 6, 8])).build()
    assert model.input().element_type is Type.u8
    assert list(model.input().partial_shape) == [1, 6, 8, 3]
    img = np.random.default_rng(0).integers(0, 256, (1, 6, 8, 3), dtype=np.uint8)
    out = Core().compile_model(model, device)(img)["out"]
    tol = 1e-5 if device == "CPU" else 2e-2  # GPU may run f16
    np.testing.assert_allclose(out, by_hand(img), rtol=tol, atol=tol)


def test_build_inserts_real_ops_and_keeps_names():
    model = build_bgr_u8(identity_model([1, 3, 6, 8]), resize=True).build()
    types = [n.type_name for n in model.get_ordered_ops()]
    for op in ("Convert", "Gather", "Interpolate", "Subtract", "Divide", "Transpose"):
        assert op in types, types
    assert types.index("Convert") < types.index("Gather") < types.index("Interpolate") \
        < types.index("Subtract") < types.index("Divide") < types.index("Transpose")
    param = model.get_parameters()[0]
    assert param.friendly_name == "image" and model.input("image") is not None
    assert list(param.get_partial_shape()) == [1, 12, 16, 3]
    assert model.output("out").partial_shape == [1, 3, 6, 8]


def test_resize_then_normalise_matches_numpy(device: str):
    model = build_bgr_u8(identity_model([1, 3, 6, 8]), resize=True).build()
    img = np.random.default_rng(1).integers(0, 256, (1, 12, 16, 3), dtype=np.uint8)
    out = Core().compile_model(model, device)(img)[0]
    # 12x16 -> 6x8 with half-pixel linear = the mean of each 2x2 block
    f = img.astype(np.float32)
    pooled = (f[:, 0::2, 0::2] + f[:, 1::2, 0::2] + f[:, 0::2, 1::2] + f[:, 1::2, 1::2]) / 4
    expected = by_hand(pooled)
    tol = 1e-4 if device == "CPU" else 3e-2
    np.testing.assert_allclose(out, expected, rtol=tol, atol=tol)


def test_print_shows_the_step_chain():
    ppp = build_bgr_u8(identity_model([1, 3, 6, 8]), resize=True)
    text = str(ppp)
    assert 'Input "image" (color BGR):' in text
    assert "User's input tensor: [1,12,16,3], [N,H,W,C], u8" in text
    assert "Model's expected tensor: [1,3,6,8], [N,C,H,W], f32" in text
    assert "Pre-processing steps (5):" in text
    assert "convert color (RGB): ([1,12,16,3], [N,H,W,C], f32, BGR) -> " \
        "([1,12,16,3], [N,H,W,C], f32, RGB)" in text
    assert "resize to model width/height" in text and "-> ([1,6,8,3]" in text
    assert "Implicit pre-processing steps (1):" in text
    assert "convert layout [N,C,H,W]: ([1,6,8,3], [N,H,W,C], f32, RGB) -> " \
        "([1,3,6,8], [N,C,H,W], f32, RGB)" in text
    # printing builds nothing into the model
    assert ppp._model.input().element_type is Type.f32


def test_implicit_convert_and_layout_without_explicit_steps():
    ppp = PrePostProcessor(identity_model([1, 3, 4, 5]))
    ppp.input().tensor().set_element_type(Type.u8).set_layout("NHWC")
    ppp.input().model().set_layout("NCHW")
    model = ppp.build()
    img = np.arange(60, dtype=np.uint8).reshape(1, 4, 5, 3)
    out = Core().compile_model(model, "CPU")(img)[0]
    np.testing.assert_array_equal(out, img.transpose(0, 3, 1, 2).astype(np.float32))


def test_per_channel_mean_needs_a_channels_dimension():
    ppp = PrePostProcessor(identity_model([1, 3, 4, 5]))
    ppp.input().preprocess().mean([1.0, 2.0, 3.0])
    with pytest.raises(pyvino.PyvinoError, match="needs a layout with 'C'"):
        ppp.build()


def test_scale_on_integers_asks_for_a_conversion():
    ppp = PrePostProcessor(identity_model([1, 3, 4, 5]))
    ppp.input().tensor().set_element_type(Type.u8)
    ppp.input().preprocess().scale(2.0)
    with pytest.raises(pyvino.PyvinoError, match="convert_element_type"):
        ppp.build()
