"""Reading IR in OpenVINO's exact format: the reference §1.4 model and a shared-range model.

``fixtures/tiny.xml`` is the file ``ov.save_model`` writes for ONNX Conv(3->4, 3x3, pad 1,
bias) + Relu + Add(ones); ``tiny.bin`` holds W = 0.00, 0.01, ... (108 f16), the bias
0.1..0.4 and C = 1.0 (f16), 232 bytes. Expected outputs are computed here with plain numpy.
"""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Constant, Parameter, PartialShape, Result, Type
from pyvino.ir import read_ir, read_ir_bytes


def conv2d_pad1(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """3x3 cross-correlation, stride 1, zero padding 1, by explicit window sums."""
    n, _, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((n, w.shape[0], h, wd), dtype=np.float64)
    for o in range(w.shape[0]):
        for i in range(h):
            for j in range(wd):
                out[:, o, i, j] = (xp[:, :, i : i + 3, j : j + 3] * w[o]).sum(axis=(1, 2, 3))
    return out


def test_fixture_bin_matches_the_reference_bytes(fixtures):
    blob = (fixtures / "tiny.bin").read_bytes()
    assert len(blob) == 232
    assert blob[:6] == bytes.fromhex("0000 1f21 1f25")
    assert blob[216:224] == bytes.fromhex("662e 6632 cd34 6636")
    assert blob[224:232] == bytes.fromhex("003c") * 4


def test_reads_the_openvino_example(fixtures, registry):
    model = read_ir(fixtures / "tiny.xml", registry=registry)
    assert model.friendly_name == "onnx_Frontend_IR"
    ops = {n.friendly_name: n for n in model.get_ordered_ops()}
    assert len(ops) == 12
    assert ops["relu1"].type_name == "Relu"  # legacy spelling ReLU accepted
    w16 = ops["W_compressed"]
    assert isinstance(w16, Constant) and w16.get_output_element_type(0) is Type.f16
    assert w16.output(0).names == {"W"}
    np.testing.assert_array_equal(w16.data.reshape(-1), (np.arange(108) * 0.01).astype(np.float16))
    assert ops["W"].rt_info == {"decompression": {}}
    assert ops["conv1/WithoutBiases"].attrs["pads_begin"] == (1, 1)
    assert ops["conv1"].output(0).names == {"c"}
    assert model.output(0).get_partial_shape() == PartialShape([1, 4, 8, 8])
    assert model.input("x").node is model.get_parameters()[0]
    assert model.output("y").node is ops["y"]
    assert model.rt_info == {
        "OpenVINO Runtime": "2026.4.1-22982-e213a147257-releases/2026/4",
        "Runtime_version": "2026.4.1-22982-e213a147257-releases/2026/4",
        "conversion_parameters": {"input_model": "DIR/tiny.onnx", "is_python_object": "False"},
    }


def test_example_computes_relu_conv_plus_bias_plus_one(fixtures, registry, evaluate):
    model = read_ir(fixtures / "tiny.xml", registry=registry)
    x = np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32)
    w = (np.arange(108) * 0.01).astype(np.float16).astype(np.float64).reshape(4, 3, 3, 3)
    bias = np.array([0.1, 0.2, 0.3, 0.4], np.float16).astype(np.float64).reshape(1, 4, 1, 1)
    expected = np.maximum(conv2d_pad1(x.astype(np.float64), w) + bias, 0) + 1.0
    (y,) = evaluate(model, [x])
    assert y.dtype == np.float32 and y.shape == (1, 4, 8, 8)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


def test_reads_from_memory_with_weights_buffer(fixtures, registry, evaluate):
    xml = (fixtures / "tiny.xml").read_text()
    weights = np.frombuffer((fixtures / "tiny.bin").read_bytes(), dtype=np.uint8)
    model = read_ir_bytes(xml, weights, registry)
    x = np.zeros((1, 3, 8, 8), np.float32)
    (y,) = evaluate(model, [x])  # zero input: relu(bias) + 1
    expected = np.array([1.1, 1.2, 1.3, 1.4], np.float16).astype(np.float32)
    np.testing.assert_allclose(y[0, :, 3, 3], expected, rtol=1e-3)


SHARED = """<?xml version="1.0"?>
<net name="shared" version="{version}">
	<layers>
		<layer id="0" name="x" type="Parameter" version="opset1">
			<data shape="4" element_type="f32" />
			<output><port id="0" precision="FP32" names="x"><dim>4</dim></port></output>
		</layer>
		<layer id="1" name="A" type="Const" version="opset1">
			<data element_type="f16" shape="4" offset="224" size="8" />
			<output><port id="0" precision="FP16"><dim>4</dim></port></output>
		</layer>
		<layer id="2" name="B" type="Const" version="opset1">
			<data element_type="f16" shape="4" offset="224" size="8" />
			<output><port id="0" precision="FP16"><dim>4</dim></port></output>
		</layer>
		<layer id="3" name="tail" type="Const" version="opset1">
			<data element_type="f16" shape="2" offset="220" size="4" />
			<output><port id="0" precision="FP16"><dim>2</dim></port></output>
		</layer>
		<layer id="4" name="A32" type="Convert" version="opset1">
			<data destination_type="f32" />
			<input><port id="0" precision="FP16"><dim>4</dim></port></input>
			<output><port id="1" precision="FP32"><dim>4</dim></port></output>
		</layer>
		<layer id="5" name="B32" type="Convert" version="opset1">
			<data destination_type="f32" />
			<input><port id="0" precision="FP16"><dim>4</dim></port></input>
			<output><port id="1" precision="FP32"><dim>4</dim></port></output>
		</layer>
		<layer id="6" name="sum1" type="Add" version="opset1">
			<input><port id="0"><dim>4</dim></port><port id="1"><dim>4</dim></port></input>
			<output><port id="2" precision="FP32"><dim>4</dim></port></output>
		</layer>
		<layer id="7" name="sum2" type="Add" version="opset1">
			<input><port id="0"><dim>4</dim></port><port id="1"><dim>4</dim></port></input>
			<output><port id="2" precision="FP32" names="y"><dim>4</dim></port></output>
		</layer>
		<layer id="9" name="z/sink_port_0" type="Result" version="opset1">
			<input><port id="0"><dim>2</dim></port></input>
		</layer>
		<layer id="8" name="y/sink_port_0" type="Result" version="opset1">
			<input><port id="0"><dim>4</dim></port></input>
		</layer>
	</layers>
	<edges>
		<edge from-layer="0" from-port="0" to-layer="6" to-port="0" />
		<edge from-layer="1" from-port="0" to-layer="4" to-port="0" />
		<edge from-layer="2" from-port="0" to-layer="5" to-port="0" />
		<edge from-layer="4" from-port="1" to-layer="6" to-port="1" />
		<edge from-layer="6" from-port="2" to-layer="7" to-port="0" />
		<edge from-layer="5" from-port="1" to-layer="7" to-port="1" />
		<edge from-layer="7" from-port="2" to-layer="8" to-port="0" />
		<edge from-layer="3" from-port="0" to-layer="9" to-port="0" />
	</edges>
</net>
"""


@pytest.mark.parametrize("version", ["10", "11"])
def test_shared_and_overlapping_bin_ranges(fixtures, registry, evaluate, version):
    weights = (fixtures / "tiny.bin").read_bytes()
    model = read_ir_bytes(SHARED.format(version=version), weights, registry)
    # Results keep file order: z (layer 9) comes before y (layer 8).
    assert [r.friendly_name for r in model.get_results()] == ["z/sink_port_0", "y/sink_port_0"]
    x = np.array([1, 2, 3, 4], np.float32)
    z, y = evaluate(model, [x])
    np.testing.assert_array_equal(y, x + 2)
    np.testing.assert_array_equal(z, np.array([0.3, 0.4], np.float16))


def test_constant_bytes_are_not_copied_beyond_their_range(registry):
    xml = SHARED.format(version="11")
    weights = bytes(224) + np.ones(4, "<f2").tobytes()
    with pytest.raises(pyvino.ModelReadError):  # 'tail' reads [220, 224): zeros, but fine;
        read_ir_bytes(xml, weights[:230], registry)  # A/B need [224, 232): beyond 230 bytes
    model = read_ir_bytes(xml, weights, registry)
    tail = next(n for n in model.get_ordered_ops() if n.friendly_name == "tail")
    np.testing.assert_array_equal(tail.data, np.zeros(2, np.float16))


def test_parameter_and_result_types(fixtures, registry):
    model = read_ir(fixtures / "tiny.xml", registry=registry)
    (param,) = model.get_parameters()
    assert isinstance(param, Parameter)
    assert param.get_element_type() is Type.f32
    assert all(isinstance(r, Result) for r in model.get_results())
    assert model.get_results()[0].output(0).names == {"y"}


def test_constants_do_not_alias_a_mutable_weights_buffer(fixtures, registry):
    weights = bytearray((fixtures / "tiny.bin").read_bytes())
    model = read_ir_bytes((fixtures / "tiny.xml").read_bytes(), weights, registry)
    weights[224:232] = bytes(8)
    c16 = next(n for n in model.get_ordered_ops() if n.friendly_name == "C_compressed")
    np.testing.assert_array_equal(c16.data.reshape(-1), np.ones(4, np.float16))


def test_weights_must_be_a_byte_buffer(fixtures, registry):
    with pytest.raises(pyvino.ModelReadError, match="weights must be a byte buffer"):
        read_ir_bytes((fixtures / "tiny.xml").read_bytes(), "not bytes", registry)
