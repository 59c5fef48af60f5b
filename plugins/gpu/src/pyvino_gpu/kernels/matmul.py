"""MatMul-1 on the tiled GEMM template: batched, numpy-broadcast batch dims, transposes baked in.

A constant right-hand side (the weights of a fully connected layer) is uploaded once already
laid out as [..., K, N], so its transpose costs nothing at run time.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pyvino import Op

from pyvino_gpu.kernels._common import (
    KernelCode,
    TensorInfo,
    broadcast_index,
    defines,
    load,
    param,
    store,
)
from pyvino_gpu.kernels._support import float_data
from pyvino_gpu.kernels.conv import store_block
from pyvino_gpu.kernels.eltwise import Region, exec_suffix
from pyvino_gpu.kernels.gemm import GemmSpec, gemm_kernel


def _as_matrix(shape: tuple[int, ...], is_left: bool) -> tuple[int, ...]:
    if len(shape) == 1:
        return (1, shape[0]) if is_left else (shape[0], 1)
    return shape


def lower_matmul(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    ta, tb = bool(node.attrs["transpose_a"]), bool(node.attrs["transpose_b"])
    a_shape = _as_matrix(tuple(node.input_shape(0).to_shape()), True)
    b_shape = _as_matrix(tuple(node.input_shape(1).to_shape()), False)
    ta = ta and len(node.input_shape(0)) > 1
    tb = tb and len(node.input_shape(1)) > 1
    m, k = (a_shape[-1], a_shape[-2]) if ta else (a_shape[-2], a_shape[-1])
    n = b_shape[-2] if tb else b_shape[-1]
    a = lw.input(node, 0)
    b_value = lw.value(node, 1)
    if b_value is not None:
        bv = np.asarray(b_value).reshape(b_shape)
        b = lw.weight(np.swapaxes(bv, -1, -2) if tb else bv)
        tb = False
    else:
        b = lw.input(node, 1)
    a_batch, b_batch = a_shape[:-2], b_shape[:-2]
    rank = max(len(a_batch), len(b_batch))
    a_batch = (1,) * (rank - len(a_batch)) + tuple(a_batch)
    b_batch = (1,) * (rank - len(b_batch)) + tuple(b_batch)
    out_batch = tuple(max(p, q) for p, q in zip(a_batch, b_batch))
    batch = math.prod(out_batch)
    out = lw.new(lw.out_shape(node), node.get_output_element_type(0).name)
    a_base = broadcast_index(out_batch, a_batch, "bz") if batch > 1 else "0"
    b_base = broadcast_index(out_batch, b_batch, "bz") if batch > 1 else "0"
    if getattr(lw, "cpu_device", False) and not tb:
        code = _matmul_cpu(lw, out, a, b, region, m, n, k, batch, ta, a_base, b_base)
        lw.launch(code, [out], [a, b], node, region)
        return [out]
    spec = GemmSpec(
        M=m, N=n, K=k, batch=batch,
        params=f"{param('y', out, True)}, {param('a', a)}, {param('b', b)}{region.params()}",
        load_a=f"val = {load('a', a, 'ab + k * M + m' if ta else 'ab + m * K + k')};",
        load_b=f"val = {load('b', b, 'bb + n * K + k' if tb else 'bb + k * N + n')};",
        store=store_block(out, region, "bz * M * N + m * N + n"),
        a_k_contiguous=not ta,
        b_n_contiguous=not tb,
        prelude=f"  const int ab = {a_base} * M * K, bb = {b_base} * K * N;",
    )
    code = gemm_kernel(lw.kernel_name("matmul"), spec, "gemm" + exec_suffix(region),
                       lw.max_group)
    lw.launch(code, [out], [a, b], node, region)
    return [out]


def _matmul_cpu(lw: Any, out: TensorInfo, a: TensorInfo, b: TensorInfo, region: Region,
                m: int, n: int, k: int, batch: int, ta: bool, a_base: str,
                b_base: str) -> KernelCode:
    """The CPU-device variant (no local memory, see ``conv_cpu.py``): a work-item computes WM
    rows x PB columns as WM ``floatPB`` vectors; B rows are contiguous vector loads."""
    wm, pb = min(8, m), 16
    nt, mt = (n + pb - 1) // pb, (m + wm - 1) // wm
    head, tail = defines({"M": m, "N": n, "K": k, "WM": wm, "PB": pb, "NT": nt})
    vt = f"float{pb}"
    a_at = "ab + kk * M + mm" if ta else "ab + mm * K + kk"
    vl = "vload_half16" if b.ctype == "half" else "vload16"
    name = lw.kernel_name("matmul")
    src = f"""{head}__kernel void {name}({param('y', out, True)}, {param('a', a)}, {param('b', b)}{region.params()}) {{
  const int nt = get_global_id(0), m0 = get_global_id(1) * WM, bz = get_global_id(2);
  if (nt >= NT) return;
  const int n0 = nt * PB, ab = {a_base} * M * K, bb = {b_base} * K * N;
  {vt} acc[WM];
  for (int i = 0; i < WM; ++i) acc[i] = ({vt})(0.0f);
  for (int kk = 0; kk < K; ++kk) {{
    {vt} bv;
    if (n0 + PB <= N) bv = {vl}(0, b + bb + kk * N + n0);
    else {{
      float t[PB];
      for (int j = 0; j < PB; ++j) t[j] = n0 + j < N ? {load('b', b, 'bb + kk * N + n0 + j')} : 0.0f;
      bv = vload16(0, t);
    }}
    for (int i = 0; i < WM; ++i) {{
      const int mm = min(m0 + i, M - 1);
      acc[i] = mad(({vt})({load('a', a, a_at)}), bv, acc[i]);
    }}
  }}
  for (int i = 0; i < WM; ++i) {{
    const int m = m0 + i;
    if (m >= M) break;
    float r[PB];
    vstore16(acc[i], 0, r);
    for (int j = 0; j < PB; ++j) {{
      const int n = n0 + j;
      if (n >= N) break;
      const int o = bz * M * N + m * N + n;
      float v = r[j];
{region.code('o')}
      {store('y', out, 'o', 'v')}
    }}
  }}
}}
{tail}"""
    local = 4 if nt >= 4 else 1
    return KernelCode(name, src, ((nt + local - 1) // local * local, mt, batch), (local, 1, 1),
                      "gemm_cpu" + exec_suffix(region))


def _supports(node: Op) -> bool:
    return float_data(node, (0, 1))


LOWER = {"MatMul": lower_matmul}
SUPPORTS = {"MatMul": _supports}
