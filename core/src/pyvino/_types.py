"""OpenVINO element types: IR names, port precisions, bit widths and their numpy dtypes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import ml_dtypes
import numpy as np

from pyvino._errors import PyvinoError


@dataclass(frozen=True, eq=False)
class Type:
    """One element type, e.g. ``Type.f32``; compare by identity (there is one instance per name).

    ``dtype`` is how pyvino holds such values in numpy. Packed sub-byte types whose values numpy
    cannot hold natively (u3, u6, nf4) are held unpacked, one value per ``uint8``.
    """

    name: str
    precision: str
    bitwidth: int
    dtype: np.dtype
    is_real: bool = False
    is_signed: bool = False
    is_integral: bool = False

    _by_name: ClassVar[dict[str, Type]] = {}
    _by_precision: ClassVar[dict[str, Type]] = {}

    # Filled in below for each OpenVINO element type (Type.f32, Type.i64, ...).
    f64: ClassVar[Type]
    f32: ClassVar[Type]
    f16: ClassVar[Type]
    bf16: ClassVar[Type]
    f8e4m3: ClassVar[Type]
    f8e5m2: ClassVar[Type]
    f8e8m0: ClassVar[Type]
    f4e2m1: ClassVar[Type]
    nf4: ClassVar[Type]
    i64: ClassVar[Type]
    i32: ClassVar[Type]
    i16: ClassVar[Type]
    i8: ClassVar[Type]
    i4: ClassVar[Type]
    u64: ClassVar[Type]
    u32: ClassVar[Type]
    u16: ClassVar[Type]
    u8: ClassVar[Type]
    u6: ClassVar[Type]
    u4: ClassVar[Type]
    u3: ClassVar[Type]
    u2: ClassVar[Type]
    u1: ClassVar[Type]
    boolean: ClassVar[Type]
    string: ClassVar[Type]
    dynamic: ClassVar[Type]

    def __repr__(self) -> str:
        return f"<Type: '{self.name}'>"

    def __str__(self) -> str:
        return self.name

    def __reduce__(self) -> Any:  # keep identity through copy/deepcopy
        return (Type.get, (self.name,))

    @property
    def is_packed(self) -> bool:
        """True for types stored below one byte per element in IR files (u1, i4, nf4, ...)."""
        return self.bitwidth < 8 and self.name != "dynamic"

    def byte_size(self, count: int) -> int:
        """Bytes taken by ``count`` elements in an IR ``.bin`` (sub-byte types are packed;
        u3 and u6 are stored in 3-byte groups of 8 and 4 values, as OpenVINO does)."""
        groups = {"u3": 8, "u6": 4}.get(self.name)
        if groups:
            return -(-count // groups) * 3
        return (count * self.bitwidth + 7) // 8

    @staticmethod
    def get(value: Any) -> Type:
        """Resolve a Type from a Type, an IR name ('f32'), a precision ('FP32') or a numpy dtype."""
        if isinstance(value, Type):
            return value
        if isinstance(value, str):
            found = Type._by_name.get(value) or Type._by_precision.get(value.upper())
            if found is None:
                found = _ALIASES.get(value.lower())
            if found is None:
                raise PyvinoError(
                    f"unknown element type {value!r}; expected one of "
                    + ", ".join(sorted(Type._by_name))
                )
            return found
        try:
            dtype = np.dtype(value)
        except TypeError as exc:
            raise PyvinoError(f"cannot interpret {value!r} as an element type") from exc
        found = Type.string if dtype.kind in "UOS" else _BY_DTYPE.get(dtype)
        if found is None:
            raise PyvinoError(f"numpy dtype {dtype} has no pyvino element type")
        return found


def _add(name: str, precision: str, bits: int, dtype: Any, kind: str) -> None:
    t = Type(
        name,
        precision,
        bits,
        np.dtype(dtype),
        is_real=kind == "f",
        is_signed=kind in ("f", "i"),
        is_integral=kind in ("i", "u", "b"),
    )
    Type._by_name[name] = t
    Type._by_precision[precision] = t
    setattr(Type, name, t)


for _spec in [
    ("f64", "FP64", 64, np.float64, "f"),
    ("f32", "FP32", 32, np.float32, "f"),
    ("f16", "FP16", 16, np.float16, "f"),
    ("bf16", "BF16", 16, ml_dtypes.bfloat16, "f"),
    ("f8e4m3", "F8E4M3", 8, ml_dtypes.float8_e4m3fn, "f"),
    ("f8e5m2", "F8E5M2", 8, ml_dtypes.float8_e5m2, "f"),
    ("f8e8m0", "F8E8M0", 8, ml_dtypes.float8_e8m0fnu, "f"),
    ("f4e2m1", "F4E2M1", 4, ml_dtypes.float4_e2m1fn, "f"),
    ("nf4", "NF4", 4, np.uint8, "f"),
    ("i64", "I64", 64, np.int64, "i"),
    ("i32", "I32", 32, np.int32, "i"),
    ("i16", "I16", 16, np.int16, "i"),
    ("i8", "I8", 8, np.int8, "i"),
    ("i4", "I4", 4, ml_dtypes.int4, "i"),
    ("u64", "U64", 64, np.uint64, "u"),
    ("u32", "U32", 32, np.uint32, "u"),
    ("u16", "U16", 16, np.uint16, "u"),
    ("u8", "U8", 8, np.uint8, "u"),
    ("u6", "U6", 6, np.uint8, "u"),
    ("u4", "U4", 4, ml_dtypes.uint4, "u"),
    ("u3", "U3", 3, np.uint8, "u"),
    ("u2", "U2", 2, ml_dtypes.uint2, "u"),
    ("u1", "BIN", 1, np.bool_, "u"),
    ("boolean", "BOOL", 8, np.bool_, "b"),
    ("string", "STRING", 0, np.object_, "s"),
    ("dynamic", "DYNAMIC", 0, np.float32, "d"),
]:
    _add(*_spec)

_ALIASES = {
    "float": Type.f32,
    "float32": Type.f32,
    "float16": Type.f16,
    "float64": Type.f64,
    "bfloat16": Type.bf16,
    "bool": Type.boolean,
    "int64": Type.i64,
    "int32": Type.i32,
    "int8": Type.i8,
    "uint8": Type.u8,
    "undefined": Type.dynamic,
}

# numpy dtype -> Type for the types numpy holds natively (first name wins: bool -> boolean).
_BY_DTYPE: dict[np.dtype, Type] = {}
for _t in Type._by_name.values():
    if _t.name in ("nf4", "u6", "u3", "u1", "dynamic"):
        continue
    _BY_DTYPE.setdefault(_t.dtype, _t)
_BY_DTYPE[np.dtype(np.bool_)] = Type.boolean
