"""The ONNX frontend: ``convert_onnx`` turns ONNX models into pyvino Models of OpenVINO ops.

Converters are listed per ONNX op family in ``ops/``; each receives a ``NodeContext``.
"""

from __future__ import annotations

from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx._convert import OPSET, convert_onnx
from pyvino.frontend.onnx._graph import Subgraph

__all__ = ["OPSET", "NodeContext", "Subgraph", "convert_onnx"]
