"""If-8, Loop-5 and TensorIterator-1 against onnx.reference If / Loop / Scan and hand loops."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import pyvino
from pyvino_opsets.control_flow import (
    BodyOutput,
    ConcatOutput,
    If8,
    InvariantInput,
    Loop5,
    MergedInput,
    SlicedInput,
    SpecialBodyPorts,
    TensorIterator1,
    body_port_maps,
)

rng = np.random.default_rng(3)
F = TensorProto.FLOAT


def rand(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape).astype(np.float32)


@pytest.fixture()
def ops(opset):
    return opset(15)


def vinfo(name: str, elem: int = F, shape=None):
    return helper.make_tensor_value_info(name, elem, shape)


def run_onnx(nodes, inputs, outputs, feeds, opset: int = 21):
    graph = helper.make_graph(nodes, "g", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return ReferenceEvaluator(model).run(None, feeds)


# ---------------------------------------------------------------- If
def make_if(ops, x_shape=(2, 3), y_shape=(2, 3)):
    a, b = ops.parameter(list(x_shape)), ops.parameter(list(y_shape))
    then = pyvino.Model([ops.add(a, b)], [a, b], "then")
    c, d = ops.parameter(list(x_shape)), ops.parameter(list(y_shape))
    other = pyvino.Model([ops.multiply(c, d), ops.subtract(c, d)], [c, d], "else")
    return then, other


def test_if_matches_onnx_if(ops):
    x, y = rand(2, 3), rand(2, 3)
    then_g = helper.make_graph([helper.make_node("Add", ["x", "y"], ["t"])], "then", [], [vinfo("t")])
    else_g = helper.make_graph([helper.make_node("Mul", ["x", "y"], ["e"])], "else", [], [vinfo("e")])
    node = helper.make_node("If", ["c"], ["out"], then_branch=then_g, else_branch=else_g)
    a, b = ops.parameter([2, 3]), ops.parameter([2, 3])
    c, d = ops.parameter([2, 3]), ops.parameter([2, 3])
    op = If8([ops.parameter([], "boolean"), ops.parameter([2, 3]), ops.parameter([2, 3])],
             then_body=pyvino.Model([ops.add(a, b)], [a, b]), else_body=pyvino.Model([ops.multiply(c, d)], [c, d]))
    for cond in (True, False):
        feeds = {"c": np.array(cond), "x": x, "y": y}
        (want,) = run_onnx([node], [vinfo("c", TensorProto.BOOL, []), vinfo("x", F, [2, 3]), vinfo("y", F, [2, 3])],
                           [vinfo("out")], feeds)
        (got,) = op.evaluate(np.array([cond]), x, y)
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_if_explicit_port_maps_follow_the_spec_example(ops):
    """then adds inputs 1 and 2, else adds inputs 1 and 3 (If-8 spec's example layout)."""
    a, b = ops.parameter([2, 4]), ops.parameter([2, 4])
    c, d = ops.parameter([2, 4]), ops.parameter([2, 4])
    op = If8([ops.parameter([1], "boolean"), *(ops.parameter([2, 4]) for _ in range(3))],
             then_body=pyvino.Model([ops.add(a, b)], [a, b]), else_body=pyvino.Model([ops.add(c, d)], [c, d]),
             input_descriptions={"then_body": [InvariantInput(1, 0), InvariantInput(2, 1)],
                                 "else_body": [InvariantInput(1, 0), InvariantInput(3, 1)]},
             output_descriptions={"then_body": [BodyOutput(0, 0)], "else_body": [BodyOutput(0, 0)]})
    x, y, z = rand(2, 4), rand(2, 4), rand(2, 4)
    np.testing.assert_allclose(op.evaluate(np.array([True]), x, y, z)[0], x + y)
    np.testing.assert_allclose(op.evaluate(np.array([False]), x, y, z)[0], x + z)


def test_if_output_shapes_merge_unless_cond_is_constant(ops):
    then, other = make_if(ops)
    a, b = ops.parameter([-1, 3]), ops.parameter([-1, 3])
    tall = pyvino.Model([ops.concat(a, b, axis=0), ops.subtract(a, b)], [a, b])
    xs = [ops.parameter([2, 3]), ops.parameter([2, 3])]
    op = If8([ops.parameter([], "boolean"), *xs], then_body=other, else_body=tall)
    assert str(op.get_output_partial_shape(0)) == "[2..4,3]"
    fixed = If8([ops.constant(np.array(False)), *xs], then_body=other.clone(), else_body=tall.clone())
    assert str(fixed.get_output_partial_shape(0)) == "[4,3]"
    assert then.get_results()[0].get_output_partial_shape(0).to_shape() == (2, 3)


def test_if_rejects_bad_condition_and_mismatched_bodies(ops):
    then, other = make_if(ops)
    xs = [ops.parameter([2, 3]), ops.parameter([2, 3])]
    with pytest.raises(pyvino.OpValidationError, match="cond"):
        If8([ops.parameter([], "f32"), *xs], then_body=then, else_body=other)
    p = ops.parameter([2, 3])
    ints = pyvino.Model([ops.convert(p, destination_type="i32")], [p, ops.parameter([2, 3])])
    with pytest.raises(pyvino.OpValidationError, match="element types"):
        If8([ops.parameter([], "boolean"), *xs], then_body=then, else_body=ints)
    with pytest.raises(pyvino.OpValidationError, match="else_body"):
        If8([ops.parameter([], "boolean"), *xs], then_body=then)


def test_if_through_the_builder_and_model_clone(ops):
    then, other = make_if(ops)
    cond, x, y = ops.parameter([], "boolean"), ops.parameter([2, 3]), ops.parameter([2, 3])
    node = ops.op_class("If")([cond, x, y], {"then_body": then, "else_body": other})
    node2 = getattr(ops, "If")(cond, x, y, then_body=then.clone(), else_body=other.clone(), name="branch")
    assert node2.friendly_name == "branch" and node.get_output_size() == 1
    model = pyvino.Model([node.output(0)], [cond, x, y]).clone()
    copy = [n for n in model.get_ordered_ops() if n.type_name == "If"][0]
    assert copy is not node and copy.bodies["then_body"] is not node.bodies["then_body"]
    xv, yv = rand(2, 3), rand(2, 3)
    np.testing.assert_allclose(copy.evaluate(np.array(False), xv, yv)[0], xv * yv, rtol=1e-6)


# ---------------------------------------------------------------- Loop
def onnx_loop(trip, cond0, v0, with_trip=True, limit=None):
    """ONNX Loop: v = v * 2 + i; scan output v; condition (v < limit) when limit is set."""
    body_nodes = [
        helper.make_node("Cast", ["i"], ["fi"], to=F),
        helper.make_node("Constant", [], ["two"], value=helper.make_tensor("two", F, [], [2.0])),
        helper.make_node("Mul", ["v", "two"], ["v2"]),
        helper.make_node("Add", ["v2", "fi"], ["v_out"]),
        helper.make_node("Identity", ["v_out"], ["scan"]),
    ]
    if limit is None:
        body_nodes.append(helper.make_node("Identity", ["c"], ["c_out"]))
    else:
        body_nodes += [helper.make_node("Constant", [], ["lim"], value=helper.make_tensor("lim", F, [], [limit])),
                       helper.make_node("ReduceMax", ["v_out"], ["mx"], keepdims=0),
                       helper.make_node("Less", ["mx", "lim"], ["c_out"])]
    body = helper.make_graph(body_nodes, "body",
                             [vinfo("i", TensorProto.INT64, []), vinfo("c", TensorProto.BOOL, []), vinfo("v", F, [2])],
                             [vinfo("c_out", TensorProto.BOOL, []), vinfo("v_out", F, [2]), vinfo("scan", F, [2])])
    node = helper.make_node("Loop", ["M" if with_trip else "", "cond", "v0"], ["v_final", "scans"], body=body)
    inputs = [vinfo("cond", TensorProto.BOOL, []), vinfo("v0", F, [2])]
    feeds = {"cond": np.array(cond0), "v0": v0}
    if with_trip:
        inputs.insert(0, vinfo("M", TensorProto.INT64, []))
        feeds["M"] = np.array(trip, np.int64)
    return run_onnx([node], inputs, [vinfo("v_final"), vinfo("scans")], feeds)


def make_loop(ops, trip, cond, limit=None, v_shape=(2,)):
    """The same loop in OpenVINO form: current-iteration parameter, back edge, concat output."""
    i, v = ops.parameter([], "i64"), ops.parameter(list(v_shape))
    v_out = ops.add(ops.multiply(v, np.float32(2)), ops.convert(i, destination_type="f32"))
    c_out = ops.constant(np.array(True)) if limit is None else ops.less(
        ops.reduce_max(v_out, np.array([0]), keep_dims=False), np.float32(limit))
    body = pyvino.Model([c_out, v_out, ops.unsqueeze(v_out, np.array([0]))], [i, v], "loop_body")
    return Loop5([trip, cond, ops.parameter(list(v_shape))], body=body,
                 input_descriptions=[MergedInput(2, 1, 1)],
                 output_descriptions=[BodyOutput(1, 0), ConcatOutput(2, 1, axis=0)],
                 special_body_ports=SpecialBodyPorts(current_iteration_input_idx=0, body_condition_output_idx=0))


def test_for_loop_matches_onnx_loop(ops):
    v0 = rand(2)
    op = make_loop(ops, ops.constant(np.array(5, np.int64)), ops.constant(np.array(True)))
    assert op.get_output_partial_shape(1).to_shape() == (5, 2)
    got = op.evaluate(np.array(5, np.int64), np.array(True), v0)
    for g, w in zip(got, onnx_loop(5, True, v0), strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_while_loop_with_body_condition_matches_onnx_loop(ops):
    v0 = np.array([0.5, 1.0], np.float32)
    op = make_loop(ops, ops.parameter([1], "i64"), ops.parameter([], "boolean"), limit=100.0)
    assert str(op.get_output_partial_shape(1)) == "[?,2]"
    got = op.evaluate(np.array([-1], np.int64), np.array(True), v0)
    want = onnx_loop(None, True, v0, with_trip=False, limit=100.0)
    assert got[1].shape == want[1].shape and got[1].shape[0] > 3
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_loop_that_never_runs_returns_initial_values(ops):
    v0 = rand(2)
    op = make_loop(ops, ops.constant(np.array(3, np.int64)), ops.constant(np.array(False)))
    assert op.get_output_partial_shape(1).to_shape() == (0, 2)
    v_final, scans = op.evaluate(np.array(3, np.int64), np.array(False), v0)
    np.testing.assert_array_equal(v_final, v0)
    assert scans.shape == (0, 2) and scans.dtype == np.float32


def test_loop_over_sliced_input_is_a_running_sum(ops):
    x = rand(4, 6)
    s, acc = ops.parameter([4, 1]), ops.parameter([4, 1])
    total = ops.add(acc, s)
    body = pyvino.Model([ops.constant(np.array([True])), total], [s, acc])
    op = Loop5([ops.constant(np.array([-1], np.int32)), ops.constant(np.array([True])), ops.parameter([4, 6]),
                ops.constant(np.zeros((4, 1), np.float32))], body=body,
               input_descriptions=[SlicedInput(2, 0, axis=1), MergedInput(3, 1, 1)],
               output_descriptions=[BodyOutput(1, 0), ConcatOutput(1, 1, axis=1)],
               special_body_ports={"body_condition_output_idx": 0})
    assert op.get_output_partial_shape(1).to_shape() == (4, 6)
    final, steps = op.evaluate(np.array([-1], np.int32), np.array([True]), x, np.zeros((4, 1), np.float32))
    np.testing.assert_allclose(steps, np.cumsum(x, axis=1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(final[:, 0], x.sum(axis=1), rtol=1e-5, atol=1e-6)


def test_loop_back_edge_that_grows_gets_a_dynamic_shape(ops):
    acc = ops.parameter([1])
    grown = ops.concat(acc, ops.constant(np.ones(1, np.float32)), axis=0)
    body = pyvino.Model([ops.constant(np.array(True)), grown], [acc])
    op = Loop5([ops.constant(np.array(3, np.int64)), ops.constant(np.array(True)), ops.constant(np.zeros(1, np.float32))],
               body=body, input_descriptions=[MergedInput(2, 0, 1)], output_descriptions=[BodyOutput(1, 0)],
               special_body_ports=SpecialBodyPorts(body_condition_output_idx=0))
    assert op.get_output_partial_shape(0).is_dynamic
    (out,) = op.evaluate(np.array(3, np.int64), np.array(True), np.zeros(1, np.float32))
    np.testing.assert_array_equal(out, [0, 1, 1, 1])


def test_loop_rejects_missing_condition_port(ops):
    with pytest.raises(pyvino.OpValidationError, match="body_condition_output_idx"):
        op = make_loop(ops, ops.constant(np.array(2, np.int64)), ops.constant(np.array(True)))
        Loop5(op.inputs, bodies=op.bodies, input_descriptions=op.input_descriptions,
              output_descriptions=op.output_descriptions)
