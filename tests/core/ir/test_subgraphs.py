"""Sub-graph layers (If-8, Loop-5) in OpenVINO's IR layout: read, evaluate, write, read back."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino import ModelReadError
from pyvino.ir import read_ir_bytes, serialize_ir

# .bin: 2.0 and 10.0 (f32), then 1.0 (f32) and true (boolean)
WEIGHTS = np.array([2.0, 10.0, 1.0], "<f4").tobytes() + b"\x01"


def body(name: str, op: str, offset: int) -> str:
    """A body: Parameter p[2] -> op(p, Const) -> Result, ids 0..3."""
    return f"""
		<{name}>
			<layers>
				<layer id="0" name="p" type="Parameter" version="opset1">
					<data shape="2" element_type="f32" />
					<output><port id="0" precision="FP32"><dim>2</dim></port></output>
				</layer>
				<layer id="1" name="k" type="Const" version="opset1">
					<data element_type="f32" shape="1" offset="{offset}" size="4" />
					<output><port id="0" precision="FP32"><dim>1</dim></port></output>
				</layer>
				<layer id="2" name="{op.lower()}" type="{op}" version="opset1">
					<data auto_broadcast="numpy" />
					<input><port id="0" /><port id="1" /></input>
					<output><port id="2" precision="FP32"><dim>2</dim></port></output>
				</layer>
				<layer id="3" name="out" type="Result" version="opset1">
					<input><port id="0" /></input>
				</layer>
			</layers>
			<edges>
				<edge from-layer="0" from-port="0" to-layer="2" to-port="0" />
				<edge from-layer="1" from-port="0" to-layer="2" to-port="1" />
				<edge from-layer="2" from-port="2" to-layer="3" to-port="0" />
			</edges>
		</{name}>"""


IF_XML = f"""<?xml version="1.0"?>
<net name="branch" version="11">
	<layers>
		<layer id="0" name="cond" type="Parameter" version="opset1">
			<data shape="" element_type="boolean" />
			<output><port id="0" precision="BOOL" names="cond" /></output>
		</layer>
		<layer id="1" name="x" type="Parameter" version="opset1">
			<data shape="2" element_type="f32" />
			<output><port id="0" precision="FP32" names="x"><dim>2</dim></port></output>
		</layer>
		<layer id="2" name="if" type="If" version="opset8">
			<then_port_map>
				<input external_port_id="1" internal_layer_id="0" />
				<output external_port_id="2" internal_layer_id="3" />
			</then_port_map>
			<else_port_map>
				<input external_port_id="1" internal_layer_id="0" />
				<output external_port_id="2" internal_layer_id="3" />
			</else_port_map>
			<input><port id="0" precision="BOOL" /><port id="1" precision="FP32"><dim>2</dim></port></input>
			<output><port id="2" precision="FP32" names="y"><dim>2</dim></port></output>
			{body("then_body", "Multiply", 0)}
			{body("else_body", "Add", 4)}
		</layer>
		<layer id="3" name="y/sink_port_0" type="Result" version="opset1">
			<input><port id="0" precision="FP32"><dim>2</dim></port></input>
		</layer>
	</layers>
	<edges>
		<edge from-layer="0" from-port="0" to-layer="2" to-port="0" />
		<edge from-layer="1" from-port="0" to-layer="2" to-port="1" />
		<edge from-layer="2" from-port="2" to-layer="3" to-port="0" />
	</edges>
	<rt_info />
</net>
"""

LOOP_XML = """<?xml version="1.0"?>
<net name="counter" version="11">
	<layers>
		<layer id="0" name="trip" type="Parameter" version="opset1">
			<data shape="" element_type="i64" />
			<output><port id="0" precision="I64" /></output>
		</layer>
		<layer id="1" name="go" type="Parameter" version="opset1">
			<data shape="" element_type="boolean" />
			<output><port id="0" precision="BOOL" /></output>
		</layer>
		<layer id="2" name="start" type="Parameter" version="opset1">
			<data shape="1" element_type="f32" />
			<output><port id="0" precision="FP32"><dim>1</dim></port></output>
		</layer>
		<layer id="3" name="loop" type="Loop" version="opset5">
			<input><port id="0" /><port id="1" /><port id="2"><dim>1</dim></port></input>
			<output><port id="3" precision="FP32" names="total"><dim>1</dim></port></output>
			<port_map>
				<input external_port_id="2" internal_layer_id="0" />
				<output external_port_id="3" internal_layer_id="4" />
				<output external_port_id="-1" internal_layer_id="5" purpose="execution_condition" />
			</port_map>
			<back_edges>
				<edge from-layer="4" to-layer="0" />
			</back_edges>
			<body>
				<layers>
					<layer id="0" name="acc" type="Parameter" version="opset1">
						<data shape="1" element_type="f32" />
						<output><port id="0" precision="FP32"><dim>1</dim></port></output>
					</layer>
					<layer id="1" name="one" type="Const" version="opset1">
						<data element_type="f32" shape="1" offset="8" size="4" />
						<output><port id="0" precision="FP32"><dim>1</dim></port></output>
					</layer>
					<layer id="2" name="next" type="Add" version="opset1">
						<input><port id="0" /><port id="1" /></input>
						<output><port id="2" precision="FP32"><dim>1</dim></port></output>
					</layer>
					<layer id="3" name="true" type="Const" version="opset1">
						<data element_type="boolean" shape="" offset="12" size="1" />
						<output><port id="0" precision="BOOL" /></output>
					</layer>
					<layer id="4" name="acc_out" type="Result" version="opset1">
						<input><port id="0" /></input>
					</layer>
					<layer id="5" name="cond_out" type="Result" version="opset1">
						<input><port id="0" /></input>
					</layer>
				</layers>
				<edges>
					<edge from-layer="0" from-port="0" to-layer="2" to-port="0" />
					<edge from-layer="1" from-port="0" to-layer="2" to-port="1" />
					<edge from-layer="2" from-port="2" to-layer="4" to-port="0" />
					<edge from-layer="3" from-port="0" to-layer="5" to-port="0" />
				</edges>
			</body>
		</layer>
		<layer id="4" name="total/sink_port_0" type="Result" version="opset1">
			<input><port id="0"><dim>1</dim></port></input>
		</layer>
	</layers>
	<edges>
		<edge from-layer="0" from-port="0" to-layer="3" to-port="0" />
		<edge from-layer="1" from-port="0" to-layer="3" to-port="1" />
		<edge from-layer="2" from-port="0" to-layer="3" to-port="2" />
		<edge from-layer="3" from-port="3" to-layer="4" to-port="0" />
	</edges>
</net>
"""


def run_if(model, evaluate, cond: bool) -> np.ndarray:
    (y,) = evaluate(model, [np.array(cond), np.array([1.5, -3.0], np.float32)])
    return y


def test_if_reads_and_takes_each_branch(registry, evaluate):
    model = read_ir_bytes(IF_XML, WEIGHTS, registry, source="if.xml")
    node = model.output("y").node
    assert node.type_name == "If" and set(node.bodies) == {"then_body", "else_body"}
    np.testing.assert_array_equal(run_if(model, evaluate, True), [3.0, -6.0])  # x * 2
    np.testing.assert_array_equal(run_if(model, evaluate, False), [11.5, 7.0])  # x + 10


def test_loop_reads_with_back_edge_and_condition(registry, evaluate):
    model = read_ir_bytes(LOOP_XML, WEIGHTS, registry, source="loop.xml")
    args = [np.array(5, np.int64), np.array(True), np.array([0.5], np.float32)]
    (total,) = evaluate(model, args)
    np.testing.assert_array_equal(total, [5.5])  # 0.5 + 1 five times


def test_sub_graph_ops_round_trip_through_the_writer(registry, evaluate):
    if not hasattr(registry.lookup("If", "opset8"), "to_ir"):
        pytest.skip("the opsets' SubGraphOp has no to_ir() yet (needed to save sub-graphs)")
    for xml, args, expected, n_bodies in (
        (IF_XML, [np.array(False), np.array([1.5, -3.0], np.float32)], [11.5, 7.0], 2),
        (LOOP_XML, [np.array(3, np.int64), np.array(True), np.array([0.0], np.float32)], [3.0], 1),
    ):
        model = read_ir_bytes(xml, WEIGHTS, registry)
        text, weights = serialize_ir(model)
        assert text.count(b"<layers>") == 1 + n_bodies
        assert text.count(b"port_map>") == 2 * n_bodies
        back = read_ir_bytes(text, weights, registry)
        np.testing.assert_array_equal(evaluate(back, args)[0], expected)


def test_port_map_to_a_missing_body_layer(registry):
    xml = LOOP_XML.replace('internal_layer_id="5"', 'internal_layer_id="9"')
    with pytest.raises(ModelReadError) as info:
        read_ir_bytes(xml, WEIGHTS, registry, source="loop.xml")
    message = str(info.value)
    assert message.startswith("loop.xml: layer id=3 name='loop' (type Loop): ")
    assert "refers to layer id 9, which is not in <body>" in message


def test_defect_inside_a_body_names_the_body_layer(registry):
    xml = LOOP_XML.replace('name="next" type="Add"', 'name="next" type="Nope"')
    with pytest.raises(ModelReadError) as info:
        read_ir_bytes(xml, WEIGHTS, registry, source="loop.xml")
    message = str(info.value)
    assert "loop.xml: layer id=3 name='loop' (type Loop): <body>: layer id=2 name='next'" in message
    assert "doesn't contain the operation with type: Nope" in message


def test_body_on_an_ordinary_op_is_rejected(registry):
    xml = IF_XML.replace('type="If" version="opset8"', 'type="Relu" version="opset1"')
    with pytest.raises(ModelReadError, match=r"layer id=2 name='if'.*no from_ir"):
        read_ir_bytes(xml, WEIGHTS, registry, source="if.xml")
