"""Kernels that extensions contribute for their ops (``pyvino_kernels("GPU")`` returning
``OpenCLKernel``): each node's kernel is built as a program of its own, as the contract says,
and launched with the extension's sizes on this plan's device buffers."""

from __future__ import annotations

from typing import Any

from pyvino import Op

from pyvino_gpu.kernels._common import KernelCode, TensorInfo


def lower_extension(lw: Any, node: Op, kernel: Any) -> list[TensorInfo]:
    storage = "half" if lw.float_ctype == "half" else "float"
    outs = [lw.output(node, p) for p in range(node.get_output_size())]
    ins = [lw.input(node, i) for i in range(len(node.inputs))]
    global_size, local_size = kernel.launch_sizes(node)
    code = KernelCode(kernel.entry, kernel.program_source(node, storage), global_size,
                      local_size, f"extension_{kernel.entry}")
    lw.launch(code, outs, ins, node, own_program=True)
    return outs


def supports_extension(node: Op, kernel: Any) -> bool:
    try:
        return bool(kernel.supports(node))
    except Exception:
        return False
