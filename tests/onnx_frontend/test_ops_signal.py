"""DFT and STFT converters: which OpenVINO transform they build, and values against
onnx.reference (real and complex signals, onesided, inverse, dft_length, runtime axis)."""

from __future__ import annotations

import numpy as np
import pytest
from frontend_helpers import assert_matches_reference, make_model, tensor
from onnx import TensorProto, helper
from pyvino.frontend.onnx import convert_onnx

RNG = np.random.default_rng(21)


def dft_model(shape, opset=20, axis=None, length=None, runtime_axis=False, **attrs):
    names, inputs, inits = ["x"], [tensor("x", shape)], []
    if length is not None:
        inits.append(("n", np.array(length, np.int64)))
    names.append("n" if length is not None else "")
    if axis is not None and opset >= 20:
        names.append("axis")
        if runtime_axis:
            inputs.append(tensor("axis", [], TensorProto.INT64))
        else:
            inits.append(("axis", np.array(axis, np.int64)))
    elif axis is not None:
        attrs["axis"] = axis
    node = helper.make_node("DFT", names, ["y"], **attrs)
    return make_model([node], inputs, [tensor("y", None)], opset=opset, initializers=inits)


def op_types(model) -> set[str]:
    return {op.type_name for op in model.get_ordered_ops()}


@pytest.mark.parametrize(
    "last, attrs, expected",
    [
        (1, {}, "DFT"),
        (2, {"inverse": 1}, "IDFT"),
        (1, {"onesided": 1}, "RDFT"),
        (2, {"inverse": 1, "onesided": 1}, "IRDFT"),
    ],
)
def test_dft_builds_the_matching_openvino_transform(registry, last, attrs, expected):
    proto = dft_model([2, 8, last], axis=1, **attrs)
    assert expected in op_types(convert_onnx(proto, registry=registry))
    x = RNG.standard_normal((2, 8, last)).astype(np.float32)
    assert_matches_reference(proto, [x], registry)


@pytest.mark.parametrize(
    "shape, axis, length, attrs",
    [
        ([3, 6, 4, 1], -2, None, {}),
        ([3, 6, 4, 2], 1, 8, {}),
        ([3, 6, 4, 2], 2, 3, {"inverse": 1}),
        ([3, 6, 4, 1], 1, 5, {"onesided": 1}),
        ([3, 5, 4, 2], 1, 8, {"inverse": 1, "onesided": 1}),
        ([3, 6, 4, 2], 1, None, {"onesided": 1}),  # complex onesided: half of a full DFT
    ],
)
def test_dft_values_match_onnx(registry, shape, axis, length, attrs):
    x = RNG.standard_normal(shape).astype(np.float32)
    assert_matches_reference(dft_model(shape, axis=axis, length=length, **attrs), [x], registry)


def test_dft_opset17_axis_attribute_and_runtime_axis(registry):
    x = RNG.standard_normal((2, 5, 6, 2)).astype(np.float32)
    assert_matches_reference(dft_model([2, 5, 6, 2], opset=17, axis=2), [x], registry)
    proto = dft_model([2, 5, 6, 2], axis=-2, runtime_axis=True)
    assert "FloorMod" in op_types(convert_onnx(proto, registry=registry))
    assert_matches_reference(proto, [x, np.array(-2, np.int64)], registry)


def test_dft_rejects_the_complex_axis(registry):
    with pytest.raises(Exception, match="last .*axis"):
        convert_onnx(dft_model([2, 5, 2], axis=2), registry=registry)


@pytest.mark.parametrize("onesided, last", [(1, 1), (0, 1), (0, 2)])
@pytest.mark.parametrize("with_window", [False, True])
def test_stft_matches_onnx(registry, onesided, last, with_window):
    inits = [("step", np.array(3, np.int64)), ("length", np.array(8, np.int64))]
    names = ["signal", "step", "", "length"]
    if with_window:
        inits.append(("window", np.hanning(8).astype(np.float32)))
        names[2] = "window"
    node = helper.make_node("STFT", names, ["y"], onesided=onesided)
    proto = make_model(
        [node], [tensor("signal", [2, 32, last])], [tensor("y", None)], opset=17, initializers=inits
    )
    assert ("RDFT" if onesided else "DFT") in op_types(convert_onnx(proto, registry=registry))
    signal = RNG.standard_normal((2, 32, last)).astype(np.float32)
    assert_matches_reference(proto, [signal], registry)
