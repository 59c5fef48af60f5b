"""InferRequest and AsyncInferQueue: sync and async inference over a backend's SyncRequest."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from pyvino._device import ProfilingInfo
from pyvino._errors import InferenceError, PyvinoError
from pyvino._node import Output
from pyvino.runtime._compiled import CompiledModel
from pyvino.runtime._inputs import _index_of, match_inputs
from pyvino.runtime._results import InferResult
from pyvino.runtime._tensor import Tensor


class InferRequest:
    """One inference request: ``infer``, ``start_async`` / ``wait``, callbacks, tensors."""

    def __init__(self, compiled: CompiledModel) -> None:
        self._compiled = compiled
        self._sync = compiled.backend.create_sync_request()
        self._inputs: list[np.ndarray | None] = [None] * len(compiled.inputs)
        self._outputs: list[np.ndarray] | None = None
        self._callback: Callable[[Any], None] | None = None
        self._callback_userdata: Any = None
        self._done = threading.Event()
        self._done.set()
        self._error: BaseException | None = None
        self._latency_ms = 0.0
        self._on_idle: Callable[[], None] | None = None  # AsyncInferQueue's hook
        self.userdata: Any = None

    # ----------------------------------------------------------------- running
    def _resolve(self, inputs: Any) -> list[np.ndarray]:
        ports = self._compiled.inputs
        if inputs is None or (isinstance(inputs, dict) and not inputs):
            missing = [i for i, v in enumerate(self._inputs) if v is None]
            if missing and ports:
                return match_inputs(ports, {})  # raises, naming the missing inputs
            return match_inputs(ports, list(self._inputs))
        arrays = match_inputs(ports, inputs)
        self._inputs = list(arrays)
        return arrays

    def _run(self, arrays: list[np.ndarray]) -> None:
        start = time.perf_counter()
        try:
            outputs = self._sync.infer(arrays)
        except PyvinoError:
            raise
        except Exception as exc:
            raise InferenceError(
                f"inference on {self._compiled.backend.device} failed: {type(exc).__name__}: {exc}"
            ) from exc
        self._latency_ms = (time.perf_counter() - start) * 1000.0
        self._outputs = outputs

    def _check_idle(self) -> None:
        if not self._done.is_set():
            raise InferenceError("the infer request is busy (an async run is in progress)")

    def infer(self, inputs: Any = None, share_inputs: bool = False,
              share_outputs: bool = False) -> InferResult:
        """Run synchronously and return the outputs."""
        self._check_idle()
        self._run(self._resolve(inputs))
        return self.results

    def start_async(self, inputs: Any = None, userdata: Any = None,
                    share_inputs: bool = False) -> None:
        """Start running and return at once; inputs are checked before this returns."""
        self._check_idle()
        arrays = self._resolve(inputs)
        self.userdata = userdata
        self._error = None
        self._done.clear()
        try:
            self._compiled._submit(lambda: self._async_job(arrays))
        except BaseException:
            self._done.set()
            raise

    def _async_job(self, arrays: list[np.ndarray]) -> None:
        try:
            self._run(arrays)
        except BaseException as exc:  # reported by wait()
            self._error = exc
        try:
            if self._callback is not None:
                self._callback(self._callback_userdata)
        except BaseException as exc:
            self._error = self._error or exc
        finally:
            self._done.set()
            if self._on_idle is not None:
                self._on_idle()

    def wait(self) -> None:
        self._done.wait()
        if self._error is not None:
            error, self._error = self._error, None
            if isinstance(error, PyvinoError):
                raise error
            raise InferenceError(f"async inference failed: {error}") from error

    def wait_for(self, timeout: int) -> bool:
        """Wait up to ``timeout`` milliseconds (negative: forever); True if finished."""
        if timeout < 0:
            self.wait()
            return True
        if not self._done.wait(timeout / 1000.0):
            return False
        self.wait()
        return True

    def set_callback(self, callback: Callable[[Any], None], userdata: Any = None) -> None:
        self._callback = callback
        self._callback_userdata = userdata

    def cancel(self) -> None:
        """Requests are not preemptible; cancel waits for the current run."""
        self._done.wait()

    # ----------------------------------------------------------------- tensors and results
    @property
    def results(self) -> InferResult:
        if self._outputs is None:
            raise InferenceError("no results yet: run infer() or start_async() first")
        return InferResult(self._compiled.outputs, self._outputs)

    @property
    def model_outputs(self) -> list[Output]:
        return self._compiled.outputs

    @property
    def model_inputs(self) -> list[Output]:
        return self._compiled.inputs

    def get_tensor(self, key: Any) -> Tensor:
        try:
            i = _index_of(self._compiled.inputs, key)
        except InferenceError:
            return Tensor(self.results[key])
        value = self._inputs[i]
        if value is None:
            port = self._compiled.inputs[i]
            shape = port.partial_shape.to_shape() if port.partial_shape.is_static else ()
            return Tensor(port.element_type, shape)
        return Tensor(value)

    def set_tensor(self, key: Any, tensor: Any) -> None:
        i = _index_of(self._compiled.inputs, key)
        ports = self._compiled.inputs
        current = [v if v is not None else np.zeros(0) for v in self._inputs]
        current[i] = tensor
        arr = match_inputs([ports[i]], [tensor])[0]
        self._inputs[i] = arr

    def set_input_tensor(self, *args: Any) -> None:
        index, tensor = (0, args[0]) if len(args) == 1 else args
        self.set_tensor(int(index), tensor)

    def set_input_tensors(self, tensors: Any) -> None:
        items = tensors.items() if isinstance(tensors, dict) else enumerate(tensors)
        for key, tensor in items:
            self.set_tensor(key, tensor)

    def get_input_tensor(self, index: int = 0) -> Tensor:
        return self.get_tensor(index)

    def get_output_tensor(self, index: int = 0) -> Tensor:
        return Tensor(self.results[index])

    @property
    def latency(self) -> float:
        """Milliseconds taken by the last run."""
        return self._latency_ms

    def get_profiling_info(self) -> list[ProfilingInfo]:
        return self._sync.profiling_info()

    @property
    def profiling_info(self) -> list[ProfilingInfo]:
        return self.get_profiling_info()

    def get_compiled_model(self) -> CompiledModel:
        return self._compiled


class AsyncInferQueue:
    """A pool of requests: ``start_async`` blocks until one is idle; callbacks get (request, userdata)."""

    def __init__(self, compiled: CompiledModel, jobs: int = 0) -> None:
        if jobs <= 0:
            jobs = int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
        self._requests = [InferRequest(compiled) for _ in range(max(1, jobs))]
        self._idle = list(range(len(self._requests)))
        self._cond = threading.Condition()
        self._callback: Callable[[InferRequest, Any], None] | None = None
        self._errors: list[BaseException] = []
        for i, request in enumerate(self._requests):
            request.set_callback(self._make_callback(i), None)
            request._on_idle = self._make_on_idle(i)

    def _make_callback(self, i: int) -> Callable[[Any], None]:
        def callback(_: Any) -> None:
            request = self._requests[i]
            if self._callback is not None and request._error is None:
                self._callback(request, request.userdata)

        return callback

    def _make_on_idle(self, i: int) -> Callable[[], None]:
        def on_idle() -> None:
            request = self._requests[i]
            with self._cond:
                if request._error is not None:
                    self._errors.append(request._error)
                    request._error = None
                self._idle.append(i)
                self._cond.notify_all()

        return on_idle

    def set_callback(self, callback: Callable[[InferRequest, Any], None]) -> None:
        self._callback = callback

    def start_async(self, inputs: Any = None, userdata: Any = None) -> None:
        with self._cond:
            while not self._idle:
                self._cond.wait()
            i = self._idle.pop(0)
        try:
            self._requests[i].start_async(inputs, userdata)
        except BaseException:
            with self._cond:
                self._idle.append(i)
                self._cond.notify_all()
            raise

    def wait_all(self) -> None:
        with self._cond:
            while len(self._idle) < len(self._requests):
                self._cond.wait()
        if self._errors:
            errors, self._errors = self._errors, []
            raise InferenceError(f"{len(errors)} async request(s) failed; first: {errors[0]}")

    def is_ready(self) -> bool:
        with self._cond:
            return bool(self._idle)

    def get_idle_request_id(self) -> int:
        with self._cond:
            while not self._idle:
                self._cond.wait()
            return self._idle[0]

    def __len__(self) -> int:
        return len(self._requests)

    def __getitem__(self, i: int) -> InferRequest:
        return self._requests[i]

    def __iter__(self) -> Any:
        return iter(self._requests)

    @property
    def userdata(self) -> list[Any]:
        return [r.userdata for r in self._requests]
