"""A sequence classifier: a bidirectional LSTM, a second (forward) LSTM and a Gemm head."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto

from pyvino.zoo._builder import GraphBuilder

SEQ = 32
FEATURES = 64
HIDDEN = 128
NUM_CLASSES = 10

DOC = (
    f"LSTM sequence classifier: input [1,{SEQ},{FEATURES}] (batch, seq, feature) is "
    f"Transposed to [seq, batch, feature] (ONNX LSTM layout 0), a bidirectional LSTM (hidden "
    f"{HIDDEN}) whose [seq, 2, batch, hidden] output is Transposed and Reshaped to "
    f"[seq, batch, {2 * HIDDEN}], a second forward LSTM (hidden {HIDDEN}), the last time step "
    f"taken with Gather and a Gemm head to logits [1,{NUM_CLASSES}]. Seeded random weights "
    f"(U(+-1/sqrt(hidden)) as PyTorch initialises LSTMs, forget-gate bias +1); built by "
    f"pyvino.zoo."
)


def _lstm(b: GraphBuilder, x: str, din: int, directions: int) -> str:
    """One ONNX LSTM layer (gates i, o, f, c); returns Y [seq, directions, batch, HIDDEN]."""
    bound = 1.0 / np.sqrt(HIDDEN)
    w = b.uniform([directions, 4 * HIDDEN, din], -bound, bound, "lstm.W")
    r = b.uniform([directions, 4 * HIDDEN, HIDDEN], -bound, bound, "lstm.R")
    bias = b.rng.uniform(-bound, bound, size=(directions, 8 * HIDDEN))
    bias[:, 2 * HIDDEN : 3 * HIDDEN] += 1.0  # forget gate, input-side bias
    direction = "bidirectional" if directions == 2 else "forward"
    return b.op(
        "LSTM",
        [x, w, r, b.const(bias, "lstm.B")],
        hidden_size=HIDDEN,
        direction=direction,
        layout=0,
    )


def build_lstm_seq(seed: int = 0) -> onnx.ModelProto:
    """LSTM classifier: input [1,32,64] float32 -> logits [1,10]."""
    b = GraphBuilder("lstm_seq", seed)
    x = b.input("input", TensorProto.FLOAT, [1, SEQ, FEATURES])
    x = b.op("Transpose", [x], perm=[1, 0, 2])  # [seq, batch, feature]
    with b.scope("lstm0"):
        y = _lstm(b, x, FEATURES, directions=2)  # [seq, 2, batch, hidden]
        y = b.op("Transpose", [y], perm=[0, 2, 1, 3])
        y = b.op("Reshape", [y, b.const([0, 0, -1], "concat_directions", np.int64)])
    with b.scope("lstm1"):
        y = _lstm(b, y, 2 * HIDDEN, directions=1)  # [seq, 1, batch, hidden]
    with b.scope("head"):
        last = b.op("Gather", [y, b.const(SEQ - 1, "last_step", np.int64)], axis=0)
        last = b.op("Flatten", [last], axis=1)  # [batch, hidden]
        logits = b.gemm(last, HIDDEN, NUM_CLASSES)
    b.output(logits, "logits", TensorProto.FLOAT, [1, NUM_CLASSES])
    return b.model(DOC)
