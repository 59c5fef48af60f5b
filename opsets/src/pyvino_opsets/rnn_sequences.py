"""Recurrent sequences: RNNSequence-5, GRUSequence-5, LSTMSequence-1 and LSTMSequence-5.

Layouts follow OpenVINO (batch first): ``X [batch, seq_len, input_size]``, states
``[batch, num_directions, hidden_size]``, ``sequence_lengths [batch]`` (integer),
``W [num_directions, gates * hidden_size, input_size]``, ``R [num_directions, gates *
hidden_size, hidden_size]``, ``B [num_directions, gates * hidden_size]``. Outputs:
``Y [batch, num_directions, seq_len, hidden_size]``, then the final states
``[batch, num_directions, hidden_size]``. Direction 0 runs forward, direction 1 (bidirectional)
or the only one (reverse) runs backwards over the first ``sequence_lengths[b]`` steps.
Past a row's length, ``Y`` is zero and the states hold (a row of length 0 returns its initial
states; OpenVINO's own reference zeroes them instead). Cell math and gate order: see ``rnn``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pyvino import Dimension, PartialShape, Type

from pyvino_opsets._common import require_integer_type
from pyvino_opsets._rnn_base import RNNBase, merge, rnn_attributes, to_fico
from pyvino_opsets._rnn_kernels import (
    CellParams,
    StepFn,
    gru_step,
    lstm_step,
    rnn_step,
    run_direction,
)


class _SequenceBase(RNNBase):
    """Shape inference and the direction loop; subclasses give the cell step."""

    states: ClassVar[int] = 1
    peepholes: ClassVar[bool] = False

    @property
    def num_directions(self) -> int:
        return 2 if self.attrs["direction"] == "bidirectional" else 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        self.check_attributes()
        hs, nd = self.attrs["hidden_size"], self.num_directions
        i_len = 1 + self.states
        t = self.float_type([i for i in range(len(self.inputs)) if i != i_len])
        require_integer_type(self.input_type(i_len), "sequence_lengths")
        x = self.shape_of(0, 3)
        batch = merge(x[0], self.shape_of(i_len, 1)[0], "batch size of X and sequence_lengths")
        for k in range(1, 1 + self.states):
            s = self.shape_of(k, 3)
            name = self.input_names[k]
            batch = merge(batch, s[0], f"batch size of X and {name}")
            merge(s[1], nd, f"{name} dimension 1 (num_directions)")
            merge(s[2], hs, f"{name} dimension 2 (hidden_size)")
        w, r, b = (self.shape_of(i_len + k, 3 if k < 3 else 2) for k in (1, 2, 3))
        for what, arr in (("W", w), ("R", r), ("B", b)):
            merge(arr[0], nd, f"{what} dimension 0 (num_directions)")
        self.check_weights(w, r, b, x[2])
        if self.peepholes and len(self.inputs) > i_len + 4:
            p = self.shape_of(i_len + 4, 2)
            merge(p[0], nd, "P dimension 0 (num_directions)")
            merge(p[1], 3 * hs, "P dimension 1 (3 * hidden_size)")
        state = PartialShape([batch, Dimension(nd), Dimension(hs)])
        return [(t, PartialShape([batch, Dimension(nd), x[1], Dimension(hs)]))] + [
            (t, state)
        ] * self.states

    def step_fn(
        self, p: CellParams, w: np.ndarray, r: np.ndarray, b: np.ndarray, peep: np.ndarray | None
    ) -> StepFn:
        raise NotImplementedError

    def run(
        self,
        x: np.ndarray,
        states: list[np.ndarray],
        lengths: np.ndarray,
        w: np.ndarray,
        r: np.ndarray,
        b: np.ndarray,
        peep: np.ndarray | None = None,
    ) -> tuple[np.ndarray, ...]:
        """Run every direction; returns ``(Y, *final_states)`` in ``x``'s dtype."""
        steps = x.shape[1]
        lengths = np.asarray(lengths).reshape(-1).astype(np.int64)
        if lengths.shape[0] != x.shape[0] or np.any(lengths < 0) or np.any(lengths > steps):
            raise self.fail(
                f"sequence_lengths {lengths.tolist()} must hold {x.shape[0]} values in [0, {steps}]"
            )
        cx, cw, cr, cb, *cstates = self.compute(x, w, r, b, *states)
        cp = None if peep is None else self.compute(x, peep)[1]
        params = self.cell_params()
        reverse = (
            [self.attrs["direction"] == "reverse"] if self.num_directions == 1 else [False, True]
        )
        ys, finals = [], []
        for d, rev in enumerate(reverse):
            step = self.step_fn(params, cw[d], cr[d], cb[d], None if cp is None else cp[d])
            y, fin = run_direction(step, cx, [s[:, d] for s in cstates], lengths, rev)
            ys.append(y)
            finals.append(fin)
        out = [np.stack(ys, axis=1)]
        out += [np.stack([f[k] for f in finals], axis=1) for k in range(len(states))]
        return tuple(o.astype(x.dtype) for o in out)


class RNNSequence5(_SequenceBase):
    """RNNSequence: an RNNCell over time; inputs X, H, sequence_lengths, W, R, B."""

    type_name = "RNNSequence"
    version_id = "opset5"
    attributes = rnn_attributes(("tanh",), direction=True)
    num_inputs = 6
    input_names = ("X", "initial_hidden_state", "sequence_lengths", "W", "R", "B")

    def step_fn(
        self, p: CellParams, w: np.ndarray, r: np.ndarray, b: np.ndarray, peep: np.ndarray | None
    ) -> StepFn:
        return lambda xt, s: [rnn_step(p, xt, s[0], w, r, b)]

    def evaluate(
        self,
        x: np.ndarray,
        h: np.ndarray,
        lengths: np.ndarray,
        w: np.ndarray,
        r: np.ndarray,
        b: np.ndarray,
    ) -> tuple[np.ndarray, ...]:
        return self.run(x, [h], lengths, w, r, b)


class GRUSequence5(RNNSequence5):
    """GRUSequence: a GRUCell over time (``linear_before_reset`` as in GRUCell-3)."""

    type_name = "GRUSequence"
    attributes = rnn_attributes(("sigmoid", "tanh"), direction=True, gru=True)
    gates = 3
    default_activations = ("sigmoid", "tanh")

    def step_fn(
        self, p: CellParams, w: np.ndarray, r: np.ndarray, b: np.ndarray, peep: np.ndarray | None
    ) -> StepFn:
        return lambda xt, s: [gru_step(p, xt, s[0], w, r, b)]


class LSTMSequence5(_SequenceBase):
    """LSTMSequence: an LSTMCell over time; inputs X, H, C, sequence_lengths, W, R, B."""

    type_name = "LSTMSequence"
    version_id = "opset5"
    attributes = rnn_attributes(("sigmoid", "tanh", "tanh"), direction=True)
    num_inputs = 7
    gates = 4
    states = 2
    default_activations = ("sigmoid", "tanh", "tanh")
    input_names = (
        "X",
        "initial_hidden_state",
        "initial_cell_state",
        "sequence_lengths",
        "W",
        "R",
        "B",
        "P",
    )

    def step_fn(
        self, p: CellParams, w: np.ndarray, r: np.ndarray, b: np.ndarray, peep: np.ndarray | None
    ) -> StepFn:
        return lambda xt, s: list(lstm_step(p, xt, s[0], s[1], w, r, b, peep))

    def evaluate(
        self,
        x: np.ndarray,
        h: np.ndarray,
        c: np.ndarray,
        lengths: np.ndarray,
        w: np.ndarray,
        r: np.ndarray,
        b: np.ndarray,
    ) -> tuple[np.ndarray, ...]:
        return self.run(x, [h, c], lengths, w, r, b)


class LSTMSequence1(LSTMSequence5):
    """LSTMSequence-1: LSTMSequence-5 plus peepholes ``P [num_directions, 3 * hidden_size]``
    (``f, i, o``), ``input_forget`` and ``weights_format`` (default ``fico``)."""

    version_id = "opset1"
    attributes = rnn_attributes(("sigmoid", "tanh", "tanh"), direction=True, lstm_v1=True)
    num_inputs = (7, 8)
    peepholes = True

    def evaluate(
        self,
        x: np.ndarray,
        h: np.ndarray,
        c: np.ndarray,
        lengths: np.ndarray,  # type: ignore[override]
        w: np.ndarray,
        r: np.ndarray,
        b: np.ndarray,
        p: np.ndarray | None = None,
    ) -> tuple[np.ndarray, ...]:
        fmt = self.attrs["weights_format"]
        w, r, b = to_fico(w, fmt, 1), to_fico(r, fmt, 1), to_fico(b, fmt, 1)
        return self.run(x, [h, c], lengths, w, r, b, p)


OPS = [RNNSequence5, GRUSequence5, LSTMSequence1, LSTMSequence5]

__all__ = ["OPS", "GRUSequence5", "LSTMSequence1", "LSTMSequence5", "RNNSequence5"]
