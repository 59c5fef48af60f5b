"""A BERT-style encoder (Devlin et al., 2019), written the way HF transformers exports to ONNX."""

from __future__ import annotations

import math

import numpy as np
import onnx
from onnx import TensorProto

from pyvino.zoo._builder import GraphBuilder

VOCAB = 30522
MAX_POSITIONS = 512
SEQ = 128
HIDDEN = 256
HEADS = 4
LAYERS = 4
INTERMEDIATE = 4 * HIDDEN
LN_EPS = 1e-12

DOC = (
    f"BERT-style encoder: token + position embeddings (Gather) and LayerNormalization, "
    f"{LAYERS} post-LN transformer layers (hidden {HIDDEN}, {HEADS} heads, FFN {INTERMEDIATE}) "
    f"with MatMul/Add/Reshape/Transpose/Softmax self-attention, the attention mask turned into "
    f"an additive bias (Unsqueeze/Cast/Sub/Mul by -10000 as HF does), GELU as "
    f"x*0.5*(1+erf(x/sqrt2)), and a tanh pooler on the first token. Inputs input_ids and "
    f"attention_mask int64 [1,{SEQ}]; outputs last_hidden_state [1,{SEQ},{HIDDEN}] and "
    f"pooler_output [1,{HIDDEN}]. Seeded random weights (N(0, 0.02) as BERT initialises them); "
    f"built by pyvino.zoo."
)


def _layer_norm(b: GraphBuilder, x: str) -> str:
    """LayerNormalization over the hidden axis (the opset-17 op), gamma near 1."""
    gamma = b.normal([HIDDEN], 0.05, "LayerNorm.weight", mean=1.0)
    beta = b.normal([HIDDEN], 0.02, "LayerNorm.bias")
    return b.op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=LN_EPS)


def _gelu(b: GraphBuilder, x: str) -> str:
    """Exact GELU as HF exports it: x * 0.5 * (1 + erf(x / sqrt(2)))."""
    erf = b.op("Erf", [b.op("Div", [x, b.const(math.sqrt(2.0), "sqrt2")])])
    one_plus = b.op("Add", [erf, b.const(1.0, "one")])
    return b.op("Mul", [b.op("Mul", [x, b.const(0.5, "half")]), one_plus])


def _heads(b: GraphBuilder, x: str, perm: list[int]) -> str:
    """[1,S,H] -> [1,S,heads,H/heads] -> transposed by `perm`."""
    shape = b.const([0, 0, HEADS, HIDDEN // HEADS], "heads_shape", np.int64)
    return b.op("Transpose", [b.op("Reshape", [x, shape])], perm=perm)


def _attention(b: GraphBuilder, x: str, mask_bias: str) -> str:
    """Multi-head self-attention with the additive mask, output projection included."""
    q = _heads(b, b.linear(x, HIDDEN, HIDDEN), [0, 2, 1, 3])  # [1,h,S,d]
    k = _heads(b, b.linear(x, HIDDEN, HIDDEN), [0, 2, 3, 1])  # [1,h,d,S]
    v = _heads(b, b.linear(x, HIDDEN, HIDDEN), [0, 2, 1, 3])  # [1,h,S,d]
    scores = b.op("MatMul", [q, k])
    scores = b.op("Div", [scores, b.const(math.sqrt(HIDDEN // HEADS), "sqrt_head_dim")])
    probs = b.op("Softmax", [b.op("Add", [scores, mask_bias])], axis=-1)
    context = b.op("Transpose", [b.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
    merged = b.op("Reshape", [context, b.const([0, 0, HIDDEN], "merged_shape", np.int64)])
    return b.linear(merged, HIDDEN, HIDDEN)


def _encoder_layer(b: GraphBuilder, x: str, mask_bias: str) -> str:
    """Post-LN transformer layer: x = LN(x + attn(x)); x = LN(x + FFN(x))."""
    with b.scope("attention"):
        x = _layer_norm(b, b.op("Add", [_attention(b, x, mask_bias), x]))
    with b.scope("ffn"):
        hidden = _gelu(b, b.linear(x, HIDDEN, INTERMEDIATE))
        x = _layer_norm(b, b.op("Add", [b.linear(hidden, INTERMEDIATE, HIDDEN), x]))
    return x


def _mask_bias(b: GraphBuilder, mask: str) -> str:
    """[1,S] int64 mask -> [1,1,1,S] float additive bias: (1 - mask) * -10000."""
    m = b.op("Unsqueeze", [mask, b.const([1, 2], "mask_axes", np.int64)])
    m = b.op("Cast", [m], to=TensorProto.FLOAT)
    inverted = b.op("Sub", [b.const(1.0, "one"), m])
    return b.op("Mul", [inverted, b.const(-10000.0, "mask_min")])


def build_bert_encoder(seed: int = 0) -> onnx.ModelProto:
    """BERT-style encoder: input_ids, attention_mask [1,128] -> hidden [1,128,256], pooled."""
    b = GraphBuilder("bert_encoder", seed)
    ids = b.input("input_ids", TensorProto.INT64, [1, SEQ])
    mask = b.input("attention_mask", TensorProto.INT64, [1, SEQ])
    with b.scope("embeddings"):
        tokens = b.op("Gather", [b.normal([VOCAB, HIDDEN], 0.02, "word_embeddings"), ids])
        positions = b.const(np.arange(SEQ)[None, :], "position_ids", np.int64)
        table = b.normal([MAX_POSITIONS, HIDDEN], 0.02, "position_embeddings")
        x = _layer_norm(b, b.op("Add", [tokens, b.op("Gather", [table, positions])]))
    mask_bias = _mask_bias(b, mask)
    for i in range(LAYERS):
        with b.scope(f"encoder.layer.{i}"):
            x = _encoder_layer(b, x, mask_bias)
    with b.scope("pooler"):
        first = b.op("Gather", [x, b.const(0, "first_token", np.int64)], axis=1)  # [1,H]
        pooled = b.op("Tanh", [b.linear(first, HIDDEN, HIDDEN)])
    b.output(x, "last_hidden_state", TensorProto.FLOAT, [1, SEQ, HIDDEN])
    b.output(pooled, "pooler_output", TensorProto.FLOAT, [1, HIDDEN])
    return b.model(DOC)
