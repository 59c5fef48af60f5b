"""The writer lays IR out exactly as OpenVINO's serializer does (text compared line by line)."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Constant, Model, Parameter, Type
from pyvino.ir import read_ir, serialize_ir, write_ir

W = (np.arange(108, dtype=np.float32) * 0.25 - 13.0).reshape(4, 3, 3, 3)

EXPECTED_F32 = """<?xml version="1.0"?>
<net name="tiny" version="11">
	<layers>
		<layer id="0" name="x" type="Parameter" version="opset1">
			<data shape="1,3,8,8" element_type="f32" />
			<output>
				<port id="0" precision="FP32" names="x">
					<dim>1</dim>
					<dim>3</dim>
					<dim>8</dim>
					<dim>8</dim>
				</port>
			</output>
		</layer>
		<layer id="1" name="W" type="Const" version="opset1">
			<data element_type="f32" shape="4, 3, 3, 3" offset="0" size="432" />
			<output>
				<port id="0" precision="FP32" names="W">
					<dim>4</dim>
					<dim>3</dim>
					<dim>3</dim>
					<dim>3</dim>
				</port>
			</output>
		</layer>
		<layer id="2" name="conv" type="Convolution" version="opset1">
			<data strides="2, 2" dilations="1, 1" pads_begin="1, 1" pads_end="0, 0" auto_pad="explicit" />
			<input>
				<port id="0" precision="FP32">
					<dim>1</dim>
					<dim>3</dim>
					<dim>8</dim>
					<dim>8</dim>
				</port>
				<port id="1" precision="FP32">
					<dim>4</dim>
					<dim>3</dim>
					<dim>3</dim>
					<dim>3</dim>
				</port>
			</input>
			<output>
				<port id="2" precision="FP32">
					<dim>1</dim>
					<dim>4</dim>
					<dim>4</dim>
					<dim>4</dim>
				</port>
			</output>
		</layer>
		<layer id="3" name="relu" type="ReLU" version="opset1">
			<input>
				<port id="0" precision="FP32">
					<dim>1</dim>
					<dim>4</dim>
					<dim>4</dim>
					<dim>4</dim>
				</port>
			</input>
			<output>
				<port id="1" precision="FP32" names="r">
					<dim>1</dim>
					<dim>4</dim>
					<dim>4</dim>
					<dim>4</dim>
				</port>
			</output>
		</layer>
		<layer id="4" name="relu/sink_port_0" type="Result" version="opset1" output_names="r">
			<input>
				<port id="0" precision="FP32">
					<dim>1</dim>
					<dim>4</dim>
					<dim>4</dim>
					<dim>4</dim>
				</port>
			</input>
		</layer>
	</layers>
	<edges>
		<edge from-layer="0" from-port="0" to-layer="2" to-port="0" />
		<edge from-layer="1" from-port="0" to-layer="2" to-port="1" />
		<edge from-layer="2" from-port="2" to-layer="3" to-port="0" />
		<edge from-layer="3" from-port="1" to-layer="4" to-port="0" />
	</edges>
	<rt_info />
</net>
"""


def conv_relu_model(ops) -> Model:
    x = Parameter(Type.f32, [1, 3, 8, 8], "x")
    x.output(0).set_names(["x"])
    w = Constant(W, Type.f32, "W")
    w.output(0).set_names(["W"])
    conv = ops("Convolution")(
        [x, w],
        {"strides": [2, 2], "dilations": [1, 1], "pads_begin": [1, 1], "pads_end": [0, 0]},
        "conv",
    )
    relu = ops("Relu")([conv], {}, "relu")
    relu.output(0).set_names(["r"])
    return Model([relu], [x], "tiny")


def test_conv_relu_xml_matches_openvino_layout(ops):
    xml, weights = serialize_ir(conv_relu_model(ops))
    assert xml.decode().splitlines() == EXPECTED_F32.splitlines()
    assert xml.decode() == EXPECTED_F32
    assert weights == W.astype("<f4").tobytes()


def test_fp16_compression_inserts_decompression_convert(ops, registry):
    model = conv_relu_model(ops)
    xml, weights = serialize_ir(model, compress_to_fp16=True, registry=registry)
    text = xml.decode()
    expected_const = (
        '\t\t<layer id="1" name="W_compressed" type="Const" version="opset1">\n'
        '\t\t\t<data element_type="f16" shape="4, 3, 3, 3" offset="0" size="216" />\n'
        "\t\t\t<output>\n"
        '\t\t\t\t<port id="0" precision="FP16" names="W">\n'
    )
    expected_convert = (
        '\t\t<layer id="2" name="W" type="Convert" version="opset1">\n'
        '\t\t\t<data destination_type="f32" />\n'
        "\t\t\t<rt_info>\n"
        '\t\t\t\t<attribute name="decompression" version="0" />\n'
        "\t\t\t</rt_info>\n"
        "\t\t\t<input>\n"
        '\t\t\t\t<port id="0" precision="FP16">\n'
    )
    assert expected_const in text and expected_convert in text
    assert '<edge from-layer="1" from-port="0" to-layer="2" to-port="0" />' in text
    assert '<edge from-layer="2" from-port="1" to-layer="3" to-port="1" />' in text
    assert weights == W.astype("<f2").tobytes()
    # the model in memory is untouched
    ops_after = {n.friendly_name: n for n in model.get_ordered_ops()}
    assert set(ops_after) == {"x", "W", "conv", "relu", "relu/sink_port_0"}
    assert ops_after["W"].get_output_element_type(0) is Type.f32
    assert ops_after["W"].output(0).names == {"W"}
    assert ops_after["conv"].inputs[1].node is ops_after["W"]


def test_compressed_file_reads_back_and_computes_the_same(ops, registry, evaluate, tmp_path):
    model = conv_relu_model(ops)
    write_ir(model, tmp_path / "m.xml", registry=registry)  # compress_to_fp16 defaults to True
    assert (tmp_path / "m.bin").stat().st_size == 216
    back = read_ir(tmp_path / "m.xml", registry=registry)
    x = np.random.default_rng(1).standard_normal((1, 3, 8, 8)).astype(np.float32)
    (ref,) = evaluate(model, [x])
    (got,) = evaluate(back, [x])
    np.testing.assert_allclose(got, ref, rtol=1e-5)  # W is exactly representable in f16


def test_out_of_f16_range_constants_stay_f32(ops, registry):
    x = Parameter(Type.f32, [2], "x")
    big = Constant(np.array([1.0, 1e6], np.float32), Type.f32, "big")
    small = Constant(np.array([0.5, -2.0], np.float32), Type.f32, "small")
    add = ops("Add")([ops("Add")([x, big], {}, "a1"), small], {}, "a2")
    xml, weights = serialize_ir(Model([add], [x], "m"), compress_to_fp16=True, registry=registry)
    text = xml.decode()
    assert 'name="big" type="Const"' in text and 'name="small_compressed"' in text
    assert 'name="big_compressed"' not in text
    assert weights == np.array([1.0, 1e6], "<f4").tobytes() + np.array([0.5, -2.0], "<f2").tobytes()


def test_identical_constants_share_one_range(ops):
    x = Parameter(Type.f32, [3], "x")
    c1 = Constant(np.array([1, 2, 3], np.float32), Type.f32, "c1")
    c2 = Constant(np.array([1, 2, 3], np.float32), Type.f32, "c2")
    add = ops("Add")([ops("Add")([x, c1], {}, "a1"), c2], {}, "a2")
    xml, weights = serialize_ir(Model([add], [x], "m"))
    text = xml.decode()
    assert text.count('<data element_type="f32" shape="3" offset="0" size="12" />') == 2
    assert len(weights) == 12


def test_write_ir_paths(ops, tmp_path):
    model = conv_relu_model(ops)
    write_ir(
        model, tmp_path / "sub" / "m.xml", tmp_path / "w" / "weights.bin", compress_to_fp16=False
    )
    assert (tmp_path / "sub" / "m.xml").read_text() == EXPECTED_F32
    assert (tmp_path / "w" / "weights.bin").read_bytes() == W.astype("<f4").tobytes()


def test_tiny_reference_round_trips_byte_for_byte(fixtures, registry):
    model = read_ir(fixtures / "tiny.xml", registry=registry)
    xml, weights = serialize_ir(model, compress_to_fp16=True, registry=registry)
    assert xml == (fixtures / "tiny.xml").read_bytes()
    assert weights == (fixtures / "tiny.bin").read_bytes()


def test_constant_of_dynamic_type_cannot_be_saved():
    c = Constant(np.zeros(2, np.float32), Type.f32, "c")
    c.attrs["element_type"] = Type.dynamic
    c.validate()
    with pytest.raises(pyvino.PyvinoError, match="'c'.*dynamic"):
        serialize_ir(Model([c], [], "m"))
