"""Op cases of compute layers: matmul, convolution, pooling, normalization, reductions,
recurrent cells and sequences, attention."""

from __future__ import annotations

import numpy as np

from pyvino.testing._op_case_helpers import (
    CONV,
    IMG,
    POOL,
    POOL_PADDED,
    X,
    one,
    reduction,
    rnn_cell,
    rnn_sequence,
    weight,
)
from pyvino.testing._op_cases import Const, Data, OpCase

BACKPROP = {"strides": [2, 2], "pads_begin": [0, 0], "pads_end": [0, 0], "dilations": [1, 1]}
VARIANCE = Const(np.array([0.5, 1.0, 2.0], np.float32))
QKV = [Data((1, 2, 3, 4))] * 3

CASES: dict[str, list[OpCase]] = {
    "MatMul": [
        one("batched", X, Data((4, 5)), transpose_a=False, transpose_b=False),
        one("transpose_b", X, Data((5, 4)), transpose_a=False, transpose_b=True),
    ],
    "Einsum": [one("matmul", Data((3, 4)), Data((4, 5)), equation="ij,jk->ik")],
    "Convolution": [
        one("pad1", IMG, weight(4, 3, 3, 3), **CONV, auto_pad="explicit"),
        one(
            "stride2_valid",
            IMG,
            weight(2, 3, 3, 3),
            **{**CONV, "strides": [2, 2]},
            auto_pad="valid",
        ),
    ],
    "GroupConvolution": [
        one("groups2", Data((1, 4, 6, 6)), weight(2, 2, 2, 3, 3), **CONV, auto_pad="explicit"),
    ],
    "ConvolutionBackpropData": [
        one("stride2", Data((1, 4, 3, 3)), weight(4, 2, 3, 3), **BACKPROP, auto_pad="explicit"),
    ],
    "GroupConvolutionBackpropData": [
        one("stride2", Data((1, 4, 3, 3)), weight(2, 2, 2, 3, 3), **BACKPROP, auto_pad="explicit"),
    ],
    "MaxPool": [one("k2s2", IMG, **POOL), one("k3_padded", IMG, **POOL_PADDED)],
    "AvgPool": [
        one("k2s2", IMG, **POOL, **{"exclude-pad": False}),
        one("k3_exclude_pad", IMG, **POOL_PADDED, **{"exclude-pad": True}),
    ],
    "AdaptiveAvgPool": [one("to3x3", Data((1, 2, 7, 7)), Const([3, 3]))],
    "AdaptiveMaxPool": [one("to3x3", Data((1, 2, 7, 7)), Const([3, 3]))],
    "Softmax": [one("axis1", X, axis=1), one("axis_last", X, axis=-1, versions=(8,))],
    "LogSoftmax": [one("axis1", X, axis=1)],
    "MVN": [
        one(
            "spatial", IMG, eps=1e-6, across_channels=False, normalize_variance=True, versions=(2,)
        ),
        one(
            "axes",
            IMG,
            Const([2, 3]),
            eps=1e-6,
            normalize_variance=True,
            eps_mode="INSIDE_SQRT",
            versions=(6,),
        ),
    ],
    "BatchNormInference": [
        one("v1", weight(3), weight(3), IMG, weight(3), VARIANCE, epsilon=1e-5, versions=(1,)),
        one("v5", IMG, weight(3), weight(3), weight(3), VARIANCE, epsilon=1e-5, versions=(5,)),
    ],
    "NormalizeL2": [one("axis1", X, Const([1]), eps=1e-6, eps_mode="add")],
    "LRN": [one("across", Data((1, 4, 5, 5)), Const([1]), alpha=1e-4, beta=0.75, bias=1.0, size=3)],
    "GroupNormalization": [
        one("groups2", Data((2, 4, 3, 3)), weight(4), weight(4), num_groups=2, epsilon=1e-5),
    ],
    "GRN": [one("basic", Data((1, 4, 3, 3)), bias=1.0)],
    **{
        t: reduction() for t in "ReduceSum ReduceMean ReduceMax ReduceMin ReduceL1 ReduceL2".split()
    },
    "ReduceProd": reduction(low=0.5, high=1.5),
    **{t: reduction("boolean") for t in ("ReduceLogicalAnd", "ReduceLogicalOr")},
    "CumSum": [
        one("axis1", X, Const(1)),
        one("exclusive_reverse", X, Const(2), exclusive=True, reverse=True),
    ],
    "ScaledDotProductAttention": [
        one("plain", *QKV, causal=False),
        one("causal", *QKV, causal=True),
    ],
    "RNNCell": rnn_cell(1),
    "GRUCell": rnn_cell(3),
    "LSTMCell": rnn_cell(4, cell=True),
    "RNNSequence": rnn_sequence(1),
    "GRUSequence": rnn_sequence(3),
    "LSTMSequence": rnn_sequence(4, cell=True),
}
