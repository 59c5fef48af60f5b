"""pyvino: a Python re-creation of the OpenVINO toolkit's architecture.

Public surface: the names in ``__all__``, ``pyvino.hookspecs`` and ``pyvino.testing``.
``pyvino.opset8`` (any ``opsetN``) is a builder for models in code, like ``openvino.opsetN``.
"""

from __future__ import annotations

from typing import Any

from pyvino._attrs import BOOL, FLOAT, FLOATS, INT, INTS, SHAPE, STR, STRS, TYPE, Attr, enum
from pyvino._convert import convert_model, save_model
from pyvino._core_ops import Constant, Parameter, Result
from pyvino._device import CompiledBackend, DevicePlugin, ProfilingInfo, SyncRequest
from pyvino._errors import (
    BlobFormatError,
    CompilationError,
    ConversionError,
    DeviceNotFoundError,
    InferenceError,
    ModelReadError,
    OpValidationError,
    PluginError,
    PropertyError,
    PyvinoError,
    UnknownOpError,
    UnsupportedOpError,
)
from pyvino._extension import Extension, onnx_op_mapping, op_kernel
from pyvino._model import Model
from pyvino._node import Op, Output
from pyvino._opencl_kernel import OpenCLKernel
from pyvino._opset import Opset, OpsetBuilder, OpsetRegistry
from pyvino._partition import Subgraph, partition_model
from pyvino._properties import PropertySpec, finite_float, int_in, parse_bool
from pyvino._scheduler import RequestPool
from pyvino._shape import Dimension, PartialShape
from pyvino._specs import (
    DeviceSpec,
    FrontendSpec,
    KernelSpec,
    OnnxConverterSpec,
    PassSpec,
    hookimpl,
)
from pyvino._types import Type
from pyvino.runtime import (
    AsyncInferQueue,
    CompiledModel,
    Core,
    InferRequest,
    InferResult,
    Tensor,
)

__version__ = "0.1.0"

__all__ = [
    "AsyncInferQueue",
    "CompiledBackend",
    "CompiledModel",
    "Core",
    "DevicePlugin",
    "InferRequest",
    "InferResult",
    "ProfilingInfo",
    "PropertySpec",
    "SyncRequest",
    "finite_float",
    "int_in",
    "parse_bool",
    "Tensor",
    "BOOL",
    "FLOAT",
    "FLOATS",
    "INT",
    "INTS",
    "SHAPE",
    "STR",
    "STRS",
    "TYPE",
    "Attr",
    "BlobFormatError",
    "CompilationError",
    "Constant",
    "ConversionError",
    "DeviceNotFoundError",
    "DeviceSpec",
    "Extension",
    "Dimension",
    "FrontendSpec",
    "InferenceError",
    "KernelSpec",
    "Model",
    "ModelReadError",
    "OnnxConverterSpec",
    "OpenCLKernel",
    "Op",
    "OpValidationError",
    "Opset",
    "OpsetBuilder",
    "OpsetRegistry",
    "Output",
    "Parameter",
    "PartialShape",
    "PassSpec",
    "PluginError",
    "PropertyError",
    "PyvinoError",
    "RequestPool",
    "Result",
    "Subgraph",
    "Type",
    "UnknownOpError",
    "UnsupportedOpError",
    "convert_model",
    "enum",
    "hookimpl",
    "onnx_op_mapping",
    "op_kernel",
    "partition_model",
    "save_model",
]


def __getattr__(name: str) -> Any:
    if name == "quantize":
        from pyvino.quantization import quantize

        return quantize
    if name == "onnx_backend":
        import pyvino.frontend.onnx.backend as onnx_backend

        return onnx_backend
    if name.startswith("opset") and name[5:].isdigit():
        from pyvino._plugins import default_manager

        return default_manager().registry.builder(name)
    raise AttributeError(f"module 'pyvino' has no attribute {name!r}")
