"""Constant folding replaces all-constant subgraphs by Constants with hand-computed values."""

from __future__ import annotations

import numpy as np
from pyvino import Constant, Model, Parameter, Type
from pyvino.passes import constant_folding


def const(values, name, t=Type.f32):
    return Constant(np.array(values).astype(t.dtype), t, name)


def test_folds_a_chain_and_keeps_names(ops, evaluate, op_types):
    x = Parameter(Type.f32, [3], "x")
    s = ops("Add")([const([1, 2, 3], "a"), const([10, 20, 30], "b")], {}, "sum")
    s.output(0).set_names(["s"])
    p = ops("Multiply")([s, const([2, 2, 2], "two")], {}, "prod")
    y = ops("Add")([x, p], {}, "y")
    model = Model([y], [x], "m")
    assert constant_folding.run(model) is True
    assert op_types(model).count("Constant") == 1
    folded = model.get_ordered_ops()[1]
    assert isinstance(folded, Constant) and folded.friendly_name == "prod"
    np.testing.assert_array_equal(folded.data, [22, 44, 66])  # (1+10)*2, (2+20)*2, (3+30)*2
    (out,) = evaluate(model, [np.array([1, 1, 1], np.float32)])
    np.testing.assert_array_equal(out, [23, 45, 67])
    assert constant_folding.run(model) is False


def test_tensor_names_move_to_the_folded_constant(ops):
    s = ops("Add")([const([1], "a"), const([2], "b")], {}, "sum")
    s.output(0).set_names(["s"])
    s.output(0).rt_info["layout"] = {"layout": "[C]"}
    s.rt_info["fused_names"] = {"value": "sum"}
    model = Model([s], [], "m")
    constant_folding.run(model)
    out = model.output("s")
    assert isinstance(out.node, Constant) and out.node.friendly_name == "sum"
    assert out.rt_info == {"layout": {"layout": "[C]"}}
    assert out.node.rt_info == {"fused_names": {"value": "sum"}}
    np.testing.assert_array_equal(out.node.data, [3])
    assert model.get_results()[0].inputs[0].node is out.node


def test_decompression_convert_is_kept_but_plain_convert_folds(ops, op_types):
    x = Parameter(Type.f32, [2], "x")
    w16 = const([0.5, 1.5], "w_compressed", Type.f16)
    decompress = ops("Convert")([w16], {"destination_type": "f32"}, "w")
    decompress.rt_info["decompression"] = {}
    plain = ops("Convert")([const([1, 2], "i", Type.i32)], {"destination_type": "f32"}, "i_f")
    y = ops("Add")([ops("Add")([x, decompress], {}, "a1"), plain], {}, "a2")
    model = Model([y], [x], "m")
    assert constant_folding.run(model) is True
    assert op_types(model).count("Convert") == 1
    folded = y.inputs[1].node
    assert isinstance(folded, Constant) and folded.get_output_element_type(0) is Type.f32
    np.testing.assert_array_equal(folded.data, [1.0, 2.0])


def test_multi_output_nodes_fold_to_one_constant_per_output(ops):
    data = const([[1, 2, 3, 4]], "d")
    split = ops("Split")([data, const(1, "axis", Type.i64)], {"num_splits": 2}, "split")
    model = Model([split.output(0), split.output(1)], [], "m")
    assert constant_folding.run(model) is True
    first, second = (r.inputs[0].node for r in model.get_results())
    assert (first.friendly_name, second.friendly_name) == ("split.0", "split.1")
    np.testing.assert_array_equal(first.data, [[1, 2]])
    np.testing.assert_array_equal(second.data, [[3, 4]])


def test_large_outputs_are_not_folded(ops, monkeypatch):
    s = ops("Add")([const(np.ones(8), "a"), const(np.ones(8), "b")], {}, "sum")
    model = Model([s], [], "m")
    monkeypatch.setattr(constant_folding, "MAX_FOLDED_ELEMENTS", 7)
    assert constant_folding.run(model) is False
    monkeypatch.setattr(constant_folding, "MAX_FOLDED_ELEMENTS", 8)
    assert constant_folding.run(model) is True


def test_nodes_reading_parameters_are_left_alone(ops):
    x = Parameter(Type.f32, [2], "x")
    y = ops("Add")([x, const([1, 2], "c")], {}, "y")
    model = Model([y], [x], "m")
    assert constant_folding.run(model) is False
    assert model.get_results()[0].inputs[0].node is y
