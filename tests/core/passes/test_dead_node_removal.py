"""No-op nodes are bypassed; decompression Converts and nodes feeding Results stay."""

from __future__ import annotations

import numpy as np
from pyvino import Constant, Model, Parameter, Type
from pyvino.passes import dead_node_removal


def i64(values, name):
    return Constant(np.array(values, np.int64), Type.i64, name)


def test_no_ops_are_bypassed_and_names_move(ops, evaluate, op_types):
    x = Parameter(Type.f32, [2, 3], "x")
    cvt = ops("Convert")([x], {"destination_type": "f32"}, "same_type")
    reshape = ops("Reshape")([cvt, i64([2, 3], "shape")], {"special_zero": False}, "same_shape")
    reshape.output(0).set_names(["kept_name"])
    transpose = ops("Transpose")([reshape, i64([0, 1], "order")], {}, "identity_order")
    concat = ops("Concat")([transpose], {"axis": 0}, "single")
    y = ops("Relu")([concat], {}, "y")
    model = Model([y], [x], "m")
    assert dead_node_removal.run(model) is True
    assert op_types(model) == ["Parameter", "Relu", "Result"]
    assert y.inputs[0].node is x
    assert "kept_name" in x.output(0).names
    value = np.array([[-1, 2, -3], [4, -5, 6]], np.float32)
    (out,) = evaluate(model, [value])
    np.testing.assert_array_equal(out, np.maximum(value, 0))
    assert dead_node_removal.run(model) is False


def test_real_work_and_decompression_are_kept(ops, op_types):
    x = Parameter(Type.f32, [2, 3], "x")
    to_i32 = ops("Convert")([x], {"destination_type": "i32"}, "to_i32")
    reshape = ops("Reshape")([to_i32, i64([3, 2], "shape")], {"special_zero": False}, "reshape")
    swap = ops("Transpose")([reshape, i64([1, 0], "order")], {}, "swap")
    w = Constant(np.ones((2, 3), np.float32), Type.f32, "w")
    marked = ops("Convert")([w], {"destination_type": "f32"}, "marked")
    marked.rt_info["decompression"] = {}
    total = ops("Add")([x, marked], {}, "total")
    model = Model([swap, total], [x], "m")
    assert dead_node_removal.run(model) is False
    assert op_types(model).count("Convert") == 2
    assert {"Reshape", "Transpose"} <= set(op_types(model))


def test_no_op_read_by_a_result_is_kept(ops, op_types):
    x = Parameter(Type.f32, [2], "x")
    x.output(0).set_names(["x"])
    cvt = ops("Convert")([x], {"destination_type": "f32"}, "copy")
    cvt.output(0).set_names(["y"])
    model = Model([cvt], [x], "m")
    assert dead_node_removal.run(model) is False
    assert model.output("y").node is cvt and model.input("x").names == {"x"}
