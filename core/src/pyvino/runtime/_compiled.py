"""CompiledModel: a model compiled for one device, callable, with requests and export."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pyvino._blob import pack_blob
from pyvino._device import CompiledBackend
from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._node import Output
from pyvino.runtime._results import InferResult


class CompiledModel:
    """A model compiled on a device: ``compiled(inputs)``, ``create_infer_request()``, ..."""

    def __init__(self, backend: CompiledBackend, plugin_name: str) -> None:
        self._backend = backend
        self._plugin_name = plugin_name
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._default_request: Any = None

    # ----------------------------------------------------------------- ports
    @property
    def inputs(self) -> list[Output]:
        return self._backend.model.inputs

    @property
    def outputs(self) -> list[Output]:
        return self._backend.model.outputs

    def input(self, key: int | str | None = None) -> Output:
        return self._backend.model.input(key)

    def output(self, key: int | str | None = None) -> Output:
        return self._backend.model.output(key)

    @property
    def backend(self) -> CompiledBackend:
        """The device plugin's compiled object (for meta-devices and tools)."""
        return self._backend

    # ----------------------------------------------------------------- requests
    def create_infer_request(self) -> Any:
        from pyvino.runtime._request import InferRequest

        return InferRequest(self)

    def _submit(self, fn: Any) -> Any:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=max(1, self._backend.num_streams),
                    thread_name_prefix=f"pyvino-{self._backend.device}",
                )
            return self._executor.submit(fn)

    def infer_new_request(self, inputs: Any = None) -> InferResult:
        return self.create_infer_request().infer(inputs)

    def __call__(self, inputs: Any = None) -> InferResult:
        """Synchronous inference on a request owned by this compiled model."""
        with self._lock:
            if self._default_request is None:
                from pyvino.runtime._request import InferRequest

                self._default_request = InferRequest(self)
            request = self._default_request
        return request.infer(inputs)

    # ----------------------------------------------------------------- properties, export
    def get_property(self, key: str) -> Any:
        return self._backend.property(str(getattr(key, "value", key)))

    def set_property(self, props: dict[str, Any]) -> None:
        raise PyvinoError("compiled model properties are read-only in pyvino")

    def get_runtime_model(self) -> Model:
        return self._backend.get_runtime_model()

    def export_model(self) -> bytes:
        """A versioned, code-free blob for ``Core.import_model`` (no pickle)."""
        return pack_blob(self._plugin_name, self._backend.export())

    def release_memory(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None

    def __del__(self) -> None:
        executor = self.__dict__.get("_executor")
        if executor is not None:
            executor.shutdown(wait=False)

    def __repr__(self) -> str:
        return f"<CompiledModel: '{self._backend.model.friendly_name}' on {self._backend.device}>"
