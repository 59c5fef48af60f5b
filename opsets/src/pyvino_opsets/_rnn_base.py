"""Base class of the recurrent cells and sequences: shared attributes and shape checks.

A subclass sets ``gates`` (1 RNN, 3 GRU, 4 LSTM), ``default_activations`` and, for sequences,
``has_direction``; ``attributes`` come from ``rnn_attributes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from pyvino import BOOL, FLOAT, FLOATS, INT, STRS, Attr, Dimension, Op, PartialShape, Type, enum
from pyvino._errors import PyvinoError

from pyvino_opsets._common import compute_dtype, merge_types
from pyvino_opsets._rnn_kernels import ACTIVATION_NAMES, CellParams, make_activations

DIRECTION = enum("forward", "reverse", "bidirectional")
LSTM_WEIGHTS_FORMAT = enum("fico", "icof", "ifco", "ifoc", "iofc")


def rnn_attributes(
    activations: Sequence[str], *, direction: bool = False, gru: bool = False, lstm_v1: bool = False
) -> tuple[Attr, ...]:
    """The attribute list of one recurrent op, in OpenVINO's serialisation order."""
    attrs = [
        Attr("hidden_size", INT),
        Attr("activations", STRS, tuple(activations)),
        Attr("activations_alpha", FLOATS, ()),
        Attr("activations_beta", FLOATS, ()),
        Attr("clip", FLOAT, 0.0),
    ]
    if direction:
        attrs.append(Attr("direction", DIRECTION))
    if gru:
        attrs.append(Attr("linear_before_reset", BOOL, False))
    if lstm_v1:
        attrs += [
            Attr("input_forget", BOOL, False),
            Attr("weights_format", LSTM_WEIGHTS_FORMAT, "fico"),
        ]
    return tuple(attrs)


def dims(shape: PartialShape, rank: int, what: str) -> list[Dimension]:
    """The dimensions of an input that must have ``rank`` (all dynamic for a dynamic rank)."""
    if not shape.rank_is_static:
        return [Dimension()] * rank
    if len(shape) != rank:
        raise PyvinoError(f"{what} must have rank {rank}, got shape {shape}")
    return list(shape)


def merge(a: Dimension, b: Dimension | int, what: str) -> Dimension:
    """The intersection of two dimensions that must agree; the message names ``what``."""
    other = b if isinstance(b, Dimension) else Dimension(b)
    if not a.compatible(other):
        raise PyvinoError(f"{what}: dimensions {a} and {other} do not match")
    return a.merge(other)


class RNNBase(Op):
    """Attributes, activations and input checks shared by every recurrent op."""

    gates: ClassVar[int] = 1
    default_activations: ClassVar[tuple[str, ...]] = ("tanh",)
    # Names of the data inputs (X, H, ...) for error messages, in input order.
    input_names: ClassVar[tuple[str, ...]] = ()

    # ------------------------------------------------------------------ attributes
    def check_attributes(self) -> None:
        a = self.attrs
        if a["hidden_size"] <= 0:
            raise self.fail(f"attribute 'hidden_size' must be positive, got {a['hidden_size']}")
        if len(a["activations"]) != len(self.default_activations):
            raise self.fail(
                f"attribute 'activations' needs {len(self.default_activations)} names, "
                f"got {list(a['activations'])}"
            )
        unknown = [n for n in a["activations"] if n.lower() not in ACTIVATION_NAMES]
        if unknown:
            raise self.fail(
                f"attribute 'activations': unsupported {unknown}; expected {', '.join(ACTIVATION_NAMES)}"
            )
        if a["clip"] < 0:
            raise self.fail(f"attribute 'clip' must be >= 0, got {a['clip']}")

    def cell_params(self) -> CellParams:
        a = self.attrs
        return CellParams(
            make_activations(a["activations"], a["activations_alpha"], a["activations_beta"]),
            a["clip"],
            bool(a.get("linear_before_reset", False)),
            bool(a.get("input_forget", False)),
        )

    @property
    def bias_gates(self) -> int:
        """Number of hidden_size blocks in B (GRU with linear_before_reset has 4)."""
        return 4 if self.attrs.get("linear_before_reset") else self.gates

    # ------------------------------------------------------------------ inputs
    def float_type(self, indices: Sequence[int]) -> Type:
        t = merge_types(*(self.input_type(i) for i in indices))
        if t is not Type.dynamic and not t.is_real:
            raise self.fail(f"inputs must have a floating-point element type, got {t.name}")
        return t

    def shape_of(self, i: int, rank: int) -> list[Dimension]:
        name = self.input_names[i] if i < len(self.input_names) else f"input {i}"
        return dims(self.input_shape(i), rank, f"input {i} ({name})")

    def check_weights(
        self, w: list[Dimension], r: list[Dimension], b: list[Dimension], x_size: Dimension
    ) -> Dimension:
        """Check the trailing dims of W ``[G*hs, I]``, R ``[G*hs, hs]``, B ``[G*hs]``; return I."""
        hs = self.attrs["hidden_size"]
        merge(w[-2], self.gates * hs, f"W dimension {len(w) - 2} ({self.gates} * hidden_size)")
        merge(r[-2], self.gates * hs, f"R dimension {len(r) - 2} ({self.gates} * hidden_size)")
        merge(r[-1], hs, f"R dimension {len(r) - 1} (hidden_size)")
        merge(
            b[-1],
            self.bias_gates * hs,
            f"B dimension {len(b) - 1} ({self.bias_gates} * hidden_size)",
        )
        return merge(x_size, w[-1], "input_size of X and W")

    def default_bias(self, x: np.ndarray) -> np.ndarray:
        return np.zeros(self.bias_gates * self.attrs["hidden_size"], dtype=x.dtype)

    @staticmethod
    def compute(*arrays: np.ndarray) -> list[np.ndarray]:
        """Arrays in the dtype to compute in (narrow floats widen to f32)."""
        ct = compute_dtype(arrays[0].dtype)
        return [np.asarray(a).astype(ct, copy=False) for a in arrays]


def to_fico(weights: np.ndarray, fmt: str, axis: int) -> np.ndarray:
    """LSTM gate blocks reordered from ``fmt`` (e.g. ``ifco``) to OpenVINO's ``fico``."""
    if fmt == "fico":
        return weights
    blocks = np.split(weights, 4, axis=axis)
    return np.concatenate([blocks[fmt.index(g)] for g in "fico"], axis=axis)
