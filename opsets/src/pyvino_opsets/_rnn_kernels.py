"""Numpy kernels of the recurrent ops: activations, one time step of each cell, the time loop.

Everything is vectorised over the batch; only time steps are a Python loop. Gate layouts are
OpenVINO's: LSTM ``f, i, c, o`` (peepholes ``f, i, o``), GRU ``z, r, h``. ``clip > 0`` clamps
every gate's pre-activation to ``[-clip, clip]`` (not the cell state before ``h``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Activation = Callable[[np.ndarray], np.ndarray]

# OpenVINO's defaults for the two parameters of hardsigmoid.
_HARDSIGMOID_DEFAULTS = (0.2, 0.5)
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "hardsigmoid")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # Split by sign so that exp never overflows.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)


def make_activation(name: str, alpha: float | None, beta: float | None) -> Activation:
    """The activation ``name`` (case-insensitive); alpha/beta only matter for hardsigmoid."""
    key = name.lower()
    if key == "sigmoid":
        return _sigmoid
    if key == "tanh":
        return np.tanh
    if key == "relu":
        return lambda x: np.maximum(x, 0)
    if key == "hardsigmoid":
        a = _HARDSIGMOID_DEFAULTS[0] if alpha is None else alpha
        b = _HARDSIGMOID_DEFAULTS[1] if beta is None else beta
        return lambda x: np.clip(a * x + b, 0, 1).astype(x.dtype, copy=False)
    raise ValueError(f"unknown activation {name!r}; supported: {', '.join(ACTIVATION_NAMES)}")


def make_activations(
    names: Sequence[str], alphas: Sequence[float], betas: Sequence[float]
) -> list[Activation]:
    """One function per name; ``alphas[i]``/``betas[i]`` belong to ``names[i]`` when present."""
    return [
        make_activation(
            n, alphas[i] if i < len(alphas) else None, betas[i] if i < len(betas) else None
        )
        for i, n in enumerate(names)
    ]


@dataclass(frozen=True)
class CellParams:
    """What a step needs besides data: activations, clip and the GRU / LSTM-1 switches."""

    acts: list[Activation]
    clip: float = 0.0
    linear_before_reset: bool = False
    input_forget: bool = False

    def gate(self, x: np.ndarray, act: int) -> np.ndarray:
        if self.clip > 0:
            x = np.clip(x, -self.clip, self.clip)
        return self.acts[act](x)


def rnn_step(
    p: CellParams, x: np.ndarray, h: np.ndarray, w: np.ndarray, r: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """``H' = f(X W^T + H R^T + B)``."""
    return p.gate(x @ w.T + h @ r.T + b, 0)


def gru_step(
    p: CellParams, x: np.ndarray, h: np.ndarray, w: np.ndarray, r: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """GRU with gates z, r, h; ``b`` has 4 parts (Wb_zr+Rb_zr, Wbh, Rbh) when linear_before_reset."""
    n = h.shape[-1]
    xw = x @ w.T
    hr = h @ r[: 2 * n].T
    z = p.gate(xw[:, :n] + hr[:, :n] + b[:n], 0)
    rt = p.gate(xw[:, n : 2 * n] + hr[:, n:] + b[n : 2 * n], 0)
    r_h = r[2 * n :]
    if p.linear_before_reset:
        cand = xw[:, 2 * n :] + rt * (h @ r_h.T + b[3 * n : 4 * n]) + b[2 * n : 3 * n]
    else:
        cand = xw[:, 2 * n :] + (rt * h) @ r_h.T + b[2 * n : 3 * n]
    hh = p.gate(cand, 1)
    return (1 - z) * hh + z * h


def lstm_step(
    p: CellParams,
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    w: np.ndarray,
    r: np.ndarray,
    b: np.ndarray,
    peep: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """LSTM with gates f, i, c, o and optional peepholes ``[Pf, Pi, Po]``."""
    n = h.shape[-1]
    g = x @ w.T + h @ r.T + b
    f_pre, i_pre, c_pre, o_pre = g[:, :n], g[:, n : 2 * n], g[:, 2 * n : 3 * n], g[:, 3 * n :]
    if peep is not None:
        f_pre = f_pre + peep[:n] * c
        i_pre = i_pre + peep[n : 2 * n] * c
    f = p.gate(f_pre, 0)
    i = 1 - f if p.input_forget else p.gate(i_pre, 0)
    c_new = f * c + i * p.gate(c_pre, 1)
    if peep is not None:
        o_pre = o_pre + peep[2 * n :] * c_new
    o = p.gate(o_pre, 0)
    return o * p.acts[2](c_new), c_new


def reverse_within_lengths(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``x[b, :L_b]`` reversed along axis 1 for every batch row; steps past ``L_b`` stay put."""
    steps = x.shape[1]
    t = np.arange(steps)[None, :]
    idx = np.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)
    idx = idx.reshape(idx.shape + (1,) * (x.ndim - 2))
    return np.take_along_axis(x, idx, axis=1)


StepFn = Callable[[np.ndarray, list[np.ndarray]], list[np.ndarray]]


def run_direction(
    step: StepFn, x: np.ndarray, states: list[np.ndarray], lengths: np.ndarray, reverse: bool
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Run ``step`` over ``x [B, T, I]`` for one direction with per-row sequence lengths.

    Past a row's length its output is zero and its states hold their last value (so a row of
    length 0 returns its initial states). Returns ``Y [B, T, H]`` and the final states.
    """
    batch, steps = x.shape[0], x.shape[1]
    if reverse:
        x = reverse_within_lengths(x, lengths)
    ys = np.zeros((batch, steps, states[0].shape[-1]), dtype=states[0].dtype)
    for t in range(steps):
        active = (t < lengths)[:, None]
        new = step(x[:, t], states)
        states = [np.where(active, s_new, s_old) for s_new, s_old in zip(new, states, strict=True)]
        ys[:, t] = np.where(active, new[0], 0)
    if reverse:
        ys = reverse_within_lengths(ys, lengths)
    return ys, states
