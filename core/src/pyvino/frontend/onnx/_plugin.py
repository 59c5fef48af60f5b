"""The ONNX frontend as a built-in pyvino plugin (``pyvino_frontends`` hook)."""

from __future__ import annotations

from typing import Any

import onnx

import pyvino
from pyvino._specs import FrontendSpec


def load(source: Any, manager: Any = None, **options: Any) -> pyvino.Model:
    """Convert ``source`` with every opset and plugin-contributed ONNX converter of ``manager``
    (a Core's plugin manager, so runtime extensions apply; default: the process-wide one)."""
    from pyvino._plugins import default_manager
    from pyvino.frontend.onnx._convert import convert_onnx

    manager = manager or default_manager()
    extra = [spec for spec, _dist in manager.onnx_converters()]
    return convert_onnx(source, registry=manager.registry, extra_converters=extra, **options)


def accepts(source: Any) -> bool:
    """True for in-memory ONNX models (``onnx.ModelProto``)."""
    return isinstance(source, onnx.ModelProto)


@pyvino.hookimpl
def pyvino_frontends() -> list[FrontendSpec]:
    return [FrontendSpec("onnx", (".onnx",), load, accepts)]
