"""Model: topological order, names, clone, reshape, rt_info, and typed attribute errors."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino import Constant, Model, OpValidationError, Parameter, PyvinoError, Result

from .conftest import TRelu, TScale


def _chain():
    x = Parameter("f32", "?,4", name="x")
    x.output(0).set_names(["x"])
    a = TRelu([x], name="relu")
    b = TScale([a], {"factor": 2.0}, name="scale")
    b.output(0).set_names(["y", "y_alias"])
    return x, a, b, Model([b], [x], "chain")


def test_topological_order_and_ports():
    x, a, b, m = _chain()
    order = m.get_ordered_ops()
    assert [n.friendly_name for n in order] == ["x", "relu", "scale", "scale/sink_port_0"]
    assert isinstance(order[-1], Result)
    assert m.input("x").node is x and m.output("y_alias").node is b
    assert m.output(0).get_names() == {"y", "y_alias"}
    with pytest.raises(PyvinoError, match="no output named 'nope'"):
        m.output("nope")


def test_unused_parameter_is_kept_first():
    x = Parameter("f32", [2], name="x")
    unused = Parameter("f32", [3], name="unused")
    m = Model([TRelu([x])], [x, unused])
    assert m.get_ordered_ops()[0] is unused
    assert len(m.inputs) == 2


def test_parameter_missing_from_list_is_an_error():
    x = Parameter("f32", [2], name="x")
    with pytest.raises(PyvinoError, match="Parameter\\(s\\) x are used"):
        Model([TRelu([x])], [])


def test_reshape_reinfers_and_clone_is_independent():
    x, a, b, m = _chain()
    assert m.is_dynamic
    clone = m.clone()
    m.reshape({"x": [3, 4]})
    assert m.output(0).partial_shape.to_shape() == (3, 4)
    assert not m.is_dynamic
    assert str(clone.output(0).partial_shape) == "[?,4]"
    assert clone.output(0).get_names() == {"y", "y_alias"}
    assert clone.get_ordered_ops()[2].attrs["factor"] == 2.0
    assert clone.get_ordered_ops()[2] is not b


def test_rt_info_paths():
    *_, m = _chain()
    m.set_rt_info("v", ["model_info", "foo"])
    assert m.get_rt_info(["model_info", "foo"]) == "v"
    assert m.has_rt_info("model_info") and not m.has_rt_info(["model_info", "bar"])


def test_attribute_errors_name_node_op_and_attribute():
    x = Parameter("f32", [2], name="x")
    with pytest.raises(OpValidationError, match="node 'sc' \\(Scale-1\\): attribute 'factor'.*number"):
        TScale([x], {"factor": "big"}, name="sc")
    with pytest.raises(OpValidationError, match="attribute 'factor' is required"):
        TScale([x], {}, name="sc")
    with pytest.raises(OpValidationError, match="unknown attribute\\(s\\) color"):
        TScale([x], {"factor": 1, "color": "red"}, name="sc")


def test_constant_values_propagate_for_shape_inference():
    c = Constant(np.array([-1.0, 2.0], np.float32))
    r = TRelu([c])
    np.testing.assert_array_equal(r.output_value(0), [0.0, 2.0])
    assert Constant([1, 2]).attrs["element_type"].name == "i64"
    assert Constant(1.5).attrs["element_type"].name == "f32"
