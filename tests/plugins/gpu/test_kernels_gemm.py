"""MatMul on the GEMM kernels (tiled, and the CPU-device variant on PoCL) against numpy.matmul:
transposes, broadcasting, odd sizes."""

from __future__ import annotations

import numpy as np
import pyvino

ops = pyvino.opset8


def test_matmul_family(gpu, rand, precision, kernel_variant) -> None:
    a = ops.parameter([2, 3, 17, 33], "f32", name="a")
    b = ops.parameter([3, 33, 5], "f32", name="b")
    v = ops.parameter([33], "f32", name="v")
    av, bv, vv = rand(2, 3, 17, 33), rand(3, 33, 5), rand(33)
    w1, w2, w3 = rand(33, 65), rand(70, 33), rand(2, 1, 5, 17)
    outs = [
        ops.matmul(a, w1, transpose_a=False, transpose_b=False),  # constant B, 2 tiles of N
        ops.matmul(a, w2, transpose_a=False, transpose_b=True),  # pre-transposed constant
        ops.matmul(a, b, transpose_a=False, transpose_b=False),  # broadcast batch [2,3]x[3]
        ops.matmul(b, a, transpose_a=True, transpose_b=True),  # both transposed, runtime
        ops.matmul(w3, a, transpose_a=False, transpose_b=False),  # constant A
        ops.matmul(a, v, transpose_a=False, transpose_b=False),  # matrix x vector
        ops.matmul(v, w1, transpose_a=False, transpose_b=False),  # vector x matrix
    ]
    expected = [
        av @ w1,
        av @ w2.T,
        av @ bv,
        np.swapaxes(bv, -1, -2) @ np.swapaxes(av, -1, -2),
        w3 @ av,
        av @ vv,
        vv @ w1,
    ]
    model = pyvino.Model(outs, [a, b, v], "matmuls")
    gpu.check(model, [av, bv, vv], expected, precision)


def test_large_gemm_with_bias_and_gelu(gpu, rand, kernel_variant) -> None:
    """Several full 64x64 tiles plus ragged edges, bias and tanh-Gelu fused into the store."""
    x = ops.parameter([130, 90], "f32", name="x")
    w, bias = rand(90, 200) * 0.1, rand(200)
    y = ops.gelu(ops.add(ops.matmul(x, w, transpose_a=False, transpose_b=False), bias),
                 approximation_mode="TANH")
    xv = rand(130, 90)
    z = xv.astype(np.float64) @ w + bias
    expected = 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3)))
    compiled = gpu.check(pyvino.Model([y], [x], "fc"), [xv], [expected])
    (launch,) = compiled.backend.plan.launches
    from pyvino_gpu._devices import devices

    if kernel_variant == "device" and devices()[0].is_cpu:
        assert launch.exec_type == "gemm_cpu_add_gelu"
    else:
        assert launch.exec_type.startswith("gemm_add_gelu_t64x64")
