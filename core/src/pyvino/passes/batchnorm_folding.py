"""Fold BatchNormInference into the Convolution / GroupConvolution that feeds it.

``BN(conv(x, W)) = conv(x, W * s) + (beta - mean * s)`` with ``s = gamma / sqrt(var + eps)``
per output channel. The convolution gets the scaled weights (a new Constant, computed in f64
and stored in the weights' type) and an ``Add`` of the bias (shape ``[1, C, 1, ...]``,
``auto_broadcast=numpy``) takes the BatchNorm's friendly name and tensor names.

Folded only when the convolution's weights and all four BN parameters are Constants, the
convolution feeds nothing but this BatchNorm, and its output channel count is static.
Both BatchNormInference-1 (gamma, beta, data, mean, variance) and -5 (data first) are handled.
"""

from __future__ import annotations

import numpy as np

from pyvino._core_ops import Constant
from pyvino._model import Model
from pyvino._node import Op
from pyvino._opset import OpsetRegistry
from pyvino.passes._graph import constant_value, consumers_of, make_constant

CONVOLUTIONS = ("Convolution", "GroupConvolution")


def _bn_inputs(bn: Op) -> tuple[int, int, int]:
    """Input indices of (data, gamma, beta): v1 puts data third, v5 first."""
    return (2, 0, 1) if bn.version_id == "opset1" else (0, 1, 2)


def _scaled_weights(conv: Op, weights: np.ndarray, scale: np.ndarray) -> np.ndarray:
    if conv.type_name == "GroupConvolution":  # [G, O/G, C/G, *K]
        per_group = scale.reshape(weights.shape[0], weights.shape[1])
        factor = per_group.reshape(*per_group.shape, *([1] * (weights.ndim - 2)))
    else:  # [O, C, *K]
        factor = scale.reshape(-1, *([1] * (weights.ndim - 1)))
    return weights.astype(np.float64) * factor


def _fold(model: Model, bn: Op, users: dict[int, list[Op]], add_cls: type[Op]) -> bool:
    data, gamma_i, beta_i = _bn_inputs(bn)
    conv = bn.inputs[data].node
    if conv.type_name not in CONVOLUTIONS or len(users.get(id(conv), [])) != 1:
        return False
    params = [constant_value(bn.inputs[i]) for i in (gamma_i, beta_i, 3, 4)]
    weights_node = conv.inputs[1].node
    if any(p is None for p in params) or not isinstance(weights_node, Constant):
        return False
    channels = conv.get_output_partial_shape(0)
    if not channels.rank_is_static or not channels[1].is_static:
        return False
    n_out = channels[1].get_length()
    if any(np.size(p) not in (1, n_out) for p in params):
        return False
    gamma, beta, mean, var = (
        np.broadcast_to(np.asarray(p, np.float64).reshape(-1), (n_out,)) for p in params
    )
    scale = gamma / np.sqrt(var + float(bn.attrs["epsilon"]))
    w_type = weights_node.get_output_element_type(0)
    new_weights = make_constant(
        _scaled_weights(conv, weights_node.data, scale), w_type, weights_node.friendly_name
    )
    new_conv = conv.clone_with_new_inputs([conv.inputs[0], new_weights.output(0)])
    rank = len(channels)
    bias = make_constant(
        (beta - mean * scale).reshape(1, n_out, *([1] * (rank - 2))),
        conv.get_output_element_type(0),
        f"{bn.friendly_name}/bias",
    )
    add_inputs = [new_conv.output(0), bias.output(0)]
    add = add_cls(add_inputs, {"auto_broadcast": "numpy"}, bn.friendly_name)
    add.rt_info.update(bn.rt_info)
    model.replace_output(bn.output(0), add.output(0))
    return True


def run(model: Model, registry: OpsetRegistry | None = None) -> bool:
    """Fold every eligible Convolution -> BatchNormInference pair; True if any was folded."""
    candidates = [n for n in model.get_ordered_ops() if n.type_name == "BatchNormInference"]
    if not candidates:
        return False
    if registry is None:
        from pyvino.ir._reader import default_registry

        registry = default_registry()
    add_cls = registry.lookup("Add", "opset1")
    changed = False
    for bn in candidates:
        if len(bn.inputs) == 5 and _fold(model, bn, consumers_of(model), add_cls):
            changed = True
    return changed
