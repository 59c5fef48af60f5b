"""im2col for ConvGemm: the [C*kh*kw, Ho*Wo] matrix of input windows, one pixel range at a time.

Two copies of the same matrix. Wide outputs (a stem at 112x112) use the numba loop, which
copies a window row per output row. Narrow ones (ResNet's stride-2 layers at 28x28 down to
7x7) copy only a few values per output row, where that loop's per-row cost dominated (ResNet-18
layer4.0: 357 us for 113K values); there one numpy copy of a strided [C, kh, kw, Ho, Wo] view of
the zero-padded image does it in 138 us (layer2.0: 447 -> 226 us, layer3.0: 371 -> 158 us).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.lib.stride_tricks import as_strided

from pyvino_cpu.kernels import Run
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels._jit import kernel, precompile

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

# Output widths below this take the strided numpy copy (measured equal at 112, 2x faster at 28).
STRIDED_COPY_MAX_WIDTH = 64


@kernel()
def im2col(x, col, kh, kw, sh, sw, dh, dw, ph, pw, wo, p0, p1):  # noqa: ANN001, ANN201
    """col[(c*kh + i)*kw + j, p] = x[c, oy*sh - ph + i*dh, ox*sw - pw + j*dw] for output pixels
    p = oy*wo + ox in [p0, p1) (0 outside the image)."""
    channels, height, width = x.shape
    for row in range(channels * kh * kw):
        c = row // (kh * kw)
        i = (row // kw) % kh
        j = row % kw
        off = j * dw - pw
        lo = min(wo, -(off // sw)) if off < 0 else 0  # columns [lo, hi) read inside the image
        hi = max(lo, min(wo, (width - 1 - off) // sw + 1))
        dst = col[row]
        p = p0
        while p < p1:
            oy, ox0 = p // wo, p % wo
            ox1 = min(wo, ox0 + p1 - p)
            base = oy * wo
            iy = oy * sh - ph + i * dh
            if iy < 0 or iy >= height:
                dst[base + ox0 : base + ox1] = 0.0
            else:
                src = x[c, iy]
                a, b = max(ox0, lo), min(ox1, hi)
                dst[base + ox0 : base + max(ox0, min(a, ox1))] = 0.0
                if b > a:
                    # sliced from 0 so that numba skips negative-index checks in the loops
                    d = dst[base + a :]
                    if sw == 1:
                        d[: b - a] = src[a + off : b + off]
                    elif sw == 2:  # a constant stride: LLVM vectorizes it (shuffled loads)
                        s = src[2 * a + off :]
                        for q in range(b - a):
                            d[q] = s[2 * q]
                    else:
                        s = src[a * sw + off :]
                        for q in range(b - a):
                            d[q] = s[q * sw]
                dst[base + max(b, ox0) : base + ox1] = 0.0
            p = base + ox1


class Im2col:
    """``prepare(n)`` once per image, then ``copy(n, p0, p1)`` on disjoint pixel ranges (from
    any thread) fills ``col[:, p0:p1]`` for image ``n`` of ``x4`` [N, C, H, W]."""

    def __init__(self, g: Window2D, x4: np.ndarray, col: np.ndarray) -> None:
        self.g, self.x4, self.col = g, x4, col
        self.strided = g.wo < STRIDED_COPY_MAX_WIDTH
        if self.strided:
            self._padded = _padded_buffer(g) if g.any_padding else None
            self._dst = col.reshape(g.c, g.kh, g.kw, g.ho, g.wo)
            self._views = [_window_view(self._source(n), g) for n in range(g.n)]
        else:
            self._args = (g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.ph, g.pw, g.wo)
            precompile(im2col, x4[0], col, *self._args, 0, 0)

    def prepare(self, n: int) -> None:
        """Copy image ``n`` into the zero-bordered buffer the windows read (when padded)."""
        if self.strided and self._padded is not None:
            g = self.g
            self._padded[:, g.ph : g.ph + g.h, g.pw : g.pw + g.w] = self.x4[n]

    def copy(self, n: int, p0: int, p1: int) -> None:
        if self.strided:
            _copy_pixels(self._views[n], self._dst, p0, p1, self.g.wo)
        else:
            im2col(self.x4[n], self.col, *self._args, p0, p1)

    def whole_image(self, pool: TaskPool, n: int, grain: int, work: float) -> Run:
        """A step copying all of image ``n``, shared by the pool's threads: by channels for
        the strided copy (a few pixels, many channels), else by pixel ranges."""
        g = self.g
        if self.strided:
            view, dst = self._views[n], self._dst

            def channels(c0: int, c1: int) -> None:
                dst[c0:c1] = view[c0:c1]

            split = pool.split(g.c, channels, 1, 2, work)
        else:
            split = pool.split(g.ho * g.wo, lambda p0, p1: self.copy(n, p0, p1), grain, 2, work)
        return self.after_prepare(n, split)

    def after_prepare(self, n: int, step: Run) -> Run:
        """``step`` preceded by ``prepare(n)`` where that does anything."""
        if not (self.strided and self._padded is not None):
            return step

        def run() -> None:
            self.prepare(n)
            step()

        return run

    def _source(self, n: int) -> np.ndarray:
        return self._padded if self._padded is not None else self.x4[n]


def _padded_buffer(g: Window2D) -> np.ndarray:
    """Zeros [C, Hp, Wp] holding every position a window reads; the image goes at (ph, pw)."""
    height = max(g.ph + g.h, (g.ho - 1) * g.sh + (g.kh - 1) * g.dh + 1)
    width = max(g.pw + g.w, (g.wo - 1) * g.sw + (g.kw - 1) * g.dw + 1)
    return np.zeros((g.c, height, width), np.float32)


def _window_view(image: np.ndarray, g: Window2D) -> np.ndarray:
    """The read-only [C, kh, kw, Ho, Wo] window view of a [C, Hp, Wp] image whose row 0,
    column 0 is the first window's corner."""
    sc, sy, sx = image.strides
    strides = (sc, sy * g.dh, sx * g.dw, sy * g.sh, sx * g.sw)
    return as_strided(image, (g.c, g.kh, g.kw, g.ho, g.wo), strides, writeable=False)


def _copy_pixels(src: np.ndarray, dst: np.ndarray, p0: int, p1: int, wo: int) -> None:
    """dst[..., p] = src[..., p] for the flattened pixels p = oy*wo + ox in [p0, p1)."""
    oy0, ox0 = divmod(p0, wo)
    oy1, ox1 = divmod(p1, wo)
    if oy0 == oy1:
        dst[..., oy0, ox0:ox1] = src[..., oy0, ox0:ox1]
        return
    if ox0:
        dst[..., oy0, ox0:] = src[..., oy0, ox0:]
        oy0 += 1
    if oy1 > oy0:
        dst[..., oy0:oy1, :] = src[..., oy0:oy1, :]
    if ox1:
        dst[..., oy1, :ox1] = src[..., oy1, :ox1]
