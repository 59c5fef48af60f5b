"""If-8, Loop-5 and TensorIterator-1 against onnx.reference If / Loop / Scan and hand loops."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator
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
    other = pyvino.Model([ops.multiply(c, d)], [c, d], "else")
    return then, other


def test_if_matches_onnx_if(ops):
    x, y = rand(2, 3), rand(2, 3)
    then_g = helper.make_graph(
        [helper.make_node("Add", ["x", "y"], ["t"])], "then", [], [vinfo("t")]
    )
    else_g = helper.make_graph(
        [helper.make_node("Mul", ["x", "y"], ["e"])], "else", [], [vinfo("e")]
    )
    node = helper.make_node("If", ["c"], ["out"], then_branch=then_g, else_branch=else_g)
    a, b = ops.parameter([2, 3]), ops.parameter([2, 3])
    c, d = ops.parameter([2, 3]), ops.parameter([2, 3])
    op = If8(
        [ops.parameter([], "boolean"), ops.parameter([2, 3]), ops.parameter([2, 3])],
        then_body=pyvino.Model([ops.add(a, b)], [a, b]),
        else_body=pyvino.Model([ops.multiply(c, d)], [c, d]),
    )
    for cond in (True, False):
        feeds = {"c": np.array(cond), "x": x, "y": y}
        (want,) = run_onnx(
            [node],
            [vinfo("c", TensorProto.BOOL, []), vinfo("x", F, [2, 3]), vinfo("y", F, [2, 3])],
            [vinfo("out")],
            feeds,
        )
        (got,) = op.evaluate(np.array([cond]), x, y)
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_if_explicit_port_maps_follow_the_spec_example(ops):
    """then adds inputs 1 and 2, else adds inputs 1 and 3 (If-8 spec's example layout)."""
    a, b = ops.parameter([2, 4]), ops.parameter([2, 4])
    c, d = ops.parameter([2, 4]), ops.parameter([2, 4])
    op = If8(
        [ops.parameter([1], "boolean"), *(ops.parameter([2, 4]) for _ in range(3))],
        then_body=pyvino.Model([ops.add(a, b)], [a, b]),
        else_body=pyvino.Model([ops.add(c, d)], [c, d]),
        input_descriptions={
            "then_body": [InvariantInput(1, 0), InvariantInput(2, 1)],
            "else_body": [InvariantInput(1, 0), InvariantInput(3, 1)],
        },
        output_descriptions={"then_body": [BodyOutput(0, 0)], "else_body": [BodyOutput(0, 0)]},
    )
    x, y, z = rand(2, 4), rand(2, 4), rand(2, 4)
    np.testing.assert_allclose(op.evaluate(np.array([True]), x, y, z)[0], x + y)
    np.testing.assert_allclose(op.evaluate(np.array([False]), x, y, z)[0], x + z)


def test_if_output_shapes_merge_unless_cond_is_constant(ops):
    then, other = make_if(ops)
    a, b = ops.parameter([-1, 3]), ops.parameter([-1, 3])
    tall = pyvino.Model([ops.concat(a, b, axis=0)], [a, b])
    xs = [ops.parameter([2, 3]), ops.parameter([2, 3])]
    op = If8([ops.parameter([], "boolean"), *xs], then_body=other, else_body=tall)
    assert str(op.get_output_partial_shape(0)) == "[2..4,3]"
    fixed = If8(
        [ops.constant(np.array(False)), *xs], then_body=other.clone(), else_body=tall.clone()
    )
    assert str(fixed.get_output_partial_shape(0)) == "[4,3]"
    xv, yv = rand(2, 3), rand(2, 3)
    np.testing.assert_array_equal(op.evaluate(np.array(False), xv, yv)[0], np.concatenate([xv, yv]))
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
    node2 = ops.If(cond, x, y, then_body=then.clone(), else_body=other.clone(), name="branch")
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
        body_nodes += [
            helper.make_node(
                "Constant", [], ["lim"], value=helper.make_tensor("lim", F, [], [limit])
            ),
            helper.make_node("ReduceMax", ["v_out"], ["mx"], keepdims=0),
            helper.make_node("Less", ["mx", "lim"], ["c_out"]),
        ]
    body = helper.make_graph(
        body_nodes,
        "body",
        [vinfo("i", TensorProto.INT64, []), vinfo("c", TensorProto.BOOL, []), vinfo("v", F, [2])],
        [vinfo("c_out", TensorProto.BOOL, []), vinfo("v_out", F, [2]), vinfo("scan", F, [2])],
    )
    node = helper.make_node(
        "Loop", ["M" if with_trip else "", "cond", "v0"], ["v_final", "scans"], body=body
    )
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
    c_out = (
        ops.constant(np.array(True))
        if limit is None
        else ops.less(ops.reduce_max(v_out, np.array([0]), keep_dims=False), np.float32(limit))
    )
    body = pyvino.Model([c_out, v_out, ops.unsqueeze(v_out, np.array([0]))], [i, v], "loop_body")
    return Loop5(
        [trip, cond, ops.parameter(list(v_shape))],
        body=body,
        input_descriptions=[MergedInput(2, 1, 1)],
        output_descriptions=[BodyOutput(1, 0), ConcatOutput(2, 1, axis=0)],
        special_body_ports=SpecialBodyPorts(
            current_iteration_input_idx=0, body_condition_output_idx=0
        ),
    )


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
    op = Loop5(
        [
            ops.constant(np.array([-1], np.int32)),
            ops.constant(np.array([True])),
            ops.parameter([4, 6]),
            ops.constant(np.zeros((4, 1), np.float32)),
        ],
        body=body,
        input_descriptions=[SlicedInput(2, 0, axis=1), MergedInput(3, 1, 1)],
        output_descriptions=[BodyOutput(1, 0), ConcatOutput(1, 1, axis=1)],
        special_body_ports={"body_condition_output_idx": 0},
    )
    assert op.get_output_partial_shape(1).to_shape() == (4, 6)
    final, steps = op.evaluate(
        np.array([-1], np.int32), np.array([True]), x, np.zeros((4, 1), np.float32)
    )
    np.testing.assert_allclose(steps, np.cumsum(x, axis=1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(final[:, 0], x.sum(axis=1), rtol=1e-5, atol=1e-6)


def test_loop_back_edge_that_grows_gets_a_dynamic_shape(ops):
    acc = ops.parameter([1])
    grown = ops.concat(acc, ops.constant(np.ones(1, np.float32)), axis=0)
    body = pyvino.Model([ops.constant(np.array(True)), grown], [acc])
    op = Loop5(
        [
            ops.constant(np.array(3, np.int64)),
            ops.constant(np.array(True)),
            ops.constant(np.zeros(1, np.float32)),
        ],
        body=body,
        input_descriptions=[MergedInput(2, 0, 1)],
        output_descriptions=[BodyOutput(1, 0)],
        special_body_ports=SpecialBodyPorts(body_condition_output_idx=0),
    )
    assert op.get_output_partial_shape(0).is_dynamic
    (out,) = op.evaluate(np.array(3, np.int64), np.array(True), np.zeros(1, np.float32))
    np.testing.assert_array_equal(out, [0, 1, 1, 1])


def test_loop_rejects_missing_condition_port(ops):
    with pytest.raises(pyvino.OpValidationError, match="body_condition_output_idx"):
        op = make_loop(ops, ops.constant(np.array(2, np.int64)), ops.constant(np.array(True)))
        Loop5(
            op.inputs,
            bodies=op.bodies,
            input_descriptions=op.input_descriptions,
            output_descriptions=op.output_descriptions,
        )


# ---------------------------------------------------------------- TensorIterator
BATCH, STEPS, IN, HS = 2, 5, 3, 4


def rnn_ti(ops, w, r, b, reverse=False):
    """TensorIterator running RNNCell-1 over axis 1 of X [BATCH, STEPS, IN]."""
    x_t, h = ops.parameter([BATCH, 1, IN]), ops.parameter([BATCH, HS])
    h_new = ops.rnn_cell(ops.squeeze(x_t, np.array([1])), h, w, r, b, hidden_size=HS)
    body = pyvino.Model([h_new, ops.unsqueeze(h_new, np.array([1]))], [x_t, h], "rnn_body")
    order = {"start": -1, "end": 0, "stride": -1} if reverse else {}
    return TensorIterator1(
        [ops.parameter([BATCH, STEPS, IN]), ops.parameter([BATCH, HS])],
        body=body,
        input_descriptions=[SlicedInput(0, 0, axis=1, **order), MergedInput(1, 1, 0)],
        output_descriptions=[BodyOutput(0, 0), ConcatOutput(1, 1, axis=1, **order)],
    )


def onnx_scan(x, h0, w, r, b, reverse: bool):
    consts = [
        helper.make_node("Constant", [], [n], value=helper.make_tensor(n, F, v.shape, v.ravel()))
        for n, v in (("wt", w.T.copy()), ("rt", r.T.copy()), ("b", b))
    ]
    nodes = consts + [
        helper.make_node("MatMul", ["xt", "wt"], ["xw"]),
        helper.make_node("MatMul", ["h", "rt"], ["hr"]),
        helper.make_node("Sum", ["xw", "hr", "b"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h_out"]),
        helper.make_node("Identity", ["h_out"], ["y"]),
    ]
    body = helper.make_graph(
        nodes,
        "scan_body",
        [vinfo("h", F, [BATCH, HS]), vinfo("xt", F, [BATCH, IN])],
        [vinfo("h_out", F, [BATCH, HS]), vinfo("y", F, [BATCH, HS])],
    )
    node = helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], body=body, num_scan_inputs=1)
    steps = x.transpose(1, 0, 2)  # onnx.reference scans axis 0 forwards only: flip by hand
    h_last, ys = run_onnx(
        [node],
        [vinfo("h0", F, [BATCH, HS]), vinfo("x", F, [STEPS, BATCH, IN])],
        [vinfo("h_last"), vinfo("ys")],
        {"h0": h0, "x": steps[::-1] if reverse else steps},
    )
    return h_last, (ys[::-1] if reverse else ys).transpose(1, 0, 2)


@pytest.mark.parametrize("reverse", [False, True])
def test_tensor_iterator_rnn_matches_onnx_scan_and_a_step_loop(ops, reverse):
    x, h0, w, r, b = rand(BATCH, STEPS, IN), rand(BATCH, HS), rand(HS, IN), rand(HS, HS), rand(HS)
    op = rnn_ti(ops, w, r, b, reverse)
    assert op.get_output_partial_shape(1).to_shape() == (BATCH, STEPS, HS)
    h_last, ys = op.evaluate(x, h0)
    want = onnx_scan(x, h0, w, r, b, reverse)
    np.testing.assert_allclose(h_last, want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ys, want[1], rtol=1e-5, atol=1e-6)
    h = h0
    for t in reversed(range(STEPS)) if reverse else range(STEPS):
        h = np.tanh(x[:, t] @ w.T + h @ r.T + b)
        np.testing.assert_allclose(ys[:, t], h, rtol=1e-5, atol=1e-6)


def test_tensor_iterator_parts_and_fixed_iteration_count(ops):
    part = ops.parameter([2, 2])
    body = pyvino.Model([ops.reduce_sum(part, np.array([0]), keep_dims=True)], [part])
    op = TensorIterator1(
        [ops.parameter([6, 2])],
        body=body,
        input_descriptions=[SlicedInput(0, 0, axis=0, start=1, end=4, part_size=2, stride=2)],
        output_descriptions=[ConcatOutput(0, 0, axis=0)],
    )
    x = rand(6, 2)
    assert op.get_output_partial_shape(0).to_shape() == (2, 2)
    np.testing.assert_allclose(op.evaluate(x)[0], [x[1:3].sum(0), x[3:5].sum(0)], rtol=1e-6)
    h = ops.parameter([3])
    doubling = pyvino.Model([ops.multiply(h, np.float32(2))], [h])
    fixed = TensorIterator1(
        [ops.parameter([3])],
        body=doubling,
        input_descriptions=[MergedInput(0, 0, 0)],
        output_descriptions=[BodyOutput(0, 0)],
        num_iterations=3,
    )
    np.testing.assert_allclose(fixed.evaluate(np.ones(3, np.float32))[0], [8, 8, 8])


def test_clone_with_new_inputs_deep_copies_the_body(ops):
    w, r, b = rand(HS, IN), rand(HS, HS), rand(HS)
    op = rnn_ti(ops, w, r, b)
    twin = op.clone_with_new_inputs([ops.parameter([BATCH, STEPS, IN]), ops.parameter([BATCH, HS])])
    ours = {id(n) for n in op.bodies["body"].get_ordered_ops()}
    assert not ours & {
        id(n) for n in twin.bodies["body"].get_ordered_ops() if n.type_name != "Constant"
    }
    x, h0 = rand(BATCH, STEPS, IN), rand(BATCH, HS)
    for a, c in zip(op.evaluate(x, h0), twin.evaluate(x, h0), strict=True):
        np.testing.assert_array_equal(a, c)
    longer = op.clone_with_new_inputs([ops.parameter([BATCH, 7, IN]), ops.parameter([BATCH, HS])])
    assert longer.get_output_partial_shape(1).to_shape() == (BATCH, 7, HS)
    assert op.get_output_partial_shape(1).to_shape() == (BATCH, STEPS, HS)


def test_loop_body_with_a_nested_if(ops):
    i, v = ops.parameter([], "i64"), ops.parameter([2])
    a, c = ops.parameter([2]), ops.parameter([2])
    branch = If8(
        [ops.equal(ops.floor_mod(i, np.int64(2)), np.int64(0)), v],
        then_body=pyvino.Model([ops.add(a, np.float32(1))], [a]),
        else_body=pyvino.Model([ops.multiply(c, np.float32(3))], [c]),
    )
    body = pyvino.Model([ops.constant(np.array(True)), branch], [i, v])
    op = Loop5(
        [ops.constant(np.array(4, np.int64)), ops.constant(np.array(True)), ops.parameter([2])],
        body=body,
        input_descriptions=[MergedInput(2, 1, 1)],
        output_descriptions=[BodyOutput(1, 0)],
        special_body_ports=SpecialBodyPorts(0, 0),
    )
    (out,) = op.clone_with_new_inputs(op.inputs).evaluate(
        np.array(4, np.int64), np.array(True), np.ones(2, np.float32)
    )
    np.testing.assert_array_equal(out, [21, 21])  # 1 -> 2 -> 6 -> 7 -> 21


# ---------------------------------------------------------------- IR records
def as_xml_strings(port_maps):
    """Port-map entries as the IR reader sees them: every attribute a string."""
    return {
        k: [{a: (v if a in ("tag", "internal") else str(v)) for a, v in e.items()} for e in entries]
        for k, entries in port_maps.items()
    }


def test_port_maps_round_trip_through_from_ir(ops):
    loop = make_loop(ops, ops.constant(np.array(5, np.int64)), ops.constant(np.array(True)))
    ti = rnn_ti(ops, rand(HS, IN), rand(HS, HS), rand(HS), reverse=True)
    then, other = make_if(ops)
    branch = If8(
        [ops.parameter([], "boolean"), ops.parameter([2, 3]), ops.parameter([2, 3])],
        then_body=then,
        else_body=other,
    )
    for op in (loop, ti, branch):
        maps = body_port_maps(op)
        rebuilt = type(op).from_ir(
            op.inputs,
            {},
            "copy",
            maps["bodies"],
            as_xml_strings(maps["port_maps"]),
            maps["back_edges"],
        )
        assert rebuilt.input_descriptions == op.input_descriptions
        assert rebuilt.output_descriptions == op.output_descriptions
        assert getattr(rebuilt, "special_body_ports", None) == getattr(
            op, "special_body_ports", None
        )
    entries = body_port_maps(loop)["port_maps"]["port_map"]
    body = loop.bodies["body"]
    special = {
        e["purpose"]: (e["external_port_id"], e["internal"]) for e in entries if "purpose" in e
    }
    assert special == {
        "current_iteration": (-1, body.get_parameters()[0]),
        "execution_condition": (-1, body.get_results()[0]),
    }
    assert [
        e["external_port_id"] for e in entries if e["tag"] == "output" and "purpose" not in e
    ] == [3, 4]
    assert body_port_maps(loop)["back_edges"][0]["to"] is loop.bodies["body"].get_parameters()[1]


def test_ir_write_read_round_trip_keeps_structure_and_results(ops):
    from pyvino.ir import read_ir_bytes, serialize_ir

    loop = make_loop(ops, ops.constant(np.array(4, np.int64)), ops.constant(np.array(True)))
    ti = rnn_ti(ops, rand(HS, IN), rand(HS, HS), rand(HS), reverse=True)
    then, other = make_if(ops)
    branch = If8(
        [ops.parameter([], "boolean"), ops.parameter([2, 3]), ops.parameter([2, 3])],
        then_body=then,
        else_body=other,
    )
    ins = [*loop.inputs[2:], *ti.inputs, *branch.inputs]
    model = pyvino.Model([*loop.outputs(), *ti.outputs(), branch.output(0)], [i.node for i in ins])
    copy = read_ir_bytes(*serialize_ir(model))
    by_type = {n.type_name: n for n in copy.get_ordered_ops()}
    for op in (loop, ti, branch):
        twin = by_type[op.type_name]
        assert twin.input_descriptions == op.input_descriptions
        assert twin.output_descriptions == op.output_descriptions
        assert [twin.get_output_partial_shape(k) for k in range(twin.get_output_size())] == [
            op.get_output_partial_shape(k) for k in range(op.get_output_size())
        ]
    assert by_type["Loop"].special_body_ports == loop.special_body_ports
    x, h0 = rand(BATCH, STEPS, IN), rand(BATCH, HS)
    for a, b in zip(ti.evaluate(x, h0), by_type["TensorIterator"].evaluate(x, h0), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_unfed_body_parameter_is_rejected(ops):
    a, b = ops.parameter([2]), ops.parameter([2])
    body = pyvino.Model([ops.add(a, b)], [a, b])
    with pytest.raises(pyvino.OpValidationError, match="parameter 1 .* is not fed"):
        TensorIterator1(
            [ops.parameter([2])],
            body=body,
            input_descriptions=[InvariantInput(0, 0)],
            output_descriptions=[BodyOutput(0, 0)],
            num_iterations=2,
        )
    with pytest.raises(pyvino.OpValidationError, match="names a missing"):
        TensorIterator1(
            [ops.parameter([2])],
            body=body.clone(),
            input_descriptions=[InvariantInput(0, 5)],
            output_descriptions=[BodyOutput(0, 0)],
            num_iterations=2,
        )
