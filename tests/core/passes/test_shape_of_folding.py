"""ShapeOf folding turns static shapes into Constants, enabling constant folding after it."""

from __future__ import annotations

import numpy as np
from pyvino import Constant, Dimension, Model, Parameter, PartialShape, Type
from pyvino.passes import constant_folding, shape_of_folding


def i64(values, name):
    return Constant(np.array(values, np.int64), Type.i64, name)


def flatten_model(ops, shape):
    """Reshape(x, Concat(Gather(ShapeOf(x), [0]), [-1])): flatten all but the first axis."""
    x = Parameter(Type.f32, shape, "x")
    shape_of = ops("ShapeOf")([x], {}, "shape")
    first = ops("Gather")([shape_of, i64([0], "idx"), i64(0, "axis")], {}, "first")
    target = ops("Concat")([first, i64([-1], "rest")], {"axis": 0}, "target")
    y = ops("Reshape")([x, target], {"special_zero": False}, "flat")
    return Model([y], [x], "m"), y


def test_static_shape_folds_then_the_shape_chain_folds(ops, evaluate, op_types):
    model, reshape = flatten_model(ops, [2, 3, 4])
    assert shape_of_folding.run(model) is True
    assert "ShapeOf" not in op_types(model)
    assert constant_folding.run(model) is True
    target = reshape.inputs[1].node
    assert isinstance(target, Constant) and target.friendly_name == "target"
    np.testing.assert_array_equal(target.data, [2, -1])
    assert op_types(model) == ["Parameter", "Constant", "Reshape", "Result"]
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    (y,) = evaluate(model, [x])
    np.testing.assert_array_equal(y, x.reshape(2, 12))


def test_dynamic_shape_is_kept(ops, op_types):
    model, _ = flatten_model(ops, PartialShape([Dimension(), 3, 4]))
    assert shape_of_folding.run(model) is False
    assert "ShapeOf" in op_types(model)


def test_shape_of_3_keeps_its_output_type(ops):
    x = Parameter(Type.f32, [5, 7], "x")
    s = ops("ShapeOf", 3)([x], {"output_type": "i32"}, "s")
    s.output(0).set_names(["dims"])
    model = Model([s], [x], "m")
    assert shape_of_folding.run(model) is True
    folded = model.output("dims").node
    assert isinstance(folded, Constant) and folded.get_output_element_type(0) is Type.i32
    assert folded.data.dtype == np.int32
    np.testing.assert_array_equal(folded.data, [5, 7])
