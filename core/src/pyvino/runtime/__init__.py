"""The runtime API: Core, CompiledModel, InferRequest, AsyncInferQueue, Tensor."""

from __future__ import annotations

from pyvino.runtime._compiled import CompiledModel
from pyvino.runtime._core import Core
from pyvino.runtime._request import AsyncInferQueue, InferRequest
from pyvino.runtime._results import InferResult
from pyvino.runtime._tensor import Tensor

__all__ = ["AsyncInferQueue", "CompiledModel", "Core", "InferRequest", "InferResult", "Tensor"]
