"""The small frozen records that plugins contribute through hooks (validated in _plugins.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pluggy

# Marks a plugin's hook implementations (re-exported as pyvino.hookimpl).
hookimpl = pluggy.HookimplMarker("pyvino")


@dataclass(frozen=True)
class DeviceSpec:
    """A device plugin: ``name`` is the device prefix (``CPU``, ``GPU``, ``HETERO``).

    ``factory()`` returns a ``DevicePlugin``; it is called on first use so that heavy imports
    (numba, pyopencl) happen then, not when the entry point loads.
    """

    name: str
    factory: Callable[[], Any]
    description: str = ""


@dataclass(frozen=True)
class KernelSpec:
    """A kernel for one op on one device: ``op`` is (type name, opset name).

    What ``implementation`` is depends on the device: a Python callable with the signature of
    ``Op.evaluate`` for CPU-like devices, an ``OpenCLKernel`` description for GPU.
    """

    device: str
    op: tuple[str, str]
    implementation: Any


@dataclass(frozen=True)
class FrontendSpec:
    """A model format reader: ``load(source, **options) -> Model`` for files with ``suffixes``.

    ``accepts(source)`` says whether an in-memory object (e.g. an ``onnx.ModelProto``) is of
    this format.
    """

    name: str
    suffixes: tuple[str, ...]
    load: Callable[..., Any]
    accepts: Callable[[Any], bool] = field(default=lambda source: False)


@dataclass(frozen=True)
class OnnxConverterSpec:
    """Converts ONNX nodes (``domain``, ``op_type``) with opset >= ``since_version``.

    ``convert(ctx)`` receives a ``NodeContext`` (inputs, attributes, opset builder) and returns
    the list of Outputs that stand for the ONNX node's outputs.
    """

    domain: str
    op_type: str
    convert: Callable[[Any], list[Any]]
    since_version: int = 1


@dataclass(frozen=True)
class PassSpec:
    """A graph pass: ``run(model) -> bool`` (True if it changed the model)."""

    name: str
    run: Callable[[Any], bool]
