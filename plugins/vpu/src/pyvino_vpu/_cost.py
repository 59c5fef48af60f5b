"""The cost model: simulated device time of each layer from its FLOPs and the bytes it moves.

A roofline with a fixed per-layer cost::

    time = max(flops / VPU_COMPUTE_GFLOPS, bytes / VPU_BANDWIDTH_GBPS) + VPU_LAYER_OVERHEAD_US

- ``flops`` counts a multiply-add as 2: convolution ``2 * outputs * (Cin / groups) * kh * kw``,
  MatMul ``2 * outputs * K``, pooling ``outputs * kh * kw``, simple elementwise ops 1 per
  output, transcendental ones (Sigmoid, Tanh, Exp, Swish, ...) 8 per output (they run on the
  SHAVE vector cores, not the convolution engine), Softmax 5 per input, reductions 1 per input,
  Interpolate 4 per output.
- ``bytes`` is the device-memory traffic: every input (weights included) read once and every
  output written once, at 2 bytes per fp16 element (integer tensors at their own width).
- Views (Reshape, Squeeze, Unsqueeze, ShapeOf) cost nothing: they only relabel a buffer.
- A layer fused into a Conv/GroupConv/MatMul stage (bias, scale, activation) neither reads
  nor writes the stage's intermediate tensor and pays no fixed cost of its own.

The device time never involves sleeping: it is reported in the profiling counters only.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from pyvino import Op, Output, Type

from pyvino_vpu._ops import SUPPORTED_OPS


@dataclass(frozen=True)
class Roofline:
    """The simulated device: peak fp16 compute, memory bandwidth, fixed cost per layer."""

    gflops: float
    gbps: float
    overhead_us: float

    def seconds(self, flops: float, moved: int, fused: bool = False) -> float:
        """Device time of one layer; a fused layer shares its stage's fixed cost."""
        if flops == 0 and moved == 0:
            return 0.0
        compute = flops / (self.gflops * 1e9)
        memory = moved / (self.gbps * 1e9)
        return max(compute, memory) + (0.0 if fused else self.overhead_us * 1e-6)


def element_bytes(element_type: Type) -> int:
    """Bytes per element on the device: 2 for any float (fp16), the type's width otherwise."""
    if element_type.is_real:
        return 2
    return max(1, element_type.bitwidth // 8)


def tensor_bytes(port: Output) -> int:
    return prod(port.partial_shape.to_shape()) * element_bytes(port.element_type)


def _elements(port: Output) -> int:
    return prod(port.partial_shape.to_shape())


def layer_flops(node: Op) -> float:
    """Floating-point operations of one layer (a multiply-add counts 2)."""
    family = SUPPORTED_OPS.get(node.type_name, "copy")
    out = sum(_elements(node.output(i)) for i in range(node.get_output_size()))
    if family == "conv":
        weights = node.inputs[1].partial_shape.to_shape()
        per_output = prod(weights[2:]) if node.type_name == "GroupConvolution" else prod(
            weights[1:])
        return 2.0 * out * per_output
    if family == "matmul":
        a = node.inputs[0].partial_shape.to_shape()
        k = a[0] if len(a) == 1 else (a[-2] if node.attrs.get("transpose_a") else a[-1])
        return 2.0 * out * k
    if family == "pool":
        return float(out * prod(node.attrs.get("kernel", [1])))
    if family == "eltwise":
        return float(out)
    if family == "transcendental":
        return 8.0 * out
    if family == "softmax":
        return 5.0 * _elements(node.inputs[0])
    if family == "reduce":
        return float(_elements(node.inputs[0]))
    if family == "resample":
        return 4.0 * out
    return 0.0


def layer_bytes(node: Op) -> int:
    """Device-memory traffic of one layer: inputs read plus outputs written."""
    if SUPPORTED_OPS.get(node.type_name) == "view":
        return 0
    reads = sum(tensor_bytes(src) for src in node.inputs)
    writes = sum(tensor_bytes(node.output(i)) for i in range(node.get_output_size()))
    return reads + writes
