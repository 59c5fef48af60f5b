"""``pyvino.onnx_backend``: an ``onnx.backend.base.Backend`` running ONNX models on pyvino.

``prepare`` converts the model with the ONNX frontend and compiles it for the device with
``pyvino.Core().compile_model``; when no runtime device can compile it, the reference
interpreter (each op's ``evaluate``) runs the converted graph instead.

    import pyvino.onnx_backend as backend
    rep = backend.prepare(model_proto, "CPU")
    outputs = rep.run([x])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import onnx
from onnx.backend.base import Backend, BackendRep, namedtupledict

from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino.frontend.onnx._evaluate import evaluate_model

DEVICES = ("CPU",)


def _compile(model: Model, device: str) -> Any | None:
    try:
        from pyvino.runtime import Core
    except ImportError:
        return None
    try:
        return Core().compile_model(model, device)
    except PyvinoError:
        return None


class PyvinoBackendRep(BackendRep):
    """A converted (and, where possible, compiled) model; ``run`` takes inputs in order."""

    def __init__(self, model: Model, output_names: Sequence[str], compiled: Any | None) -> None:
        self.model = model
        self.output_names = list(output_names)
        self.compiled = compiled

    def run(self, inputs: Any, **kwargs: Any) -> tuple[np.ndarray, ...]:
        if isinstance(inputs, np.ndarray):
            inputs = [inputs]
        values = list(inputs)[: len(self.model.get_parameters())]
        if self.compiled is not None:
            result = self.compiled(values)
            outputs = [np.asarray(result[i]) for i in range(len(self.output_names))]
        else:
            outputs = evaluate_model(self.model, values)
        return namedtupledict("Outputs", self.output_names)(*outputs)


class PyvinoBackend(Backend):
    """ONNX backend API over pyvino: ``prepare``, ``run_model``, ``run_node``, ``supports_device``."""

    @classmethod
    def is_compatible(cls, model: onnx.ModelProto, device: str = "CPU", **kwargs: Any) -> bool:
        return cls.supports_device(device)

    @classmethod
    def prepare(
        cls, model: onnx.ModelProto, device: str = "CPU", **kwargs: Any
    ) -> PyvinoBackendRep:
        from pyvino.frontend.onnx._plugin import load

        converted = load(model)
        names = [o.name for o in model.graph.output]
        compiled = _compile(converted, device) if kwargs.get("compile", True) else None
        return PyvinoBackendRep(converted, names, compiled)

    @classmethod
    def run_model(
        cls, model: onnx.ModelProto, inputs: Any, device: str = "CPU", **kwargs: Any
    ) -> tuple[np.ndarray, ...]:
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def run_node(
        cls,
        node: onnx.NodeProto,
        inputs: Any,
        device: str = "CPU",
        outputs_info: Sequence[tuple[Any, Any]] | None = None,
        **kwargs: Any,
    ) -> tuple[np.ndarray, ...]:
        """Run one node: a model is built around it from the inputs' dtypes and shapes."""
        arrays = [np.asarray(x) for x in inputs]
        graph_inputs = [
            onnx.helper.make_tensor_value_info(
                name, onnx.helper.np_dtype_to_tensor_dtype(a.dtype), list(a.shape)
            )
            for name, a in zip(node.input, arrays, strict=False)
        ]
        graph_outputs = [onnx.helper.make_empty_tensor_value_info(name) for name in node.output]
        graph = onnx.helper.make_graph([node], "run_node", graph_inputs, graph_outputs)
        opset = kwargs.pop("opset_version", onnx.defs.onnx_opset_version())
        model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", opset)])
        return cls.run_model(model, arrays, device, **kwargs)

    @classmethod
    def supports_device(cls, device: str) -> bool:
        return device.split(":")[0].upper() in DEVICES


prepare = PyvinoBackend.prepare
run_model = PyvinoBackend.run_model
run_node = PyvinoBackend.run_node
supports_device = PyvinoBackend.supports_device
is_compatible = PyvinoBackend.is_compatible

__all__ = [
    "PyvinoBackend",
    "PyvinoBackendRep",
    "is_compatible",
    "prepare",
    "run_model",
    "run_node",
    "supports_device",
]
