"""What quantizing one layer changed, so that it can be reverted (accuracy-aware mode).

A ``QuantizedLayer`` remembers, for one Convolution / GroupConvolution / MatMul of the
quantized model, its fp32 input edges, the FakeQuantize edges that replaced them and the bias
its weight quantization corrected. ``revert()`` puts the fp32 edges and bias back, as NNCF's
AccuracyAwareQuantization reverts a quantizer group; the layer then runs in floating point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pyvino._node import Op, Output


@dataclass
class BiasEdit:
    """One bias input of an Add replaced by bias correction."""

    add: Op
    port: int
    original: Output
    corrected: Output


@dataclass
class QuantizedLayer:
    """One quantized layer: its fp32 and int8 input edges (port -> output) and bias edit."""

    node: Op
    weight_port: int | None = None
    fp32_inputs: dict[int, Output] = field(default_factory=dict)
    int8_inputs: dict[int, Output] = field(default_factory=dict)
    bias: BiasEdit | None = None
    reverted: bool = False

    @property
    def name(self) -> str:
        return self.node.friendly_name

    def revert(self) -> None:
        """Run this layer in floating point again (inputs and bias as before quantization)."""
        for port, source in self.fp32_inputs.items():
            self.node.inputs[port] = source
        if self.bias is not None:
            self.bias.add.inputs[self.bias.port] = self.bias.original
        self.reverted = True

    def requantize(self) -> None:
        """Undo ``revert``."""
        for port, source in self.int8_inputs.items():
            self.node.inputs[port] = source
        if self.bias is not None:
            self.bias.add.inputs[self.bias.port] = self.bias.corrected
        self.reverted = False

    def macs(self) -> int:
        return layer_macs(self.node)


def layer_macs(node: Op) -> int:
    """Multiply-accumulates of one inference of a Convolution, GroupConvolution or MatMul
    (0 when its shapes are not static)."""
    out, weights = node.get_output_partial_shape(0), node.input_shape(1)
    if not (out.is_static and weights.is_static):
        return 0
    outputs = int(np.prod(out.to_shape(), dtype=np.int64))
    dims = weights.to_shape()
    if node.type_name == "Convolution":  # [C_out, C_in, k...]
        return outputs * int(np.prod(dims[1:], dtype=np.int64))
    if node.type_name == "GroupConvolution":  # [G, C_out/G, C_in/G, k...]
        return outputs * int(np.prod(dims[2:], dtype=np.int64))
    data = node.input_shape(0)
    if not data.is_static or not len(data):
        return 0
    inner = data.to_shape()[-2 if node.attrs.get("transpose_a") and len(data) > 1 else -1]
    return outputs * int(inner)


def quantized_mac_fraction(layers: list[QuantizedLayer], all_macs: int) -> float:
    """The share of ``all_macs`` (every quantizable layer of the model) still run quantized."""
    kept = sum(layer.macs() for layer in layers if not layer.reverted)
    return kept / all_macs if all_macs else 1.0
