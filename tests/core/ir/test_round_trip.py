"""write -> read round trips: attributes, tensor names, rt_info, dynamic shapes, element types."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from pyvino import Constant, Dimension, Model, Parameter, PartialShape, Type
from pyvino.ir import read_ir_bytes, serialize_ir


def round_trip(model: Model, registry) -> tuple[Model, str, bytes]:
    xml, weights = serialize_ir(model)
    return read_ir_bytes(xml, weights, registry), xml.decode(), weights


def by_name(model: Model) -> dict:
    return {n.friendly_name: n for n in model.get_ordered_ops()}


def test_attributes_round_trip(ops, registry):
    x = Parameter(Type.f32, [1, 2, 9, 9], "x")
    w = Constant(np.ones((4, 2, 3, 3), np.float32), Type.f32, "w")
    attrs = {
        "strides": [2, 1],
        "dilations": [1, 2],
        "pads_begin": [0, 1],
        "pads_end": [1, 0],
        "auto_pad": "explicit",
    }
    conv = ops("Convolution")([x, w], attrs, "conv")
    back, text, _ = round_trip(Model([conv], [x], "m"), registry)
    assert 'strides="2, 1" dilations="1, 2" pads_begin="0, 1" pads_end="1, 0"' in text
    got = by_name(back)["conv"]
    assert got.attrs == conv.attrs
    # H: (9 + 0 + 1 - 3) // 2 + 1 = 4; W: 9 + 1 + 0 - 5 + 1 = 6 (dilated kernel 5)
    assert got.get_output_partial_shape(0) == PartialShape([1, 4, 4, 6])


def test_tensor_names_with_commas(ops, registry):
    x = Parameter(Type.f32, [2], "x")
    x.output(0).set_names(["in,a", "in2"])
    relu = ops("Relu")([x], {}, "relu")
    relu.output(0).set_names(["out"])
    back, text, _ = round_trip(Model([relu], [x], "m"), registry)
    assert 'names="in\\,a,in2"' in text
    assert back.input(0).names == {"in,a", "in2"}
    assert back.input("in,a") is not None
    assert back.output(0).names == {"out"}
    assert back.get_results()[0].output(0).names == {"out"}


def test_rt_info_round_trips_on_nodes_ports_and_model(ops, registry):
    x = Parameter(Type.f32, [1, 3, 4, 4], "x")
    x.output(0).rt_info["layout"] = {"layout": "[N,C,H,W]"}
    relu = ops("Relu")([x], {}, "relu")
    relu.rt_info["fused_names"] = {"value": "a,b"}
    relu.rt_info["custom"] = {"version": "2", "k": "v"}
    relu.rt_info["decompression"] = {}
    relu.rt_info["PrimitivesPriority"] = "cpu:jit"
    relu.rt_info["opaque"] = object()  # not serializable: skipped
    model = Model([relu], [x], "m")
    model.rt_info = {
        "OpenVINO Runtime": "2026.4.1",
        "model_info": {"foo": "v", "nested": {"deep": "1"}, "empty": {}},
        "count": 3,
        "version": "11",  # never written (as OpenVINO)
    }
    back, text, _ = round_trip(model, registry)
    assert '<attribute name="custom" version="2" k="v" />' in text
    assert '<data PrimitivesPriority="cpu:jit" />' in text
    assert '<info name="OpenVINO Runtime" value="2026.4.1" />' in text
    got = by_name(back)["relu"]
    assert got.rt_info == {
        "fused_names": {"value": "a,b"},
        "custom": {"version": "2", "k": "v"},
        "decompression": {},
        "PrimitivesPriority": "cpu:jit",
    }
    assert back.input(0).rt_info == {"layout": {"layout": "[N,C,H,W]"}}
    assert back.rt_info == {
        "OpenVINO Runtime": "2026.4.1",
        "model_info": {"foo": "v", "nested": {"deep": "1"}, "empty": {}},
        "count": "3",
    }


def test_dynamic_and_interval_shapes(ops, registry):
    x = Parameter(Type.f32, PartialShape([Dimension(), 3, Dimension(1, 10), Dimension(2, -1)]), "x")
    y = Parameter(Type.i32, PartialShape.dynamic(), "y")
    rx = ops("Relu")([x], {}, "rx")
    ry = ops("Relu")([y], {}, "ry")
    back, text, _ = round_trip(Model([rx, ry], [x, y], "m"), registry)
    assert '<data shape="?,3,1..10,2.." element_type="f32" />' in text
    assert '<data shape="..." element_type="i32" />' in text
    assert text.count("<dim>-1</dim>") == 12  # 3 per port: x, rx in, rx out, Result in
    px, py = back.get_parameters()
    assert px.get_partial_shape() == x.get_partial_shape()
    assert not py.get_partial_shape().rank_is_static
    assert back.output(0).get_partial_shape() == x.get_partial_shape()


# (type, values, expected .bin bytes): sub-byte layouts computed by hand from OpenVINO's
# element iterator (nibbles low first; u1/u2 most significant first; u3/u6 split in 3 bytes).
CASES = [
    ("f64", [1.5, -2.0], np.array([1.5, -2.0], "<f8").tobytes()),
    ("f32", [0.25, -1.0], bytes.fromhex("0000803e 000080bf")),
    ("f16", [0.01, 1.0], bytes.fromhex("1f21 003c")),
    ("bf16", [1.0, -2.0], bytes.fromhex("803f 00c0")),
    ("f8e4m3", [1.0, -2.0], bytes.fromhex("38 c0")),
    ("f8e5m2", [1.0, -2.0], bytes.fromhex("3c c0")),
    ("f8e8m0", [1.0, 4.0], bytes.fromhex("7f 81")),
    ("f4e2m1", [0.5, -6.0, 1.0], bytes.fromhex("f1 02")),
    ("nf4", [3, 15, 0], bytes.fromhex("f3 00")),
    ("i64", [-2, 3], np.array([-2, 3], "<i8").tobytes()),
    ("i32", [-2, 70000], np.array([-2, 70000], "<i4").tobytes()),
    ("i16", [-2, 300], bytes.fromhex("feff 2c01")),
    ("i8", [-2, 100, 7], bytes.fromhex("fe 64 07")),
    ("i4", [-1, 2, -8], bytes.fromhex("2f 08")),
    ("u64", [2**63, 1], np.array([2**63, 1], "<u8").tobytes()),
    ("u32", [4000000000], np.array([4000000000], "<u4").tobytes()),
    ("u16", [65535, 2], bytes.fromhex("ffff 0200")),
    ("u8", [255, 0, 7], bytes.fromhex("ff 00 07")),
    ("u6", [1, 17, 34, 63, 5], bytes.fromhex("11 2f 1b 50 00 00")),
    ("u4", [1, 2, 3], bytes.fromhex("21 03")),
    ("u3", [0, 1, 2, 3, 4, 5, 6, 7, 7], bytes.fromhex("1b 1b 0f c0 00 80")),
    ("u2", [1, 2, 3, 0, 3], bytes.fromhex("6c c0")),
    ("u1", [1, 0, 1, 1, 0, 0, 0, 0, 1], bytes.fromhex("b0 80")),
    ("boolean", [True, False, True], bytes.fromhex("01 00 01")),
]


@pytest.mark.parametrize(("type_name", "values", "expected"), CASES, ids=[c[0] for c in CASES])
def test_constant_data_layout(registry, type_name, values, expected):
    t = Type.get(type_name)
    const = Constant(np.array(values).astype(t.dtype), t, "c")
    back, text, weights = round_trip(Model([const], [], "m"), registry)
    assert weights == expected
    assert (
        f'<data element_type="{type_name}" shape="{len(values)}" offset="0" '
        f'size="{len(expected)}" />' in text
    )
    assert f'precision="{t.precision}"' in text
    got = by_name(back)["c"]
    assert got.get_output_element_type(0) is t
    assert got.data.dtype == t.dtype
    np.testing.assert_array_equal(
        got.data.astype(np.float64), np.array(values).astype(t.dtype).astype(np.float64)
    )


def test_known_dtype_values():
    # the oracle bytes above assume these encodings; check them against ml_dtypes directly
    assert np.array([1.0, 4.0], ml_dtypes.float8_e8m0fnu).view(np.uint8).tolist() == [127, 129]
    assert np.array([0.5, -6.0], ml_dtypes.float4_e2m1fn).view(np.uint8).tolist() == [1, 15]


def test_string_constant_round_trip(registry):
    values = np.array([["Intel", ""], ["Open,VINO", "çà"]], dtype=object)
    const = Constant(values, Type.string, "s")
    back, text, weights = round_trip(Model([const], [], "m"), registry)
    header = np.array([4, 0, 5, 5, 14, 18], "<i4").tobytes()
    assert weights == header + "IntelOpen,VINOçà".encode()
    assert f'<data element_type="string" shape="2, 2" offset="0" size="{len(weights)}" />' in text
    got = by_name(back)["s"]
    assert got.get_output_element_type(0) is Type.string
    assert got.data.tolist() == values.tolist()


def test_scalar_and_empty_constants(registry):
    scalar = Constant(np.float32(2.5), Type.f32, "scalar")
    empty = Constant(np.zeros((0, 3), np.int64), Type.i64, "empty")
    back, text, weights = round_trip(Model([scalar, empty], [], "m"), registry)
    assert '<data element_type="f32" shape="" offset="0" size="4" />' in text
    assert '<data element_type="i64" shape="0, 3" offset="4" size="0" />' in text
    got = by_name(back)
    assert got["scalar"].data.shape == () and got["scalar"].data == np.float32(2.5)
    assert got["empty"].data.shape == (0, 3)
