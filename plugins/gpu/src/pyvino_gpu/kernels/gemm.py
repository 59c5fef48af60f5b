"""Tiled GEMM template: C[bz, M, N] = A[bz, M, K] @ B[bz, K, N] with pluggable loads and store.

A work-group computes a TM x TN tile of C; each of its LY x LX work-items keeps WM x WN
(up to 8 x 8) accumulators in registers (register blocking; its rows are ty, ty+LY, ... and its columns tx,
tx+LX, ... so local-memory reads are conflict-free and stores coalesced). K is walked in
steps of TK: the group stages a TM x TK tile of A and a TK x TN tile of B in local memory,
each loaded cooperatively in the order that reads global memory contiguously. Bounds checks
are only generated for dimensions that do not divide the tile. Convolution (implicit GEMM:
the B loader computes im2col addresses on the fly) and MatMul use this template.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyvino_gpu.kernels._common import KernelCode, defines


@dataclass(frozen=True)
class Tiles:
    TM: int
    TN: int
    TK: int
    LY: int
    LX: int

    @property
    def WM(self) -> int:
        return self.TM // self.LY

    @property
    def WN(self) -> int:
        return self.TN // self.LX


def choose_tiles(M: int, N: int, K: int, max_group: int = 256) -> Tiles:
    """A tile shape for the problem: 64x64 tiles with 8x8 outputs per work-item for big
    matrices (64 work-items), narrower tiles (4 or 2 outputs per work-item along the thin
    dimension) when M or N is small; deeper K steps when K allows."""
    TM = 64 if M > 32 else 32 if M > 16 else 16
    TN = 64 if N > 32 else 32 if N > 16 else 16
    LY, LX = 8, 8
    while LX * LY > max_group and (LX > 1 or LY > 1):
        if LX >= LY:
            LX //= 2
        else:
            LY //= 2
    TK = 32 if K >= 32 else 16 if K > 8 else 8
    return Tiles(TM, TN, TK, LY, LX)


@dataclass(frozen=True)
class GemmSpec:
    """One GEMM problem. ``load_a`` / ``load_b`` are C statements that set ``val`` from
    (bz, m, k) / (bz, k, n), run only in bounds; ``store`` uses (bz, m, n, acc).
    ``a_k_contiguous`` / ``b_n_contiguous`` say which index walks memory contiguously."""

    M: int
    N: int
    K: int
    batch: int
    params: str
    load_a: str
    load_b: str
    store: str
    a_k_contiguous: bool = True
    b_n_contiguous: bool = True
    prelude: str = ""


def _tile_load(buf: str, rows: str, cols: str, bounds: list[str], load: str, fast: str) -> str:
    """Cooperative load of a (TK x T?) local tile; ``fast`` names the index varying fastest."""
    size_rows, size_cols = rows.split(":")[1], cols.split(":")[1]
    r, c = rows.split(":")[0], cols.split(":")[0]
    if fast == r:
        idx = f"const int {r}{r} = i % {size_rows}, {c}{c} = i / {size_rows};"
    else:
        idx = f"const int {c}{c} = i % {size_cols}, {r}{r} = i / {size_cols};"
    cond = " && ".join(bounds) or "1"
    return f"""    for (int i = tid; i < {size_rows} * {size_cols}; i += LX * LY) {{
      {idx}
      const int {r} = {r}0 + {r}{r}, {c} = {c}0 + {c}{c};
      float val = 0.0f;
      if ({cond}) {{ {load} }}
      {buf}[{c}{c}][{r}{r}] = val;
    }}"""


def gemm_kernel(name: str, spec: GemmSpec, exec_type: str, max_group: int = 256) -> KernelCode:
    t = choose_tiles(spec.M, spec.N, spec.K, max_group)
    consts = {"M": spec.M, "N": spec.N, "K": spec.K, "TM": t.TM, "TN": t.TN, "TK": t.TK,
              "WM": t.WM, "WN": t.WN, "LX": t.LX, "LY": t.LY}
    head, tail = defines(consts)
    m_ok = [] if spec.M % t.TM == 0 else ["m < M"]
    n_ok = [] if spec.N % t.TN == 0 else ["n < N"]
    k_ok = [] if spec.K % t.TK == 0 else ["k < K"]
    load_a = _tile_load("As", "m:TM", "k:TK", m_ok + k_ok, spec.load_a,
                        "k" if spec.a_k_contiguous else "m")
    load_b = _tile_load("Bs", "n:TN", "k:TK", n_ok + k_ok, spec.load_b,
                        "n" if spec.b_n_contiguous else "k")
    out_ok = " && ".join(m_ok + n_ok) or "1"
    src = f"""{head}__kernel __attribute__((reqd_work_group_size(LX, LY, 1)))
void {name}({spec.params}) {{
  __local float As[TK][TM];
  __local float Bs[TK][TN];
  float acc[WM][WN];
  for (int i = 0; i < WM; ++i)
    for (int j = 0; j < WN; ++j) acc[i][j] = 0.0f;
  const int tx = get_local_id(0), ty = get_local_id(1), tid = ty * LX + tx;
  const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM, bz = get_group_id(2);
{spec.prelude}
  for (int k0 = 0; k0 < K; k0 += TK) {{
{load_a}
{load_b}
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int kk = 0; kk < TK; ++kk) {{
      float a[WM], b[WN];
      for (int i = 0; i < WM; ++i) a[i] = As[kk][ty + i * LY];
      for (int j = 0; j < WN; ++j) b[j] = Bs[kk][tx + j * LX];
      for (int i = 0; i < WM; ++i)
        for (int j = 0; j < WN; ++j) acc[i][j] = mad(a[i], b[j], acc[i][j]);
    }}
    barrier(CLK_LOCAL_MEM_FENCE);
  }}
  for (int i = 0; i < WM; ++i) {{
    for (int j = 0; j < WN; ++j) {{
      const int m = m0 + ty + i * LY, n = n0 + tx + j * LX;
      if ({out_ok}) {{
        const float acc_v = acc[i][j];
        {spec.store}
      }}
    }}
  }}
}}
{tail}"""
    gsize = ((spec.N + t.TN - 1) // t.TN * t.LX, (spec.M + t.TM - 1) // t.TM * t.LY, spec.batch)
    return KernelCode(name, src, gsize, (t.LX, t.LY, 1), f"{exec_type}_t{t.TM}x{t.TN}")
