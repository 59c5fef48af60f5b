"""The emulator's kernels: faster host implementations of the layers that dominate CNNs.

Every other layer runs its reference ``evaluate``. A kernel takes the layer's inputs (float
tensors holding fp16 values in float32 arrays) and returns a tuple of outputs, like
``evaluate``; rounding to fp16 happens after it, in the request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
from pyvino import Op

from pyvino_vpu.kernels.conv import conv2d, supports_conv2d
from pyvino_vpu.kernels.depthwise import depthwise2d, supports_depthwise
from pyvino_vpu.kernels.epilogue import in_place_epilogue

Kernel = Callable[..., Sequence[np.ndarray]]


def _float32_or_reference(node: Op, fast: Kernel) -> Kernel:
    """``fast`` for float32 inputs (the VPU's float data); ``evaluate`` for anything else."""

    def run(*inputs: np.ndarray) -> Sequence[np.ndarray]:
        if all(x.dtype == np.float32 for x in inputs):
            return fast(*inputs)
        return node.evaluate(*inputs)

    return run


def select_kernel(node: Op, hidden_input: int | None) -> tuple[Kernel, str]:
    """(callable, kernel name) for ``node``; ``hidden_input`` is the input port that reads
    the fused stage's accumulator (updated in place), or None."""
    if node.type_name == "Convolution" and supports_conv2d(node):
        return _float32_or_reference(node, partial(conv2d, node)), "gemm"
    if node.type_name == "GroupConvolution" and supports_depthwise(node):
        return _float32_or_reference(node, partial(depthwise2d, node)), "depthwise"
    if hidden_input is not None:
        epilogue = in_place_epilogue(node, hidden_input)
        if epilogue is not None:
            return epilogue, "epilogue"
    return node.evaluate, "ref"
