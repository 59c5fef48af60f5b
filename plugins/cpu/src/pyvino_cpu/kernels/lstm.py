"""LSTMSequence-1/5: one GEMM for the input projection, then a numba loop over time.

Compile time packs ``W`` (every direction side by side, gate order ``f, i, c, o``), ``R`` and
``B`` once. A run multiplies ``X [batch * seq, input]`` by the packed ``W^T`` in one BLAS call;
then, per direction, a numba loop does the recurrent GEMM of each step (``h @ R^T`` through
BLAS) and the fused gate and state update. Layouts, gate math, ``clip``, activations and
``sequence_lengths`` follow the reference (``pyvino_opsets.rnn_sequences``): past a row's
length ``Y`` is zero and the states hold.

LSTMSequence has three outputs, so the kernel runs through the plan's slot table (as a
``Reference`` step) and returns fresh arrays; its working buffers are allocated once per
inference, never per time step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# numba's np.dot calls scipy's BLAS. Loading it with this module (before any compiled model
# exists) lets ``_streams.BLASLimit`` keep it single-threaded like numpy's: a threaded BLAS
# on these tiny per-step products is several times slower, and far worse under load.
import scipy.linalg.cython_blas  # noqa: F401
from pyvino import InferenceError, Op, Output

from pyvino_cpu.kernels._jit import as_f32, kernel, precompile
from pyvino_cpu.kernels._math import sigmoid32, tanh32
from pyvino_cpu.kernels.reference import Reference

ACTIVATION_CODES = {"sigmoid": 0, "tanh": 1, "relu": 2, "hardsigmoid": 3}
HARDSIGMOID_DEFAULTS = (0.2, 0.5)  # OpenVINO's alpha and beta when the attribute omits them
GATE_ORDER = "fico"


@kernel()
def _activate(x, code, alpha, beta):  # noqa: ANN001, ANN202
    if code == 0:
        return np.float32(1.0) / (np.float32(1.0) + np.exp(-x))
    if code == 1:
        return np.tanh(x)
    if code == 2:
        return max(x, np.float32(0.0))
    return min(max(alpha * x + beta, np.float32(0.0)), np.float32(1.0))


@kernel()
def _gate(x, clip, code, alpha, beta):  # noqa: ANN001, ANN202
    if clip > 0:
        x = min(max(x, -clip), clip)
    return _activate(x, code, alpha, beta)


@kernel()
def lstm_direction(  # noqa: ANN201, PLR0913
    xw,  # [batch, seq, num_directions * 4 * hidden]: X @ W^T of every direction
    bias,  # [4 * hidden] of this direction
    h,  # [batch, hidden]: initial hidden state in, final out
    c,  # [batch, hidden]: initial cell state in, final out
    lengths,  # [batch] int64
    rt,  # [hidden, 4 * hidden]: R^T of this direction
    peep,  # [3 * hidden] peepholes f, i, o (empty: none)
    y,  # [batch, num_directions, seq, hidden], zero-filled
    direction,
    reverse,
    clip,
    codes,  # [3] activation codes f, g, h
    alphas,
    betas,
    input_forget,
):
    """One direction over the whole sequence; ``h`` and ``c`` hold the final states after."""
    batch, hidden = h.shape
    col = direction * 4 * hidden
    gates = np.empty((batch, 4 * hidden), np.float32)
    has_peep = peep.shape[0] > 0
    one = np.float32(1.0)
    for t in range(xw.shape[1]):
        np.dot(h, rt, gates)
        for b in range(batch):
            if t >= lengths[b]:
                continue
            pos = lengths[b] - 1 - t if reverse else t
            g, src = gates[b], xw[b, pos]
            for j in range(hidden):
                cj = c[b, j]
                f_pre = g[j] + src[col + j] + bias[j]
                i_pre = g[hidden + j] + src[col + hidden + j] + bias[hidden + j]
                c_pre = g[2 * hidden + j] + src[col + 2 * hidden + j] + bias[2 * hidden + j]
                o_pre = g[3 * hidden + j] + src[col + 3 * hidden + j] + bias[3 * hidden + j]
                if has_peep:
                    f_pre += peep[j] * cj
                    i_pre += peep[hidden + j] * cj
                f = _gate(f_pre, clip, codes[0], alphas[0], betas[0])
                i = one - f if input_forget else _gate(i_pre, clip, codes[0], alphas[0], betas[0])
                c_new = f * cj + i * _gate(c_pre, clip, codes[1], alphas[1], betas[1])
                if has_peep:
                    o_pre += peep[2 * hidden + j] * c_new
                o = _gate(o_pre, clip, codes[0], alphas[0], betas[0])
                c[b, j] = c_new
                h[b, j] = o * _activate(c_new, codes[2], alphas[2], betas[2])
                y[b, direction, pos, j] = h[b, j]


@kernel()
def lstm_direction_default(xw, bias, h, c, lengths, rt, y, direction, reverse):  # noqa: ANN001, ANN201
    """``lstm_direction`` for the default gates (sigmoid, tanh, tanh; no clip, peepholes or
    input_forget) with the vectorizable ``_math`` functions: libm's scalar exp and tanh took
    three quarters of the zoo LSTM's time (470 us per direction, 360 of them in the gates)."""
    batch, hidden = h.shape
    col = direction * 4 * hidden
    gates = np.empty((batch, 4 * hidden), np.float32)
    for t in range(xw.shape[1]):
        np.dot(h, rt, gates)
        for b in range(batch):
            if t >= lengths[b]:
                continue
            pos = lengths[b] - 1 - t if reverse else t
            g, src = gates[b], xw[b, pos, col:]
            hb, cb, yb = h[b], c[b], y[b, direction, pos]
            for j in range(hidden):  # slices indexed from 0: vectorized
                f = sigmoid32(g[j] + src[j] + bias[j])
                i = sigmoid32(g[hidden + j] + src[hidden + j] + bias[hidden + j])
                z = tanh32(g[2 * hidden + j] + src[2 * hidden + j] + bias[2 * hidden + j])
                o = sigmoid32(g[3 * hidden + j] + src[3 * hidden + j] + bias[3 * hidden + j])
                c_new = f * cb[j] + i * z
                cb[j] = c_new
                hb[j] = o * tanh32(c_new)
                yb[j] = hb[j]


def _activation_tables(attrs: dict[str, Any]) -> tuple[np.ndarray, ...]:
    """Activation codes and their alpha/beta (hardsigmoid defaults where the lists stop)."""
    names = [n.lower() for n in attrs["activations"]]
    alphas, betas = list(attrs["activations_alpha"]), list(attrs["activations_beta"])
    codes = np.array([ACTIVATION_CODES[n] for n in names], np.int64)
    alpha = [alphas[i] if i < len(alphas) else HARDSIGMOID_DEFAULTS[0] for i in range(3)]
    beta = [betas[i] if i < len(betas) else HARDSIGMOID_DEFAULTS[1] for i in range(3)]
    return codes, np.array(alpha, np.float32), np.array(beta, np.float32)


def _to_fico(weights: np.ndarray, fmt: str) -> np.ndarray:
    """LSTM-1's ``weights_format`` gate blocks (axis 1) reordered to ``f, i, c, o``."""
    if fmt == GATE_ORDER:
        return weights
    blocks = np.split(weights, 4, axis=1)
    return np.concatenate([blocks[fmt.index(g)] for g in GATE_ORDER], axis=1)


class LSTMSequence(Reference):
    """LSTMSequence with pre-packed weights; ``fn(X, H0, C0, sequence_lengths)`` runs it."""

    def __init__(
        self, node: Op, w: np.ndarray, r: np.ndarray, b: np.ndarray, p: np.ndarray | None
    ) -> None:
        super().__init__(self.run, exec_type="numba_lstm_sequence")
        attrs = node.attrs
        fmt = attrs.get("weights_format", GATE_ORDER)
        w, r, b = _to_fico(w, fmt), _to_fico(r, fmt), _to_fico(b, fmt)
        self.node = node
        self.directions = w.shape[0]
        self.hidden = attrs["hidden_size"]
        self.w_t = as_f32(np.concatenate(list(w), axis=0).T)  # [input, dirs * 4 * hidden]
        self.r_t = [as_f32(r[d].T) for d in range(self.directions)]
        self.bias = [as_f32(b[d]) for d in range(self.directions)]
        self.peep = [
            as_f32(p[d]) if p is not None else np.zeros(0, np.float32)
            for d in range(self.directions)
        ]
        direction = attrs["direction"]
        self.reverse = [direction == "reverse"] if self.directions == 1 else [False, True]
        self.clip = np.float32(attrs["clip"])
        self.codes, self.alphas, self.betas = _activation_tables(attrs)
        self.input_forget = bool(attrs.get("input_forget", False))
        self.default_gates = (
            self.codes.tolist() == [0, 1, 1]
            and self.clip <= 0
            and p is None
            and not self.input_forget
        )
        self._precompile()

    def _precompile(self) -> None:
        z = np.zeros((1, self.hidden), np.float32)
        if self.default_gates:
            xw = np.zeros((1, 1, 4 * self.hidden), np.float32)
            y = np.zeros((1, 1, 1, self.hidden), np.float32)
            lengths = np.zeros(1, np.int64)
            precompile(
                lstm_direction_default, xw, self.bias[0], z, z, lengths, self.r_t[0], y, 0, False
            )
            return
        precompile(
            lstm_direction,
            np.zeros((1, 1, 4 * self.hidden), np.float32),
            self.bias[0],
            z,
            z,
            np.zeros(1, np.int64),
            self.r_t[0],
            self.peep[0],
            np.zeros((1, 1, 1, self.hidden), np.float32),
            0,
            False,
            self.clip,
            self.codes,
            self.alphas,
            self.betas,
            False,
        )

    def _check(self, x: np.ndarray, h0: np.ndarray, c0: np.ndarray, lengths: np.ndarray) -> Any:
        """sequence_lengths as int64 after checking every run-time shape and length."""
        batch, steps = x.shape[0], x.shape[1]
        state = (batch, self.directions, self.hidden)
        if x.shape[2] != self.w_t.shape[0] or h0.shape != state or c0.shape != state:
            raise InferenceError(
                f"{self.node.describe()}: X {list(x.shape)}, initial states {list(h0.shape)} "
                f"and {list(c0.shape)} disagree; expected states {list(state)} and X "
                f"[{batch}, {steps}, {self.w_t.shape[0]}]"
            )
        flat = np.asarray(lengths).reshape(-1).astype(np.int64)
        if flat.shape[0] != batch or np.any(flat < 0) or np.any(flat > steps):
            raise InferenceError(
                f"{self.node.describe()}: sequence_lengths {flat.tolist()} must hold {batch} "
                f"values in [0, {steps}]"
            )
        return flat

    def run(
        self, x: np.ndarray, h0: np.ndarray, c0: np.ndarray, lengths: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        batch, steps = x.shape[0], x.shape[1]
        lens = self._check(x, h0, c0, lengths)
        xw = np.dot(x.reshape(batch * steps, -1), self.w_t).reshape(batch, steps, -1)
        y = np.zeros((batch, self.directions, steps, self.hidden), np.float32)
        ho = np.empty((batch, self.directions, self.hidden), np.float32)
        co = np.empty_like(ho)
        for d, reverse in enumerate(self.reverse):
            h, c = np.array(h0[:, d], np.float32), np.array(c0[:, d], np.float32)
            if self.default_gates:
                args = (xw, self.bias[d], h, c, lens, self.r_t[d], y, d, reverse)
                lstm_direction_default(*args)
                ho[:, d], co[:, d] = h, c
                continue
            lstm_direction(
                xw, self.bias[d], h, c, lens, self.r_t[d], self.peep[d], y, d, reverse,
                self.clip, self.codes, self.alphas, self.betas, self.input_forget,
            )  # fmt: skip
            ho[:, d], co[:, d] = h, c
        return y, ho, co


def lstm_sequence_kernel(node: Op, const_of: Any) -> tuple[LSTMSequence, list[Output]] | None:
    """The fast LSTMSequence for f32 data (any batch and length) and constant W, R, B (and P)."""
    if node.inputs[0].element_type.name != "f32":
        return None
    if any(n.lower() not in ACTIVATION_CODES for n in node.attrs["activations"]):
        return None
    w, r, b = (const_of(node.inputs[i]) for i in (4, 5, 6))
    p = const_of(node.inputs[7]) if len(node.inputs) > 7 else None
    if w is None or r is None or b is None or (len(node.inputs) > 7 and p is None):
        return None
    return LSTMSequence(node, w, r, b, p), list(node.inputs[:4])
