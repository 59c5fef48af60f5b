"""Fast bias correction (POT DefaultQuantization / NNCF ``fast_bias_correction``).

Quantizing weights shifts the mean of a layer's output. For a layer followed by a bias Add,
the shift per output channel is estimated on the mean calibration input ``m`` (mean over
samples of the layer's fp32 input) as ``mean_c(T(m, W) - T(m, W_q))`` and added to the bias.
The layer is linear, so this is exactly the mean shift its weight quantization causes over the
calibration set; input quantization noise is zero-mean and is left out of the estimate.
"""

from __future__ import annotations

import numpy as np

from pyvino._core_ops import Constant
from pyvino._model import Model
from pyvino._node import Op
from pyvino.quantization._layers import BiasEdit
from pyvino.quantization._targets import Target, constant_source


def _consumers(model: Model) -> dict[int, list[Op]]:
    found: dict[int, list[Op]] = {}
    for node in model.get_ordered_ops():
        for src in node.inputs:
            found.setdefault(id(src.node), []).append(node)
    return found


def _channel_axis(node: Op, rank: int) -> int:
    return rank - 1 if node.type_name == "MatMul" else 1


def _bias_port(add: Op, node: Op, rank: int, variable: set[int]) -> tuple[int, np.ndarray] | None:
    """The Add input holding a per-channel constant bias for ``node``'s output, if any."""
    if add.type_name != "Add" or len(add.inputs) != 2:
        return None
    port = 1 if add.inputs[0].node is node else 0
    if add.inputs[1 - port].node is not node:
        return None
    bias = constant_source(add.inputs[port], variable)
    if bias is None or bias.dtype.kind != "f" or bias.ndim > rank:
        return None
    axis = _channel_axis(node, rank) - (rank - bias.ndim)
    if any(d != 1 for i, d in enumerate(bias.shape) if i != axis):
        return None  # not a per-channel bias
    return port, bias


def correct_biases(
    model: Model, targets: list[Target], means: dict[int, np.ndarray], variable: set[int]
) -> dict[int, BiasEdit]:
    """Shift the bias after every quantized layer with a known mean input; the edits made,
    by ``id`` of the layer.

    ``means`` maps ``id(target.node)`` to the mean of its activation input (input 0).
    """
    users = _consumers(model)
    edits: dict[int, BiasEdit] = {}
    for target in targets:
        node, mean = target.node, means.get(id(target.node))
        if (
            mean is None
            or target.weight is None
            or target.weight_port != 1
            or target.activation_ports != [0]
        ):
            continue
        after = users.get(id(node), [])
        if len(after) != 1:
            continue
        rank = len(node.get_output_partial_shape(0))
        found = _bias_port(after[0], node, rank, variable)
        quantized = constant_source(node.inputs[1], variable)
        if found is None or quantized is None:
            continue
        port, bias = found
        diff = node.evaluate(mean, (target.weight - quantized).astype(np.float32))[0]
        axis = _channel_axis(node, diff.ndim)
        shift = diff.mean(axis=tuple(i for i in range(diff.ndim) if i != axis))
        shape = [1] * bias.ndim
        if bias.ndim:
            shape[axis - (diff.ndim - bias.ndim)] = -1
        new_bias = (bias + shift.reshape(shape)).astype(np.float32)
        add = after[0]
        original = add.inputs[port]
        add.inputs[port] = Constant(
            new_bias, original.element_type, f"{add.friendly_name}/corrected_bias"
        ).output(0)
        edits[id(node)] = BiasEdit(add, port, original, add.inputs[port])
    return edits
