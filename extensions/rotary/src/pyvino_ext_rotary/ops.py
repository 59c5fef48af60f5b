"""``RotaryEmbedding``: fused rotary positional embedding (RoPE), rotate-half convention.

``x`` is ``[B, H, S, D]``. The first ``rotary_dim`` features (all when 0) are rotated::

    out = x * cos + rotate_half(x) * sin,   rotate_half([x1, x2]) = [-x2, x1]

where ``x1``/``x2`` are the two halves of the rotated features; the rest pass through. The
angles come either from tables (3 inputs: ``x, cos, sin``; tables ``[S, T]``, ``[B, S, T]`` or
``[B|1, H|1, S, T]`` with ``T = rotary_dim`` or ``rotary_dim / 2`` (a half table serves both
halves)) or from positions (2 inputs: ``x, position_ids`` of ``[S]`` or ``[B, S]``, integer;
angle of feature ``j`` = ``position * base ** (-2 * (j mod half) / rotary_dim)``).
"""

from __future__ import annotations

import numpy as np
from pyvino import FLOAT, INT, Attr, Op, PartialShape, Type

FLOAT_TYPES = (Type.f16, Type.f32, Type.f64)
INDEX_TYPES = (Type.i32, Type.i64)


class RotaryEmbedding1(Op):
    """RoPE over ``x [B, H, S, D]`` from cos/sin tables or from position ids."""

    type_name = "RotaryEmbedding"
    version_id = "extension"
    num_inputs = (2, 3)
    attributes = (Attr("rotary_dim", INT, 0), Attr("base", FLOAT, 10000.0))

    @property
    def from_positions(self) -> bool:
        return len(self.inputs) == 2

    def rotary_dim(self) -> int:
        """The rotated feature count (needs a static D when the attribute is 0)."""
        rd = self.attrs["rotary_dim"]
        depth = self.input_shape(0)[3] if self.input_shape(0).rank_is_static else None
        if rd == 0:
            if depth is None or not depth.is_static:
                raise self.fail("rotary_dim=0 (all features) needs a static last dimension of x")
            rd = depth.get_length()
        if rd <= 0 or rd % 2:
            raise self.fail(f"rotary_dim must be a positive even number, got {rd}")
        if depth is not None and depth.is_static and rd > depth.get_length():
            raise self.fail(f"rotary_dim {rd} exceeds the feature size {depth}")
        return rd

    def infer(self) -> list[tuple[Type, PartialShape]]:
        x_type, x_shape = self.input_type(0), self.input_shape(0)
        if x_type not in FLOAT_TYPES:
            raise self.fail(f"x must be f16, f32 or f64, got {x_type.name}")
        if x_shape.rank_is_static and len(x_shape) != 4:
            raise self.fail(f"x must be [B, H, S, D], got shape {x_shape}")
        rd = self.rotary_dim()
        if self.from_positions:
            self._check_positions()
        else:
            for port, name in ((1, "cos"), (2, "sin")):
                self._check_table(port, name, rd)
        return [(x_type, x_shape)]

    def _check_positions(self) -> None:
        if self.input_type(1) not in INDEX_TYPES:
            raise self.fail(f"position_ids must be i32 or i64, got {self.input_type(1).name}")
        shape = self.input_shape(1)
        if shape.rank_is_static and len(shape) not in (1, 2):
            raise self.fail(f"position_ids must be [S] or [B, S], got shape {shape}")

    def _check_table(self, port: int, name: str, rd: int) -> None:
        if self.input_type(port) is not self.input_type(0):
            raise self.fail(
                f"{name} must have the element type of x "
                f"({self.input_type(0).name}), got {self.input_type(port).name}"
            )
        shape = self.input_shape(port)
        if not shape.rank_is_static:
            return
        if len(shape) not in (2, 3, 4):
            raise self.fail(f"{name} must be [S, T], [B, S, T] or [B, H, S, T], got {shape}")
        if not (shape[-1].compatible(rd) or shape[-1].compatible(rd // 2)):
            raise self.fail(
                f"{name}'s last dimension must be rotary_dim ({rd}) or half of it, got {shape[-1]}"
            )
        x_shape = self.input_shape(0)
        if x_shape.rank_is_static:
            dims = list(shape)[:-1]
            lead = dims if len(dims) != 2 else [dims[0], 1, dims[1]]  # [B, S] -> [B, 1, S]
            for have, want in zip(reversed(lead), reversed(list(x_shape)[:-1]), strict=False):
                if not (have == 1 or have.compatible(want)):
                    raise self.fail(f"{name} of shape {shape} does not broadcast to x {x_shape}")

    # ----------------------------------------------------------------- reference
    def tables(self, *angles_source: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cos, sin) as 4-D arrays broadcastable to ``[B, H, S, rotary_dim]`` (float64)."""
        rd = self.rotary_dim()
        if self.from_positions:
            (positions,) = angles_source
            pos = positions.astype(np.float64)
            pos = pos[None, None, :] if pos.ndim == 1 else pos[:, None, :]
            half = np.arange(rd // 2, dtype=np.float64)
            inv_freq = float(self.attrs["base"]) ** (-2.0 * half / rd)
            angles = pos[..., None] * inv_freq
            angles = np.concatenate([angles, angles], axis=-1)
            return np.cos(angles), np.sin(angles)
        cos, sin = (_as_4d(t.astype(np.float64)) for t in angles_source)
        if cos.shape[-1] == rd // 2:
            cos, sin = (np.concatenate([t, t], axis=-1) for t in (cos, sin))
        return cos, sin

    def evaluate(self, x: np.ndarray, *rest: np.ndarray) -> tuple[np.ndarray, ...]:
        rd = self.rotary_dim()
        cos, sin = self.tables(*rest)
        xr = x[..., :rd].astype(np.float64)
        half = rd // 2
        rotated = np.concatenate([-xr[..., half:], xr[..., :half]], axis=-1)
        out = np.concatenate([xr * cos + rotated * sin, x[..., rd:].astype(np.float64)], axis=-1)
        return (out.astype(x.dtype),)


def _as_4d(table: np.ndarray) -> np.ndarray:
    if table.ndim == 2:
        return table[None, None]
    if table.ndim == 3:
        return table[:, None]
    return table


OPS: list[type[Op]] = [RotaryEmbedding1]
