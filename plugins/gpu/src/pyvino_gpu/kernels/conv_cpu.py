"""Convolution for CPU-type OpenCL devices (PoCL's pthread device): no local memory, no barriers.

OpenVINO's GPU plugin picks kernels per device; so do we. On a CPU device every barrier splits
the driver's work-item loops and local memory is ordinary memory, so the tiled GEMM of
``gemm.py`` runs at a few GFLOP/s. This variant gives each work-item a register block of WM
output channels x PB neighbouring output pixels, held as WM ``floatPB`` vectors (the pixel
dimension is the vector, which the compiler maps to SIMD lanes). The K loop (input channel x
kernel tap) is innermost; weights are packed at compile time as [G][M/WM][K][WM], so the WM
weights of one k are contiguous and shared by every pixel of the block. Pointwise stride-1
convolutions load PB contiguous input pixels with one vector load; other geometries gather the
block's PB pixels per kernel tap with offsets and padding masks computed once per tap.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pyvino_gpu.kernels._common import KernelCode, TensorInfo, defines, param, store
from pyvino_gpu.kernels.eltwise import Region

WM = 8   # output channels per work-item
PB = 16  # output pixels per work-item (the vector width)
LOCAL = 4  # work-items per work-group along the pixel blocks


def _vload(t: TensorInfo, ptr: str, pb: int) -> str:
    if t.ctype == "half":
        return f"vload_half{pb}(0, {ptr})"
    return f"vload{pb}(0, {ptr})"


def _sload(t: TensorInfo, name: str, index: str) -> str:
    if t.ctype == "half":
        return f"vload_half({index}, {name})"
    return f"{name}[{index}]"


def pack_weights(w: np.ndarray, taps: int = 1) -> tuple[np.ndarray, int]:
    """[G, M, K = CG * taps] -> [G, M/WM (rounded up), taps * CG, WM], zero padded (k ordered
    tap-major, so the inner input-channel loop walks it contiguously); and M/WM."""
    groups, m, k = w.shape
    w = w.reshape(groups, m, k // taps, taps).transpose(0, 1, 3, 2).reshape(groups, m, k)
    mt = (m + WM - 1) // WM
    wp = np.zeros((groups, mt * WM, k), dtype=w.dtype)
    wp[:, :m] = w
    return np.ascontiguousarray(wp.reshape(groups, mt, WM, k).transpose(0, 1, 3, 2)), mt


def conv_cpu_kernel(lw: Any, name: str, out: TensorInfo, x: TensorInfo, wt: TensorInfo,
                    region: Region, g: dict[str, int], nb: int, groups: int, m: int, cg: int,
                    mt: int, pointwise: bool, exec_type: str) -> KernelCode:
    ohw = g["OH"] * g["OW"]
    # Pointwise: blocks of PB pixels of the flattened image; otherwise blocks of one output row.
    pb = PB if pointwise or g["OW"] > 8 else 8
    owt = (g["OW"] + pb - 1) // pb
    nt = (ohw + pb - 1) // pb if pointwise else g["OH"] * owt
    k = cg * g["KH"] * g["KW"]
    consts = dict(g, KHW=g["KH"] * g["KW"], HW=g["H"] * g["W"], OHW=ohw, G=groups,
                  CIN=groups * cg, COUT=groups * m, CG=cg, M=m, K=k, NT=nt, MT=mt, WM=WM, PB=pb, OWT=owt, XN=x.numel)
    head, tail = defines(consts)
    vt = f"float{pb}"
    mads = ("        for (int i = 0; i < WM; ++i)\n"
            f"          acc[i] = mad(({vt})({_sload(wt, 'wp', 'kk * WM + i')}), xv, acc[i]);")
    if pointwise:
        xs = ("x[xb + kk * HW + n0 + j]" if x.ctype != "half"
              else "vload_half(xb + kk * HW + n0 + j, x)")
        body = f"""  if (n0 + PB <= OHW) {{
    #pragma unroll 4
    for (int kk = 0; kk < K; ++kk) {{
        const {vt} xv = {_vload(x, 'x + xb + kk * HW + n0', pb)};
{mads}
    }}
  }} else {{
    for (int kk = 0; kk < K; ++kk) {{
        float t[PB];
        for (int j = 0; j < PB; ++j) t[j] = n0 + j < OHW ? {xs} : 0.0f;
        const {vt} xv = vload{pb}(0, t);
{mads}
    }}
  }}"""
    else:
        xs = ("x[xb + ci * HW + row + j * SW]" if x.ctype != "half"
              else "vload_half(xb + ci * HW + row + j * SW, x)")
        contiguous = ""
        if g["SW"] in (1, 2):
            # Stride 1: PB contiguous pixels; stride 2: 2 * PB contiguous, even lanes kept.
            span = "nv" if g["SW"] == 1 else "2 * nv - 1"
            if g["SW"] == 1:
                xv = _vload(x, "x + xb + ci * HW + row", pb)
            else:
                xv = f"{_vload(x, 'x + xb + ci * HW + row', 2 * pb)}.even"
                if pb == 16:
                    lo, hi = (_vload(x, f"x + xb + ci * HW + row{o}", 16) for o in ("", " + 16"))
                    xv = f"(float16)(({lo}).even, ({hi}).even)"
            contiguous = f"""      if (iw0 >= 0 && iw0 + {span} <= W && xlast + row + {g['SW']} * PB <= XN) {{
        #pragma unroll 4
        for (int ci = 0; ci < CG; ++ci, ++kk) {{
          const {vt} xv = {xv};
{mads}
        }}
        continue;
      }}
"""
        body = f"""  const int nv = min(PB, OW - ow0), xlast = xb + (CG - 1) * HW;  /* valid lanes, last plane */
  for (int kh = 0; kh < KH; ++kh) {{
    const int ih = oh * SH - PT + kh * DH;
    if (ih < 0 || ih >= H) continue;
    for (int kw = 0; kw < KW; ++kw) {{
      const int iw0 = ow0 * SW - PL + kw * DW, row = ih * W + iw0;
      int kk = (kh * KW + kw) * CG;
{contiguous}      bool ok[PB];
      for (int j = 0; j < PB; ++j) ok[j] = iw0 + j * SW >= 0 && iw0 + j * SW < W;
      for (int ci = 0; ci < CG; ++ci, ++kk) {{
        float t[PB];
        for (int j = 0; j < PB; ++j) t[j] = ok[j] ? {xs} : 0.0f;
        const {vt} xv = vload{pb}(0, t);
{mads}
      }}
    }}
  }}"""
    if pointwise:
        pix = "  const int n0 = nt * PB;"
        last = "      const int n = n0 + j;\n      if (n >= OHW) break;"
    else:
        pix = "  const int oh = nt / OWT, ow0 = (nt % OWT) * PB;"
        last = "      if (ow0 + j >= OW) break;\n      const int n = oh * OW + ow0 + j;"
    src = f"""{head}__kernel void {name}({param('y', out, True)}, {param('x', x)}, {param('w', wt)}{region.params()}) {{
  const int nt = get_global_id(0), mt = get_global_id(1), bz = get_global_id(2);
  if (nt >= NT) return;
  const int b = bz / G, g = bz % G;
{pix}
  const int xb = (b * CIN + g * CG) * HW;
  const __global {wt.ctype}* restrict wp = w + (g * MT + mt) * K * WM;
  {vt} acc[WM];
  for (int i = 0; i < WM; ++i) acc[i] = ({vt})(0.0f);
{body}
  for (int i = 0; i < WM; ++i) {{
    const int m = mt * WM + i;
    if (m >= M) break;
    float a[PB];
    vstore{pb}(acc[i], 0, a);
    for (int j = 0; j < PB; ++j) {{
{last}
      const int o = (b * COUT + g * M + m) * OHW + n;
      float v = a[j];
{region.code('o')}
      {store('y', out, 'o', 'v')}
    }}
  }}
}}
{tail}"""
    local = LOCAL if nt >= LOCAL else 1
    gsize = ((nt + local - 1) // local * local, mt, nb * groups)
    return KernelCode(name, src, gsize, (local, 1, 1), exec_type)
