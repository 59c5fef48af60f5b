"""Recurrent cells (one time step): RNNCell-1, GRUCell-3, LSTMCell-1 and LSTMCell-4.

Layouts follow OpenVINO: ``X [batch, input_size]``, states ``[batch, hidden_size]``,
``W [gates * hidden_size, input_size]``, ``R [gates * hidden_size, hidden_size]``,
``B [gates * hidden_size]`` (the sum of ONNX's Wb and Rb; optional, zeros when absent).
Gate order: LSTM ``f, i, c, o``, GRU ``z, r, h``; LSTMCell-1 peepholes ``P [3 * hidden_size]``
are ``f, i, o``. GRU with ``linear_before_reset`` takes ``B [4 * hidden_size]`` = ``z, r`` biases
(summed), then ``Wb_h`` and ``Rb_h`` apart. The time-loop versions are in ``rnn_sequences``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pyvino import Dimension, PartialShape, Type

from pyvino_opsets._rnn_base import RNNBase, merge, rnn_attributes, to_fico
from pyvino_opsets._rnn_kernels import gru_step, lstm_step, rnn_step

_LSTM_NAMES = ("X", "initial_hidden_state", "initial_cell_state", "W", "R", "B", "P")
_GRU_NAMES = ("X", "initial_hidden_state", "W", "R", "B")


class _CellBase(RNNBase):
    """Shape inference of a cell: ``states`` state inputs after X, then W, R and optional B."""

    states: ClassVar[int] = 1
    peepholes: ClassVar[bool] = False

    def infer(self) -> list[tuple[Type, PartialShape]]:
        self.check_attributes()
        hs = self.attrs["hidden_size"]
        t = self.float_type(range(len(self.inputs)))
        x = self.shape_of(0, 2)
        batch = x[0]
        for k in range(1, 1 + self.states):
            s = self.shape_of(k, 2)
            batch = merge(batch, s[0], f"batch size of X and {self.input_names[k]}")
            merge(s[1], hs, f"{self.input_names[k]} dimension 1 (hidden_size)")
        iw = 1 + self.states
        w, r = self.shape_of(iw, 2), self.shape_of(iw + 1, 2)
        b = self.shape_of(iw + 2, 1) if len(self.inputs) > iw + 2 else [Dimension()]
        self.check_weights(w, r, b, x[1])
        if self.peepholes and len(self.inputs) > iw + 3:
            p = self.shape_of(iw + 3, 1)
            merge(p[0], 3 * hs, "P dimension 0 (3 * hidden_size)")
        return [(t, PartialShape([batch, hs]))] * self.states


class RNNCell1(_CellBase):
    """RNNCell: ``Ht = f(Xt W^T + Ht-1 R^T + B)``, ``activations`` = [f] (default tanh)."""

    type_name = "RNNCell"
    version_id = "opset1"
    attributes = rnn_attributes(("tanh",))
    num_inputs = (4, 5)
    input_names = ("X", "initial_hidden_state", "W", "R", "B")

    def evaluate(
        self,
        x: np.ndarray,
        h: np.ndarray,
        w: np.ndarray,
        r: np.ndarray,
        b: np.ndarray | None = None,
    ) -> tuple[np.ndarray, ...]:
        b = self.default_bias(x) if b is None else b
        args = self.compute(x, h, w, r, b)
        return (rnn_step(self.cell_params(), *args).astype(x.dtype),)


class GRUCell3(_CellBase):
    """GRUCell: gates z, r, h; ``activations`` = [f, g] (default sigmoid, tanh)."""

    type_name = "GRUCell"
    version_id = "opset3"
    attributes = rnn_attributes(("sigmoid", "tanh"), gru=True)
    num_inputs = (4, 5)
    gates = 3
    default_activations = ("sigmoid", "tanh")
    input_names = _GRU_NAMES

    def evaluate(
        self,
        x: np.ndarray,
        h: np.ndarray,
        w: np.ndarray,
        r: np.ndarray,
        b: np.ndarray | None = None,
    ) -> tuple[np.ndarray, ...]:
        b = self.default_bias(x) if b is None else b
        args = self.compute(x, h, w, r, b)
        return (gru_step(self.cell_params(), *args).astype(x.dtype),)


class LSTMCell4(_CellBase):
    """LSTMCell: gates f, i, c, o; outputs Ho and Co; ``activations`` = [f, g, h]."""

    type_name = "LSTMCell"
    version_id = "opset4"
    attributes = rnn_attributes(("sigmoid", "tanh", "tanh"))
    num_inputs = (5, 6)
    gates = 4
    states = 2
    default_activations = ("sigmoid", "tanh", "tanh")
    input_names = _LSTM_NAMES

    def evaluate(
        self,
        x: np.ndarray,
        h: np.ndarray,
        c: np.ndarray,
        w: np.ndarray,
        r: np.ndarray,
        b: np.ndarray | None = None,
    ) -> tuple[np.ndarray, ...]:
        b = self.default_bias(x) if b is None else b
        ho, co = lstm_step(self.cell_params(), *self.compute(x, h, c, w, r, b))
        return ho.astype(x.dtype), co.astype(x.dtype)


class LSTMCell1(LSTMCell4):
    """LSTMCell-1: LSTMCell-4 plus peepholes ``P``, ``input_forget`` (i = 1 - f) and
    ``weights_format`` (the gate order of W, R and B; default ``fico``)."""

    version_id = "opset1"
    attributes = rnn_attributes(("sigmoid", "tanh", "tanh"), lstm_v1=True)
    num_inputs = (5, 7)
    peepholes = True

    def evaluate(
        self,
        x: np.ndarray,
        h: np.ndarray,
        c: np.ndarray,
        w: np.ndarray,  # type: ignore[override]
        r: np.ndarray,
        b: np.ndarray | None = None,
        p: np.ndarray | None = None,
    ) -> tuple[np.ndarray, ...]:
        fmt = self.attrs["weights_format"]
        b = self.default_bias(x) if b is None else b
        w, r, b = (to_fico(v, fmt, 0) for v in (w, r, b))
        args = self.compute(x, h, c, w, r, b)
        peep = None if p is None else self.compute(x, p)[1]
        ho, co = lstm_step(self.cell_params(), *args, peep)
        return ho.astype(x.dtype), co.astype(x.dtype)


OPS = [RNNCell1, GRUCell3, LSTMCell1, LSTMCell4]

__all__ = ["OPS", "GRUCell3", "LSTMCell1", "LSTMCell4", "RNNCell1"]
