"""Run an extension's ``OpenCLKernel`` on any OpenCL device, exactly as its contract says.

The conformance kit checks GPU kernels of extensions with this even where no GPU plugin is
installed (PoCL's CPU device is enough). pyopencl is imported on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from pyvino._errors import InferenceError
from pyvino._node import Op
from pyvino._opencl_kernel import OPENCL_FLOAT_TYPES, OPENCL_INT_TYPES, OpenCLKernel
from pyvino._types import Type

_lock = threading.Lock()
_state: dict[str, Any] = {}


def opencl_unavailable_reason() -> str | None:
    """None when an OpenCL device can run kernels here; otherwise what is missing."""
    try:
        _queue()
    except RuntimeError as exc:
        return str(exc)
    return None


def _queue() -> Any:
    with _lock:
        if "queue" in _state:
            return _state["queue"]
        if "error" in _state:
            raise RuntimeError(_state["error"])
        try:
            import pyopencl as cl

            devices = [d for p in cl.get_platforms() for d in p.get_devices()]
            if not devices:
                raise RuntimeError("no OpenCL device")
            gpus = [d for d in devices if d.type & cl.device_type.GPU]
            context = cl.Context([(gpus or devices)[0]])
            _state["queue"] = cl.CommandQueue(context)
        except Exception as exc:  # ImportError, pyopencl LogicError without an ICD, ...
            _state["error"] = (
                f"OpenCL is not available ({type(exc).__name__}: {exc}); "
                "pip install pyopencl and apt-get install pocl-opencl-icd"
            )
            raise RuntimeError(_state["error"]) from None
        return _state["queue"]


def _storage_dtype(etype: str, storage: str) -> np.dtype:
    if etype in OPENCL_FLOAT_TYPES:
        return np.dtype(np.float16 if storage == "half" else np.float32)
    if etype in OPENCL_INT_TYPES:
        return np.dtype(np.uint8) if etype == "boolean" else Type.get(etype).dtype
    raise InferenceError(f"OpenCL kernels cannot take element type {etype}")


def run_opencl_kernel(
    kernel: OpenCLKernel, node: Op, inputs: Sequence[np.ndarray], storage: str = "float"
) -> list[np.ndarray]:
    """Outputs of ``kernel`` for ``node`` on ``inputs`` (converted to the node's output types)."""
    import pyopencl as cl

    queue = _queue()
    ctx = queue.context
    source = kernel.program_source(node, storage)
    try:
        program = cl.Program(ctx, source).build()
        entry = getattr(program, kernel.entry)
    except Exception as exc:
        raise InferenceError(
            f"{node.describe()}: OpenCL kernel {kernel.entry!r} failed to build: {exc}"
        ) from exc
    mf = cl.mem_flags
    host_in = []
    for i, x in enumerate(inputs):
        dtype = _storage_dtype(node.input_type(i).name, storage)
        host_in.append(np.ascontiguousarray(np.asarray(x).astype(dtype)))
    outs = []
    for p in range(node.get_output_size()):
        shape = node.get_output_partial_shape(p).to_shape()
        dtype = _storage_dtype(node.get_output_element_type(p).name, storage)
        outs.append(np.empty(shape, dtype))
    buffers = [cl.Buffer(ctx, mf.WRITE_ONLY, max(o.nbytes, 1)) for o in outs]
    buffers += [
        cl.Buffer(ctx, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=x)
        if x.nbytes
        else cl.Buffer(ctx, mf.READ_ONLY, 1)
        for x in host_in
    ]
    global_size, local_size = kernel.launch_sizes(node)
    entry(queue, global_size, local_size, *buffers)
    for out, buf in zip(outs, buffers, strict=False):  # buffers: outputs, then inputs
        if out.nbytes:
            cl.enqueue_copy(queue, out, buf)
    queue.finish()
    return [o.astype(node.get_output_element_type(p).dtype) for p, o in enumerate(outs)]
