"""Element types against OpenVINO's table (reference §1.2)."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from pyvino import PyvinoError, Type

# (name, precision, bits) as OpenVINO 2026.4 reports them.
OPENVINO_TABLE = [
    ("f64", "FP64", 64), ("f32", "FP32", 32), ("f16", "FP16", 16), ("bf16", "BF16", 16),
    ("f8e4m3", "F8E4M3", 8), ("f8e5m2", "F8E5M2", 8), ("f8e8m0", "F8E8M0", 8),
    ("f4e2m1", "F4E2M1", 4), ("nf4", "NF4", 4),
    ("i64", "I64", 64), ("i32", "I32", 32), ("i16", "I16", 16), ("i8", "I8", 8), ("i4", "I4", 4),
    ("u64", "U64", 64), ("u32", "U32", 32), ("u16", "U16", 16), ("u8", "U8", 8), ("u6", "U6", 6),
    ("u4", "U4", 4), ("u3", "U3", 3), ("u2", "U2", 2), ("u1", "BIN", 1),
    ("boolean", "BOOL", 8), ("string", "STRING", 0),
]


@pytest.mark.parametrize(("name", "precision", "bits"), OPENVINO_TABLE)
def test_every_openvino_type_has_its_ir_name_precision_and_width(name, precision, bits):
    t = Type.get(name)
    assert (t.name, t.precision, t.bitwidth) == (name, precision, bits)
    assert Type.get(precision) is t
    assert getattr(Type, name) is t


@pytest.mark.parametrize(("dtype", "name"), [
    (np.float32, "f32"), (np.float16, "f16"), (ml_dtypes.bfloat16, "bf16"), (np.int64, "i64"),
    (np.uint8, "u8"), (np.bool_, "boolean"), (ml_dtypes.int4, "i4"),
    (ml_dtypes.float8_e4m3fn, "f8e4m3"),
])
def test_numpy_dtypes_map_to_types(dtype, name):
    assert Type.get(np.dtype(dtype)).name == name


def test_packed_sizes_round_up():
    assert Type.u1.byte_size(9) == 2
    assert Type.u4.byte_size(3) == 2
    assert Type.f32.byte_size(3) == 12
    assert Type.u3.byte_size(9) == 6 and Type.u6.byte_size(4) == 3


def test_unknown_type_is_a_typed_error():
    with pytest.raises(PyvinoError, match="unknown element type 'f31'"):
        Type.get("f31")
