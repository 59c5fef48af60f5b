"""Every IR defect is a ModelReadError naming the file, the layer id and name, and the problem."""

from __future__ import annotations

import re

import numpy as np
import pytest
from pyvino import ModelReadError
from pyvino.ir import read_ir, read_ir_bytes

VALID = """<?xml version="1.0"?>
<net name="m" version="11">
	<layers>
		<layer id="0" name="x" type="Parameter" version="opset1">
			<data shape="2" element_type="f32" />
			<output><port id="0" precision="FP32"><dim>2</dim></port></output>
		</layer>
		<layer id="1" name="c" type="Const" version="opset1">
			<data element_type="f32" shape="2" offset="0" size="8" />
			<output><port id="0" precision="FP32"><dim>2</dim></port></output>
		</layer>
		<layer id="2" name="add" type="Add" version="opset1">
			<data auto_broadcast="numpy" />
			<input><port id="0" /><port id="1" /></input>
			<output><port id="2" precision="FP32"><dim>2</dim></port></output>
		</layer>
		<layer id="3" name="relu1" type="ReLU" version="opset1">
			<input><port id="0" /></input>
			<output><port id="1" precision="FP32"><dim>2</dim></port></output>
		</layer>
		<layer id="4" name="out" type="Result" version="opset1">
			<input><port id="0" /></input>
		</layer>
	</layers>
	<edges>
		<edge from-layer="0" from-port="0" to-layer="2" to-port="0" />
		<edge from-layer="1" from-port="0" to-layer="2" to-port="1" />
		<edge from-layer="2" from-port="2" to-layer="3" to-port="0" />
		<edge from-layer="3" from-port="1" to-layer="4" to-port="0" />
	</edges>
</net>
"""
WEIGHTS = np.array([1.0, -5.0], "<f4").tobytes()


def mutate(*pairs: str) -> str:
    """VALID with each (old, new) replacement applied once; old must be present."""
    text = VALID
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def read(xml: str, weights: bytes | None = WEIGHTS, registry=None):
    return read_ir_bytes(xml, weights, registry, source="m.xml")


def expect_error(registry, xml: str, *fragments: str, weights: bytes | None = WEIGHTS) -> str:
    with pytest.raises(ModelReadError) as info:
        read(xml, weights, registry)
    message = str(info.value)
    assert message.startswith("m.xml: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_the_valid_model_reads_and_computes(registry, evaluate):
    model = read(VALID, registry=registry)
    (y,) = evaluate(model, [np.array([2.0, 3.0], np.float32)])
    np.testing.assert_array_equal(y, [3.0, 0.0])


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE net [<!ENTITY big "xxxxxxxx">]>\n',
        '<!DOCTYPE net SYSTEM "file:///etc/passwd">\n',
    ],
)
def test_dtd_and_entities_are_rejected(registry, prolog):
    xml = VALID.replace('<?xml version="1.0"?>\n', '<?xml version="1.0"?>\n' + prolog)
    expect_error(registry, xml, "DTD")


def test_malformed_xml(registry):
    expect_error(registry, VALID[:-20], "not well-formed XML")


@pytest.mark.parametrize("version", ["7", "12", "eleven"])
def test_unsupported_ir_version(registry, version):
    expect_error(
        registry,
        mutate('version="11"', f'version="{version}"'),
        f"IR version '{version}' is not supported; expected 10 or 11",
    )


def test_missing_ir_version(registry):
    expect_error(registry, mutate(' version="11"', ""), "IR version None is not supported")


def test_layer_without_version(registry):
    xml = mutate('type="ReLU" version="opset1"', 'type="ReLU"')
    expect_error(registry, xml, "layer id=3 name='relu1'", "missing mandatory attribute 'version'")


def test_unknown_opset(registry):
    xml = mutate('type="ReLU" version="opset1"', 'type="ReLU" version="opset99"')
    expect_error(registry, xml, "layer id=3 name='relu1'", "unsupported opset: opset99")


def test_type_not_in_opset(registry):
    xml = mutate('type="ReLU"', 'type="FooBar"')
    expect_error(
        registry,
        xml,
        "layer id=3 name='relu1'",
        "Opset opset1 doesn't contain the operation with type: FooBar",
    )


def test_duplicate_layer_id(registry):
    xml = mutate('<layer id="3"', '<layer id="2"')
    expect_error(
        registry, xml, "layer id=2 name='relu1'", "duplicate layer id 2", "also used by layer 'add'"
    )


def test_edge_to_missing_layer(registry):
    xml = mutate('to-layer="4" to-port="0"', 'to-layer="9" to-port="0"')
    expect_error(
        registry,
        xml,
        "layer id=3 name='relu1'",
        "edge 3:1 -> 9:0",
        "layer id 9, which does not exist",
    )


def test_edge_to_missing_input_port(registry):
    xml = mutate('to-layer="4" to-port="0"', 'to-layer="4" to-port="5"')
    expect_error(registry, xml, "layer id=4 name='out'", "can not find input port with id 5")


def test_edge_from_missing_output_port(registry):
    xml = mutate('from-layer="3" from-port="1"', 'from-layer="3" from-port="0"')
    expect_error(registry, xml, "layer id=3 name='relu1'", "can not find output port with id 0")


def test_cycle(registry):
    xml = mutate(
        'from-layer="0" from-port="0" to-layer="2"', 'from-layer="3" from-port="1" to-layer="2"'
    )
    message = expect_error(registry, xml, "the graph has a cycle through this layer")
    assert re.search(r"layer id=(2 name='add'|3 name='relu1')", message), message


def test_input_port_without_edge(registry):
    xml = mutate('<edge from-layer="3" from-port="1" to-layer="4" to-port="0" />', "")
    expect_error(registry, xml, "layer id=4 name='out'", "input port 0 has no incoming edge")


def test_two_edges_into_one_port(registry):
    xml = mutate(
        "</edges>", '<edge from-layer="0" from-port="0" to-layer="4" to-port="0" /></edges>'
    )
    expect_error(registry, xml, "layer id=4 name='out'", "input port 0 already has an edge")


def test_missing_bin_in_memory(registry):
    expect_error(registry, VALID, "layer id=1 name='c'", "Const needs weights", weights=None)


def test_missing_bin_file(registry, tmp_path):
    (tmp_path / "m.xml").write_text(VALID)
    with pytest.raises(ModelReadError) as info:
        read_ir(tmp_path / "m.xml", registry=registry)
    message = str(info.value)
    assert str(tmp_path / "m.xml") in message and str(tmp_path / "m.bin") in message
    assert "layer id=1 name='c'" in message


def test_explicit_bin_path_that_does_not_exist(registry, tmp_path):
    (tmp_path / "m.xml").write_text(VALID)
    with pytest.raises(ModelReadError, match="nonexist.bin does not exist"):
        read_ir(tmp_path / "m.xml", tmp_path / "nonexist.bin", registry=registry)


def test_no_bin_needed_without_constants(registry, tmp_path):
    xml = mutate(
        '<layer id="1" name="c" type="Const"',
        '<layer id="1" name="c" type="Parameter"',
        'element_type="f32" shape="2" offset="0" size="8"',
        'shape="2" element_type="f32"',
    )
    (tmp_path / "m.xml").write_text(xml)
    model = read_ir(tmp_path / "m.xml", registry=registry)
    assert [p.friendly_name for p in model.get_parameters()] == ["x", "c"]


def test_const_beyond_end_of_bin(registry):
    expect_error(
        registry,
        mutate('offset="0" size="8"', 'offset="4" size="8"'),
        "layer id=1 name='c'",
        "Incorrect weights in bin file",
        "[4, 12)",
        "(8 bytes)",
    )


def test_const_size_does_not_match_shape(registry):
    expect_error(
        registry,
        mutate('offset="0" size="8"', 'offset="0" size="4"'),
        "layer id=1 name='c'",
        "size=4",
        "takes 8 bytes",
    )


def test_sub_byte_size_is_rounded_up(registry):
    xml = mutate(
        'element_type="f32" shape="2" offset="0" size="8"',
        'element_type="u4" shape="3" offset="0" size="1"',
    )
    expect_error(registry, xml, "layer id=1 name='c'", "size=1", "u4 takes 2 bytes")


def test_bad_attribute_value(registry):
    xml = mutate('auto_broadcast="numpy"', 'auto_broadcast="sideways"')
    expect_error(registry, xml, "layer id=2 name='add'", "auto_broadcast", "sideways")


def test_bad_parameter_element_type(registry):
    xml = mutate('shape="2" element_type="f32"', 'shape="2" element_type="f33"')
    expect_error(registry, xml, "layer id=0 name='x'", "element_type", "f33")


def test_unknown_attribute(registry):
    xml = mutate('auto_broadcast="numpy"', 'auto_broadcast="numpy" colour="red"')
    expect_error(registry, xml, "layer id=2 name='add'", "unknown attribute(s) colour")


def test_incompatible_input_shapes(registry):
    xml = mutate(
        'element_type="f32" shape="2" offset="0" size="8"',
        'element_type="f32" shape="2, 3" offset="0" size="24"',
    )
    expect_error(registry, xml, "layer id=2 name='add'", weights=bytes(24))


def test_const_with_unknown_attribute(registry):
    xml = mutate('offset="0" size="8"', 'offset="0" size="8" value="1"')
    expect_error(registry, xml, "layer id=1 name='c'", "unknown attribute(s) value")


def test_const_with_bad_element_type(registry):
    xml = mutate('element_type="f32" shape="2"', 'element_type="float99" shape="2"')
    expect_error(registry, xml, "layer id=1 name='c'", "float99")


def test_non_integer_layer_id(registry):
    xml = mutate('<layer id="3"', '<layer id="three"')
    expect_error(registry, xml, "name='relu1'", "id='three' is not a non-negative integer")


def test_too_many_output_ports(registry):
    xml = mutate(
        '<output><port id="1" precision="FP32"><dim>2</dim></port></output>',
        '<output><port id="1" /><port id="2" /></output>',
    )
    expect_error(registry, xml, "layer id=3 name='relu1'", "declares 2 output ports")


def test_string_const_with_bad_offsets(registry):
    blob = np.array([1, 0, 9], "<i4").tobytes() + b"abc"
    xml = mutate(
        'element_type="f32" shape="2" offset="0" size="8"',
        f'element_type="string" shape="1" offset="0" size="{len(blob)}"',
        '<layer id="2" name="add" type="Add"',
        '<layer id="2" name="add" type="Concat"',
        'auto_broadcast="numpy"',
        'axis="0"',
    )
    expect_error(registry, xml, "layer id=1 name='c'", "string offsets", weights=blob)


@pytest.mark.parametrize(
    ("spelling", "version"),
    [("SoftMax", "opset1"), ("PReLU", "opset1"), ("ReLU", "opset8"), ("Relu", "opset15")],
)
def test_legacy_spellings_are_accepted(registry, spelling, version):
    if spelling == "PReLU":
        xml = mutate(
            'type="Add" version="opset1"',
            f'type="{spelling}" version="{version}"',
            '<data auto_broadcast="numpy" />',
            "",
        )
        expected = "PRelu"
    elif spelling == "SoftMax":
        xml = mutate(
            'type="ReLU" version="opset1">',
            f'type="{spelling}" version="{version}"><data axis="0" />',
        )
        expected = "Softmax"
    else:
        xml = mutate('type="ReLU" version="opset1"', f'type="{spelling}" version="{version}"')
        expected = "Relu"
    model = read(xml, registry=registry)
    assert expected in {n.type_name for n in model.get_ordered_ops()}
