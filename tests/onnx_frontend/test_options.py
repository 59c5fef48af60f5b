"""The input= (shape overrides) and output= (cut) options, as ovc --input / --output."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from frontend_helpers import make_model, run_pyvino, tensor
from onnx import helper
from pyvino import Dimension, PartialShape
from pyvino.frontend.onnx import convert_onnx


def two_input_model():
    """a[?,4] + b[?,4] -> s; Relu(s) -> r; Neg(r) -> y; also c (unused)."""
    nodes = [
        helper.make_node("Add", ["a", "b"], ["s"], name="add"),
        helper.make_node("Relu", ["s"], ["r"], name="relu"),
        helper.make_node("Neg", ["r"], ["y"], name="neg"),
        helper.make_node("Sigmoid", ["c"], ["z"], name="sig"),
    ]
    inputs = [tensor("a", ["n", 4]), tensor("b", ["n", 4]), tensor("c", [3])]
    return make_model(nodes, inputs, [tensor("y", None), tensor("z", None)], opset=14)


def shapes(model):
    return {p.friendly_name: str(p.get_partial_shape()) for p in model.get_parameters()}


@pytest.mark.parametrize(
    "option, expected",
    [
        ({"a": [2, 4], "b": [-1, 4]}, {"a": "[2,4]", "b": "[?,4]"}),
        ([[1, 4], ["?", 4]], {"a": "[1,4]", "b": "[?,4]"}),
        ([("b", [3, 4])], {"a": "[?,4]", "b": "[3,4]"}),
        ({"a": ["1..8", 4]}, {"a": "[1..8,4]", "b": "[?,4]"}),
        ({"a": [(2, 6), 4]}, {"a": "[2..6,4]", "b": "[?,4]"}),
        ({"a": PartialShape([Dimension(5), Dimension(4)])}, {"a": "[5,4]", "b": "[?,4]"}),
        ("a[7,4],b[?,4]", {"a": "[7,4]", "b": "[?,4]"}),
        ({"a": "[2..,4]"}, {"a": "[2..,4]", "b": "[?,4]"}),
    ],
)
def test_input_shapes(registry, option, expected):
    model = convert_onnx(two_input_model(), registry=registry, input=option)
    got = shapes(model)
    for name, shape in expected.items():
        assert got[name] == shape


def test_input_shape_propagates_through_the_graph(registry):
    model = convert_onnx(two_input_model(), registry=registry, input={"a": [2, 4], "b": [2, 4]})
    assert model.output("y").get_partial_shape() == PartialShape([2, 4])


def test_single_shape_for_a_single_input_model(registry):
    proto = make_model(
        [helper.make_node("Relu", ["x"], ["y"])], [tensor("x", ["n", 3])], [tensor("y", None)]
    )
    model = convert_onnx(proto, registry=registry, input=[5, 3])
    assert shapes(model) == {"x": "[5,3]"}


@pytest.mark.parametrize("option", [{"nope": [1, 4]}, [[1], [2], [3], [4]], {"a": "[1,x]"}])
def test_bad_input_option_is_a_conversion_error(registry, option):
    with pytest.raises(pyvino.ConversionError, match="input"):
        convert_onnx(two_input_model(), registry=registry, input=option)


def test_output_cuts_the_model(registry):
    model = convert_onnx(two_input_model(), registry=registry, output=["s"])
    assert [sorted(o.get_names()) for o in model.outputs] == [["s"]]
    assert [p.friendly_name for p in model.get_parameters()] == ["a", "b"]
    assert {op.type_name for op in model.get_ordered_ops()} == {"Parameter", "Add", "Result"}
    a = np.array([[1, -2, 3, -4]], np.float32)
    (s,) = run_pyvino(model, [a, a], registry)
    np.testing.assert_array_equal(s, 2 * a)


def test_output_accepts_comma_separated_names_and_intermediate_tensors(registry):
    model = convert_onnx(two_input_model(), registry=registry, output="r,z")
    assert [sorted(o.get_names()) for o in model.outputs] == [["r"], ["z"]]


def test_output_cut_skips_unsupported_nodes_beyond_it(registry):
    nodes = [
        helper.make_node("Relu", ["x"], ["r"]),
        helper.make_node("NoSuchOp", ["r"], ["y"], domain="x.y"),
    ]
    proto = make_model(nodes, [tensor("x", [2])], [tensor("y", None)])
    proto.opset_import.append(helper.make_opsetid("x.y", 1))
    with pytest.raises(pyvino.UnsupportedOpError):
        convert_onnx(proto, registry=registry)
    model = convert_onnx(proto, registry=registry, output=["r"])
    assert model.output(0).get_names() == {"r"}


def test_unknown_output_name_is_a_conversion_error(registry):
    with pytest.raises(pyvino.ConversionError, match="'nothere'"):
        convert_onnx(two_input_model(), registry=registry, output=["nothere"])
