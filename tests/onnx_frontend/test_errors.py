"""Unsupported operations and malformed models give typed errors naming what is wrong."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
import pyvino
from frontend_helpers import make_model, tensor
from onnx import helper
from pyvino.frontend.onnx import convert_onnx


def test_three_unsupported_ops_give_one_error_naming_all_nodes(registry):
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name="fine"),
        helper.make_node("Foo", ["a"], ["b"], name="first_foo", domain="com.acme"),
        helper.make_node("Bar", ["b"], ["c"], name="the_bar", domain="com.acme"),
        helper.make_node("Foo", ["c"], ["d"], name="second_foo", domain="com.acme"),
        helper.make_node(
            "TfIdfVectorizer",
            ["d"],
            ["y"],
            name="tfidf",
            mode="TF",
            min_gram_length=1,
            max_gram_length=1,
            max_skip_count=0,
            ngram_counts=[0],
            ngram_indexes=[0],
            pool_int64s=[1],
        ),
    ]
    proto = make_model(nodes, [tensor("x", [4])], [tensor("y", None)], opset=17)
    proto.opset_import.append(helper.make_opsetid("com.acme", 2))
    with pytest.raises(pyvino.UnsupportedOpError) as info:
        convert_onnx(proto, registry=registry)
    message = str(info.value)
    for part in (
        "com.acme.Foo (opset 2)",
        "com.acme.Bar (opset 2)",
        "TfIdfVectorizer (opset 17)",
        "'first_foo'",
        "'second_foo'",
        "'the_bar'",
        "'tfidf'",
    ):
        assert part in message
    assert "3 ONNX operation" in message
    assert sorted(info.value.ops) == sorted(
        [
            ("com.acme", "Foo", 2, "first_foo"),
            ("com.acme", "Bar", 2, "the_bar"),
            ("com.acme", "Foo", 2, "second_foo"),
            ("", "TfIdfVectorizer", 17, "tfidf"),
        ]
    )
    assert isinstance(info.value, pyvino.ConversionError)


def test_unsupported_op_inside_a_subgraph_is_reported(registry):
    branch = helper.make_graph(
        [helper.make_node("Foo", [], ["o"], name="inner", domain="z")], "b", [], [tensor("o", [1])]
    )
    node = helper.make_node("If", ["c"], ["y"], name="if", then_branch=branch, else_branch=branch)
    proto = make_model([node], [tensor("c", [], onnx.TensorProto.BOOL)], [tensor("y", None)])
    proto.opset_import.append(helper.make_opsetid("z", 1))
    with pytest.raises(pyvino.UnsupportedOpError, match="z.Foo.*'inner'"):
        convert_onnx(proto, registry=registry)


def good_bytes() -> bytes:
    proto = make_model(
        [helper.make_node("Relu", ["x"], ["y"])], [tensor("x", [2])], [tensor("y", None)]
    )
    return proto.SerializeToString()


def test_truncated_file(registry, tmp_path):
    path = tmp_path / "cut.onnx"
    path.write_bytes(good_bytes()[:-7])
    with pytest.raises(pyvino.ConversionError, match="cut.onnx.*not a valid ONNX model"):
        convert_onnx(path, registry=registry)


@pytest.mark.parametrize(
    "content", [b"<?xml version='1.0'?><net/>", b"\x89PNG\r\n\x1a\n", b"", b"hello"]
)
def test_wrong_file_type(registry, tmp_path, content):
    path = tmp_path / "model.onnx"
    path.write_bytes(content)
    with pytest.raises(pyvino.ConversionError, match="not a valid ONNX model"):
        convert_onnx(path, registry=registry)


def test_missing_file(registry, tmp_path):
    with pytest.raises(pyvino.ConversionError, match="does not exist"):
        convert_onnx(tmp_path / "nope.onnx", registry=registry)


def test_unsupported_source_type(registry):
    with pytest.raises(pyvino.ConversionError, match="expected a path, bytes or onnx.ModelProto"):
        convert_onnx(42, registry=registry)  # type: ignore[arg-type]


def test_cycle_names_the_nodes(registry):
    nodes = [
        helper.make_node("Add", ["x", "b"], ["a"], name="left"),
        helper.make_node("Relu", ["a"], ["b"], name="right"),
    ]
    proto = make_model(nodes, [tensor("x", [2])], [tensor("b", None)])
    with pytest.raises(pyvino.ConversionError, match="cycle.*'left'.*'right'"):
        convert_onnx(proto, registry=registry)


def test_undefined_input_name(registry):
    nodes = [helper.make_node("Add", ["x", "missing_weight"], ["y"], name="adder")]
    proto = make_model(nodes, [tensor("x", [2])], [tensor("y", None)])
    with pytest.raises(pyvino.ConversionError, match="'adder' \\(Add\\) reads 'missing_weight'"):
        convert_onnx(proto, registry=registry)


def test_missing_graph_output(registry):
    proto = make_model(
        [helper.make_node("Relu", ["x"], ["y"])], [tensor("x", [2])], [tensor("zz", None)]
    )
    with pytest.raises(pyvino.ConversionError, match="'zz'"):
        convert_onnx(proto, registry=registry)


def test_value_produced_twice(registry):
    nodes = [
        helper.make_node("Relu", ["x"], ["y"], name="one"),
        helper.make_node("Neg", ["x"], ["y"], name="two"),
    ]
    proto = make_model(nodes, [tensor("x", [2])], [tensor("y", None)])
    with pytest.raises(pyvino.ConversionError, match="produced twice"):
        convert_onnx(proto, registry=registry)


def test_input_of_wrong_rank_names_the_node(registry):
    w = np.ones((4, 3, 3, 3), np.float32)
    nodes = [helper.make_node("Conv", ["x", "W"], ["y"], name="conv_bad")]
    proto = make_model(nodes, [tensor("x", [3, 8])], [tensor("y", None)], initializers=[("W", w)])
    with pytest.raises(
        pyvino.ConversionError, match="ONNX node 'conv_bad' \\(Conv, opset 17\\).*rank"
    ):
        convert_onnx(proto, registry=registry)


def test_incompatible_shapes_name_the_node(registry):
    nodes = [helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")]
    proto = make_model(nodes, [tensor("a", [2, 3]), tensor("b", [4, 5])], [tensor("y", None)])
    with pytest.raises(pyvino.ConversionError, match="ONNX node 'mm' \\(MatMul"):
        convert_onnx(proto, registry=registry)


def test_missing_required_attribute(registry):
    nodes = [helper.make_node("Concat", ["a", "b"], ["y"], name="cat")]
    proto = make_model(nodes, [tensor("a", [2]), tensor("b", [2])], [tensor("y", None)])
    with pytest.raises(pyvino.ConversionError, match="'cat' \\(Concat.*attribute 'axis'"):
        convert_onnx(proto, registry=registry)


def test_bad_attribute_value(registry):
    nodes = [helper.make_node("DepthToSpace", ["x"], ["y"], name="d2s", blocksize=2, mode="XYZ")]
    proto = make_model(nodes, [tensor("x", [1, 4, 2, 2])], [tensor("y", None)])
    with pytest.raises(pyvino.ConversionError, match="'d2s'.*attribute 'mode'.*DCR or CRD"):
        convert_onnx(proto, registry=registry)


def test_unsupported_element_type(registry):
    nodes = [helper.make_node("Identity", ["x"], ["y"])]
    proto = make_model(nodes, [tensor("x", [2], onnx.TensorProto.COMPLEX64)], [tensor("y", None)])
    with pytest.raises(pyvino.ConversionError, match="input 'x'.*COMPLEX64"):
        convert_onnx(proto, registry=registry)


def test_malformed_initializer_payload(registry):
    bad = onnx.TensorProto(
        name="w", data_type=onnx.TensorProto.FLOAT, dims=[4], raw_data=b"\x00" * 3
    )
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])],
        "g",
        [tensor("x", [4])],
        [tensor("y", None)],
        [bad],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(pyvino.ConversionError, match="initializer 'w'"):
        convert_onnx(proto, registry=registry)
