"""Window geometry of 1D/2D convolutions and poolings, as 2D (a 1D op is H = 1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def resolved_pads(
    attrs: dict[str, Any],
    sizes: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
) -> tuple[list[int], list[int]]:
    """(pads_begin, pads_end) after ``auto_pad`` (explicit, valid, same_upper, same_lower)."""
    mode = attrs.get("auto_pad", "explicit")
    if mode == "valid":
        return [0] * len(sizes), [0] * len(sizes)
    if mode in ("same_upper", "same_lower"):
        begin, end = [], []
        for n, k, s, d in zip(sizes, kernel, strides, dilations):
            total = max(0, (-(-n // s) - 1) * s + (k - 1) * d + 1 - n)
            small = total // 2
            begin.append(small if mode == "same_upper" else total - small)
            end.append(total - begin[-1])
        return begin, end
    return list(attrs["pads_begin"]), list(attrs["pads_end"])


@dataclass(frozen=True)
class Window2D:
    """Input [n, c, h, w] -> output [n, k, ho, wo] through a kh x kw window."""

    n: int
    c: int
    h: int
    w: int
    k: int
    ho: int
    wo: int
    kh: int
    kw: int
    sh: int
    sw: int
    dh: int
    dw: int
    ph: int
    pw: int
    any_padding: bool

    @classmethod
    def of(
        cls,
        attrs: dict[str, Any],
        x_shape: Sequence[int],
        out_shape: Sequence[int],
        kernel: Sequence[int],
    ) -> Window2D | None:
        """The geometry of a 1D or 2D window op, or None for other ranks."""
        if len(x_shape) not in (3, 4) or len(out_shape) != len(x_shape):
            return None
        nsp = len(x_shape) - 2
        strides = list(attrs["strides"])
        dilations = list(attrs.get("dilations") or [1] * nsp)
        pb, pe = resolved_pads(attrs, x_shape[2:], kernel, strides, dilations)
        if nsp == 1:  # 1D as 2D with a unit height
            x_shape, out_shape = [*x_shape[:2], 1, x_shape[2]], [*out_shape[:2], 1, out_shape[2]]
            kernel, strides, dilations = [1, *kernel], [1, *strides], [1, *dilations]
            pb, pe = [0, *pb], [0, *pe]
        return cls(
            x_shape[0],
            x_shape[1],
            x_shape[2],
            x_shape[3],
            out_shape[1],
            out_shape[2],
            out_shape[3],
            kernel[0],
            kernel[1],
            strides[0],
            strides[1],
            dilations[0],
            dilations[1],
            pb[0],
            pb[1],
            any(pb) or any(pe),
        )

    @property
    def is_pointwise(self) -> bool:
        """1x1 window, stride 1, no padding: the input already is the GEMM operand."""
        return (self.kh, self.kw, self.sh, self.sw, self.ph, self.pw) == (1, 1, 1, 1, 0, 0) and (
            self.ho,
            self.wo,
        ) == (self.h, self.w)

    def images(
        self, inputs: list[np.ndarray], outputs: list[np.ndarray], residual: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """NCHW views of a bound step's input, output and fused residual (input 1, if any)."""
        x = inputs[0].reshape(self.n, self.c, self.h, self.w)
        out = outputs[0].reshape(self.n, self.k, self.ho, self.wo)
        return x, out, inputs[1].reshape(out.shape) if residual else None
