"""Postprocessing, crop, pad, custom steps, numeric convert_layout, reverse_channels."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Core, Model, Type
from pyvino.preprocess import Layout, PaddingMode, PrePostProcessor, get_layout

RNG = np.random.default_rng(5)


def model_nchw(shape: list[int]) -> Model:
    """``relu(x) * 2`` with output tensor name ``prob``."""
    ops = pyvino.opset15
    x = ops.parameter(shape, "f32", name="x")
    y = ops.multiply(ops.relu(x), np.float32(2.0), name="head")
    y.output(0).set_names(["prob"])
    return Model([y], [x], "m")


def infer(model: Model, x: np.ndarray, device: str = "CPU") -> np.ndarray:
    return Core().compile_model(model, device)(x)["prob"]


def test_postprocess_convert_type_and_layout(device: str):
    ppp = PrePostProcessor(model_nchw([1, 3, 2, 4]))
    ppp.output().model().set_layout("NCHW")
    ppp.output().tensor().set_layout(Layout("NHWC")).set_element_type(Type.f16)
    model = ppp.build()
    assert model.output("prob").element_type is Type.f16
    assert get_layout(model.get_results()[0].output(0)) == Layout("NHWC")
    x = RNG.standard_normal((1, 3, 2, 4)).astype(np.float32)
    out = infer(model, x, device)
    assert out.dtype == np.float16 and out.shape == (1, 2, 4, 3)
    np.testing.assert_allclose(out, (np.maximum(x, 0) * 2).transpose(0, 2, 3, 1), rtol=1e-3)


def test_postprocess_custom_step_and_print():
    ppp = PrePostProcessor(model_nchw([1, 3, 2, 2]))
    ppp.output().postprocess().custom(lambda out: pyvino.opset15.negative(out)) \
        .convert_element_type(Type.f16)
    text = str(ppp)
    assert 'Output "prob":' in text and "Post-processing steps (2):" in text
    assert "custom: ([1,3,2,2], <no layout>, f32) -> ([1,3,2,2], <no layout>, f32)" in text
    assert "User's output tensor: [1,3,2,2], <no layout>, f16" in text
    model = ppp.build()
    x = RNG.standard_normal((1, 3, 2, 2)).astype(np.float32)
    np.testing.assert_allclose(infer(model, x), -np.maximum(x, 0) * 2, rtol=1e-3)
    assert model.output("prob").node.friendly_name == "head.0"


def test_crop_then_pad_then_custom():
    ppp = PrePostProcessor(model_nchw([1, 3, 4, 4]))
    ppp.input().tensor().set_shape([1, 3, 6, 5])
    ppp.input().preprocess().crop([0, 0, 1, 1], [1, 3, 5, 4]) \
        .pad([0, 0, 0, 1], [0, 0, 0, 0], 7.0, PaddingMode.CONSTANT) \
        .custom(lambda out: pyvino.opset15.abs(out))
    model = ppp.build()
    assert model.input().partial_shape == [1, 3, 6, 5]
    x = RNG.standard_normal((1, 3, 6, 5)).astype(np.float32)
    expected = np.abs(np.pad(x[:, :, 1:5, 1:4], [(0, 0), (0, 0), (0, 0), (1, 0)],
                             constant_values=7.0))
    np.testing.assert_allclose(infer(model, x), expected * 2, rtol=1e-6)


def test_numeric_convert_layout_gives_the_tensor_shape():
    ppp = PrePostProcessor(model_nchw([1, 3, 4, 5]))
    ppp.input().preprocess().convert_layout([0, 3, 1, 2])
    model = ppp.build()
    assert model.input().partial_shape == [1, 4, 5, 3]
    x = RNG.standard_normal((1, 4, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(infer(model, x), np.maximum(x, 0).transpose(0, 3, 1, 2) * 2)


def test_reverse_channels_with_a_dynamic_channel_count():
    ppp = PrePostProcessor(model_nchw([1, -1, 2, 2]))
    ppp.input().model().set_layout("NCHW")
    ppp.input().preprocess().reverse_channels()
    model = ppp.build()
    x = RNG.standard_normal((1, 5, 2, 2)).astype(np.float32)
    np.testing.assert_allclose(infer(model, x), np.maximum(x[:, ::-1], 0) * 2)


def test_wrong_final_shape_names_the_parameter():
    ppp = PrePostProcessor(model_nchw([1, 3, 4, 4]))
    ppp.input().tensor().set_shape([1, 3, 5, 5])
    with pytest.raises(pyvino.PyvinoError, match="input parameter: x"):
        ppp.build()


def test_inputs_and_outputs_by_name_and_index():
    ppp = PrePostProcessor(model_nchw([1, 3, 4, 4]))
    assert ppp.input("x") is ppp.input(0) is ppp.input()
    assert ppp.output("prob") is ppp.output(0)
    with pytest.raises(pyvino.PyvinoError, match="no input named 'nope'"):
        ppp.input("nope")
