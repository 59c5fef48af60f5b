"""ONNX element types and tensors as pyvino ``Type`` values and numpy arrays."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

from pyvino._types import Type

# ONNX TensorProto.DataType -> pyvino element type (types OpenVINO has no equivalent for are absent:
# complex, the FNUZ float8 variants, int2).
ONNX_TO_TYPE: dict[int, Type] = {
    TensorProto.FLOAT: Type.f32,
    TensorProto.UINT8: Type.u8,
    TensorProto.INT8: Type.i8,
    TensorProto.UINT16: Type.u16,
    TensorProto.INT16: Type.i16,
    TensorProto.INT32: Type.i32,
    TensorProto.INT64: Type.i64,
    TensorProto.STRING: Type.string,
    TensorProto.BOOL: Type.boolean,
    TensorProto.FLOAT16: Type.f16,
    TensorProto.DOUBLE: Type.f64,
    TensorProto.UINT32: Type.u32,
    TensorProto.UINT64: Type.u64,
    TensorProto.BFLOAT16: Type.bf16,
    TensorProto.FLOAT8E4M3FN: Type.f8e4m3,
    TensorProto.FLOAT8E5M2: Type.f8e5m2,
    TensorProto.UINT4: Type.u4,
    TensorProto.INT4: Type.i4,
    TensorProto.FLOAT4E2M1: Type.f4e2m1,
    TensorProto.FLOAT8E8M0: Type.f8e8m0,
    TensorProto.UINT2: Type.u2,
}

TYPE_TO_ONNX: dict[str, int] = {t.name: code for code, t in ONNX_TO_TYPE.items()}


class UnsupportedTypeError(ValueError):
    """An ONNX element type pyvino cannot hold (the caller names the node or tensor)."""


def onnx_type_name(code: int) -> str:
    """``FLOAT``, ``INT64``, ... for an ONNX data-type code (``<code>`` if unknown)."""
    try:
        return TensorProto.DataType.Name(code)
    except ValueError:
        return f"<{code}>"


def element_type(code: int) -> Type:
    """The pyvino element type of ONNX data type ``code``."""
    found = ONNX_TO_TYPE.get(code)
    if found is None:
        raise UnsupportedTypeError(
            f"ONNX element type {onnx_type_name(code)} has no OpenVINO equivalent"
        )
    return found


def onnx_type(t: Type) -> int:
    """The ONNX data-type code of pyvino type ``t``."""
    code = TYPE_TO_ONNX.get(t.name)
    if code is None:
        raise UnsupportedTypeError(f"element type {t.name} has no ONNX equivalent")
    return code


def tensor_to_array(tensor: TensorProto) -> tuple[np.ndarray, Type]:
    """The value and element type of an (already loaded) ONNX tensor."""
    t = element_type(tensor.data_type)
    if tensor.data_location == TensorProto.EXTERNAL:
        raise UnsupportedTypeError(f"tensor {tensor.name!r} still refers to external data")
    try:
        value = numpy_helper.to_array(tensor)
    except Exception as exc:  # malformed payloads: wrong byte counts, bad dims
        raise UnsupportedTypeError(f"tensor {tensor.name!r} has malformed data: {exc}") from None
    if t is Type.string:
        value = np.asarray(value, dtype=object)
    elif value.dtype != t.dtype:
        value = value.astype(t.dtype)
    return value, t


def attribute_value(attr: onnx.AttributeProto) -> object:
    """The Python value of an ONNX attribute (tensors as numpy arrays, strings decoded)."""
    A = onnx.AttributeProto
    kind = attr.type
    if kind == A.FLOAT:
        return float(attr.f)
    if kind == A.INT:
        return int(attr.i)
    if kind == A.STRING:
        return attr.s.decode("utf-8", errors="replace")
    if kind == A.TENSOR:
        return tensor_to_array(attr.t)[0]
    if kind == A.GRAPH:
        return attr.g
    if kind == A.FLOATS:
        return [float(x) for x in attr.floats]
    if kind == A.INTS:
        return [int(x) for x in attr.ints]
    if kind == A.STRINGS:
        return [s.decode("utf-8", errors="replace") for s in attr.strings]
    if kind == A.TENSORS:
        return [tensor_to_array(t)[0] for t in attr.tensors]
    if kind == A.GRAPHS:
        return list(attr.graphs)
    if kind == A.SPARSE_TENSOR:
        return sparse_to_array(attr.sparse_tensor)[0]
    if kind == A.TYPE_PROTO:
        return attr.tp
    raise UnsupportedTypeError(f"attribute {attr.name!r} has unknown type {kind}")


def sparse_to_array(sparse: onnx.SparseTensorProto) -> tuple[np.ndarray, Type]:
    """The dense value of a sparse tensor (indices are linear [NNZ] or coordinates [NNZ, rank])."""
    values, t = tensor_to_array(sparse.values)
    indices = numpy_helper.to_array(sparse.indices).astype(np.int64)
    shape = tuple(int(d) for d in sparse.dims)
    dense = np.zeros(shape, dtype=values.dtype)
    if indices.ndim == 2:
        indices = np.ravel_multi_index(tuple(indices.T), shape)
    dense.reshape(-1)[indices] = values.reshape(-1)
    return dense, t
