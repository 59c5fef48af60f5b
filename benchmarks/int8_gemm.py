"""Does int8 arithmetic pay on this CPU? numba int8 GEMM (int32 accumulation) vs f32 sgemm.

The convolutions of the zoo's resnet18 and mobilenet_v2 as im2col GEMMs
``[M out channels, K = C*kh*kw] @ [K, N = H*W]``, one thread each. numpy has no int8 BLAS, so
the int8 side is numba: products and sums in int32 lanes (numba widens int8 * int8 to int64,
which does not vectorize; int32 operands do, to ``vpmulld``), and int16 operands widened per
product. Both are checked exact against an int64 numpy product. Run with
``env -u OPENBLAS_CORETYPE`` (it halves sgemm speed) and note the load average.

    env -u OPENBLAS_CORETYPE python benchmarks/int8_gemm.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numba
import numpy as np
from threadpoolctl import threadpool_limits

SHAPES = {  # (M, K, N)
    "resnet18 stem 7x7": (64, 147, 12544),
    "resnet18 layer1 3x3": (64, 576, 3136),
    "resnet18 layer2 3x3": (128, 1152, 784),
    "resnet18 layer3 3x3": (256, 2304, 196),
    "resnet18 layer4 3x3": (512, 4608, 49),
    "mobilenet_v2 1x1 expand": (96, 16, 12544),
    "mobilenet_v2 1x1 middle": (192, 32, 784),
    "mobilenet_v2 1x1 late": (960, 160, 49),
}


@numba.njit(cache=True, nogil=True)
def gemm_int32_lanes(a, b, c):  # noqa: ANN001, ANN201
    """c = a @ b for int32 arrays holding int8 values (row-broadcast inner loop)."""
    rows, depth = a.shape
    for i in range(rows):
        row = c[i]
        row[:] = 0
        for k in range(depth):
            av = a[i, k]
            brow = b[k]
            for j in range(row.shape[0]):
                row[j] += av * brow[j]


@numba.njit(cache=True, nogil=True)
def gemm_int16_widened(a, b, c, acc):  # noqa: ANN001, ANN201
    """c = a @ b for int16 arrays holding int8 values, each product widened to int32."""
    rows, depth = a.shape
    for i in range(rows):
        acc[:] = 0
        for k in range(depth):
            av = np.int32(a[i, k])
            brow = b[k]
            for j in range(acc.shape[0]):
                acc[j] = np.int32(acc[j] + np.int32(av * np.int32(brow[j])))
        c[i] = acc


def best_ms(fn: Callable[[], object], repeats: int = 5) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000.0 * min(times)


def measure(m: int, k: int, n: int, rng: np.random.Generator) -> dict[str, float]:
    a8 = rng.integers(-127, 128, (m, k)).astype(np.int8)
    b8 = rng.integers(-128, 128, (k, n)).astype(np.int8)
    exact = a8.astype(np.int64) @ b8.astype(np.int64)
    af, bf, cf = a8.astype(np.float32), b8.astype(np.float32), np.empty((m, n), np.float32)
    a32, b32, c32 = a8.astype(np.int32), b8.astype(np.int32), np.empty((m, n), np.int32)
    a16, b16, c16 = a8.astype(np.int16), b8.astype(np.int16), np.empty((m, n), np.int32)
    acc = np.empty(n, np.int32)
    gemm_int32_lanes(a32, b32, c32)
    gemm_int16_widened(a16, b16, c16, acc)
    if not (np.array_equal(c32, exact) and np.array_equal(c16, exact)):
        raise AssertionError("int8 GEMM result differs from numpy's int64 product")
    return {
        "sgemm": best_ms(lambda: np.matmul(af, bf, out=cf)),
        "int32_lanes": best_ms(lambda: gemm_int32_lanes(a32, b32, c32)),
        "int16_widened": best_ms(lambda: gemm_int16_widened(a16, b16, c16, acc)),
    }


def main() -> None:
    rng = np.random.default_rng(0)
    with open("/proc/loadavg", encoding="utf-8") as f:
        print("load average:", f.read().strip())
    with threadpool_limits(1):
        for name, (m, k, n) in SHAPES.items():
            t = measure(m, k, n, rng)
            gops = 2e-6 * m * k * n
            int8 = min(t["int32_lanes"], t["int16_widened"])
            print(
                f"{name:24s} M={m:4d} K={k:5d} N={n:6d}  sgemm {t['sgemm']:7.2f} ms "
                f"({gops / t['sgemm']:5.1f} GFLOP/s)  int8 numba {int8:7.2f} ms "
                f"({gops / int8:5.1f} GOP/s)  int8 is {int8 / t['sgemm']:4.1f}x slower"
            )


if __name__ == "__main__":
    main()
