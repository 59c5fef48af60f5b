"""LSTMSequence-1/-5 as two device kernels: the input projection, then the recurrence.

1. ``lstm_input``: ``XW[d, b, t, :] = X[b, t, :] W[d]^T + B[d]`` for every step and direction at
   once (one GEMM-shaped launch, bias folded in, stored as float).
2. ``lstm_steps``: one work-group per (batch row, direction) loops over time. The hidden state
   lives in local memory, each work-item keeps the cell state of its hidden units in registers
   and computes their four gates (``f, i, c, o``, OpenVINO's order) from ``XW`` and ``R h``;
   one barrier pair per step publishes the new ``h``. Reverse directions walk the first
   ``sequence_lengths[b]`` steps backwards; past a row's length ``Y`` is zero and the states
   hold, as in the reference ``evaluate``.

W, R, B (and LSTMSequence-1's peepholes P) must be constants: they are uploaded once, transposed
so that neighbouring work-items read neighbouring weights. Runtime sequence lengths are clamped
to ``[0, seq_len]`` on the device; constant ones out of range are refused when compiling.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyvino import CompilationError, Op

from pyvino_gpu.kernels._common import KernelCode, TensorInfo, defines, lit, load, param, store
from pyvino_gpu.kernels._support import float_data, is_constant

_X, _H0, _C0, _LENGTHS, _W, _R, _B, _P = range(8)
_HARDSIGMOID_DEFAULTS = (0.2, 0.5)


def activation(name: str, alpha: float | None, beta: float | None) -> str:
    """C expression template (``{}`` = the argument) of one recurrent activation."""
    key = name.lower()
    if key == "sigmoid":
        return "(1.0f / (1.0f + exp(-({}))))"
    if key == "tanh":
        return "tanh({})"
    if key == "relu":
        return "fmax({}, 0.0f)"
    a = _HARDSIGMOID_DEFAULTS[0] if alpha is None else alpha
    b = _HARDSIGMOID_DEFAULTS[1] if beta is None else beta
    return f"clamp({lit(a)} * ({{}}) + {lit(b)}, 0.0f, 1.0f)"


def activations(node: Op) -> list[str]:
    """The three activation templates (gates, candidate, output), alpha/beta by position."""
    names = node.attrs["activations"]
    alphas, betas = node.attrs["activations_alpha"], node.attrs["activations_beta"]
    return [
        activation(n, alphas[i] if i < len(alphas) else None, betas[i] if i < len(betas) else None)
        for i, n in enumerate(names)
    ]


def lstm_weights(node: Op, lw: Any) -> tuple[np.ndarray, ...]:
    """W, R, B (and P or None) as float32 in ``fico`` gate order."""
    w, r, b = (np.asarray(lw.value(node, p), np.float32) for p in (_W, _R, _B))
    peep = lw.value(node, _P) if len(node.inputs) > _P else None
    fmt = node.attrs.get("weights_format", "fico")
    if fmt != "fico":
        w, r, b = (_to_fico(v, fmt) for v in (w, r, b))
    return w, r, b, None if peep is None else np.asarray(peep, np.float32)


def _to_fico(weights: np.ndarray, fmt: str) -> np.ndarray:
    blocks = np.split(weights, 4, axis=1)
    return np.concatenate([blocks[fmt.index(g)] for g in "fico"], axis=1)


def _check_lengths(node: Op, lw: Any, steps: int) -> None:
    lengths = lw.value(node, _LENGTHS)
    if lengths is None:
        return
    lengths = np.asarray(lengths).reshape(-1)
    if np.any(lengths < 0) or np.any(lengths > steps):
        raise CompilationError(
            f"GPU: {node.describe()}: input 3 (sequence_lengths) holds "
            f"{lengths.tolist()}, expected values in [0, {steps}]"
        )


def input_projection(lw: Any, node: Op, x: TensorInfo, w: np.ndarray, b: np.ndarray) -> TensorInfo:
    """XW [D, B, T, 4H] (float) = X W^T + B for every direction and step. A work-item computes
    RB rows (steps) of one gate column, so each weight it loads serves RB rows."""
    dirs, gates, inputs = w.shape
    batch, steps = x.shape[0], x.shape[1]
    cpu = getattr(lw, "cpu_device", False)  # W [D, 4H, I]: contiguous dot products on CPUs
    wt = lw.weight(np.ascontiguousarray(w if cpu else np.swapaxes(w, 1, 2)))
    w_at = "(d * G + g) * I + k" if cpu else "(d * I + k) * G + g"
    bias = lw.weight(b)
    xw = lw.new((dirs, batch, steps, gates), "f32", ctype="float")
    rb = min(8, batch * steps)
    blocks = (batch * steps + rb - 1) // rb
    name = lw.kernel_name("lstm_input")
    head, tail = defines({"G": gates, "I": inputs, "BT": batch * steps, "RB": rb})
    src = f"""{head}__kernel void {name}({param("xw", xw, True)}, {param("x", x)}, {param("wt", wt)}, {param("bias", bias)}) {{
  const int g = get_global_id(0), bt0 = get_global_id(1) * RB, d = get_global_id(2);
  if (g >= G) return;
  const float b0 = {load("bias", bias, "d * G + g")};
  float acc[RB];
  for (int r = 0; r < RB; ++r) acc[r] = b0;
  for (int k = 0; k < I; ++k) {{
    const float wk = {load("wt", wt, w_at)};
    for (int r = 0; r < RB; ++r)
      acc[r] = mad({load("x", x, "min(bt0 + r, BT - 1) * I + k")}, wk, acc[r]);
  }}
  for (int r = 0; r < RB && bt0 + r < BT; ++r) xw[(d * BT + bt0 + r) * G + g] = acc[r];
}}
{tail}"""
    local = min(64, lw.max_group)
    gsize = ((gates + local - 1) // local * local, blocks, dirs)
    code = KernelCode(name, src, gsize, (local, 1, 1), "lstm_input_gemm")
    lw.launch(code, [xw], [x, wt, bias], node)
    return xw


def _gate(expr: str, clip: float) -> str:
    return f"clamp({expr}, {lit(-clip)}, {lit(clip)})" if clip > 0 else expr


def _step_body(node: Op, acts: list[str], clip: float, peep: dict[str, str] | None) -> str:
    """C code of one step for hidden unit ``j``: gates from ``pre[4]``, new ``c[u]``/``hn[u]``.
    ``peep``: C expressions of the peephole weights ``pf``, ``pi``, ``po`` of unit ``j``."""
    sig, cand, out = acts
    f_pre, i_pre, o_pre = "pre[0]", "pre[1]", "pre[3]"
    if peep is not None:
        f_pre, i_pre = f"pre[0] + {peep['pf']} * c[u]", f"pre[1] + {peep['pi']} * c[u]"
        o_pre = f"pre[3] + {peep['po']} * cn"
    f = sig.format(_gate(f_pre, clip))
    i = "1.0f - f" if node.attrs.get("input_forget") else sig.format(_gate(i_pre, clip))
    return f"""      const float f = {f};
      const float i = {i};
      const float cn = f * c[u] + i * {cand.format(_gate("pre[2]", clip))};
      const float o = {sig.format(_gate(o_pre, clip))};
      c[u] = cn;
      hn[u] = o * {out.format("cn")};"""


def recurrence(
    lw: Any,
    node: Op,
    xw: TensorInfo,
    outs: list[TensorInfo],
    states: list[TensorInfo],
    lengths: TensorInfo,
    r: np.ndarray,
    peep: np.ndarray | None,
) -> None:
    """The time loop: one work-group per (batch row, direction)."""
    y, h_out, c_out = outs
    batch, dirs, steps, hidden = y.shape
    # GPUs: R^T [D, H, 4H], neighbouring work-items read neighbouring weights; CPU-type
    # devices (PoCL): R [D, 4H, H], each work-item's dot products run over contiguous memory.
    cpu = getattr(lw, "cpu_device", False)
    rt = lw.weight(np.ascontiguousarray(r if cpu else np.swapaxes(r, 1, 2)))
    rows = [
        f"(d * G4 + {q} * H + j) * H + k" if cpu else f"(d * H + k) * G4 + {q} * H + j"
        for q in range(4)
    ]
    reads = [xw, states[0], states[1], lengths, rt]
    group = min(lw.max_group, 1 << max(0, (hidden - 1).bit_length()))
    units = (hidden + group - 1) // group
    reverse = {"forward": "0", "reverse": "1", "bidirectional": "d"}[node.attrs["direction"]]
    peep_params, peep_loads = "", None
    if peep is not None:  # peepholes [D, 3H] in f, i, o order
        p = lw.weight(peep)
        reads.append(p)
        peep_params = f", {param('p', p)}"
        peep_loads = {
            k: load("p", p, f"(d * 3 + {n}) * H + j") for n, k in enumerate(("pf", "pi", "po"))
        }
    body = _step_body(node, activations(node), float(node.attrs["clip"]), peep_loads)
    head, tail = defines(
        {"T": steps, "H": hidden, "D": dirs, "G4": 4 * hidden, "L": group, "U": units}
    )
    state = "(b * D + d) * H + j"
    name = lw.kernel_name("lstm_steps")
    src = f"""{head}__attribute__((reqd_work_group_size(L, 1, 1)))
__kernel void {name}({param("y", y, True)}, {param("ho", h_out, True)}, {param("co", c_out, True)}, {param("xw", xw)}, {param("h0", states[0])}, {param("c0", states[1])}, {param("len", lengths)}, {param("rt", rt)}{peep_params}) {{
  const int lid = get_local_id(0), b = get_group_id(0), d = get_group_id(1);
  const int rev = {reverse};
  const int steps = clamp((int)len[b], 0, T);
  __local float h[H];
  float c[U], hn[U];
  for (int u = 0; u < U; ++u) {{
    const int j = lid + u * L;
    if (j < H) {{
      h[j] = {load("h0", states[0], state)};
      c[u] = {load("c0", states[1], state)};
    }}
  }}
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int t = 0; t < steps; ++t) {{
    const int pos = rev ? steps - 1 - t : t;
    __global const float* g = xw + ((d * {batch} + b) * T + pos) * G4;
    for (int u = 0; u < U; ++u) {{
      const int j = lid + u * L;
      if (j >= H) break;
      float pre[4] = {{g[j], g[H + j], g[2 * H + j], g[3 * H + j]}};
      for (int k = 0; k < H; ++k) {{
        const float hk = h[k];
        pre[0] = mad(hk, {load("rt", rt, rows[0])}, pre[0]);
        pre[1] = mad(hk, {load("rt", rt, rows[1])}, pre[1]);
        pre[2] = mad(hk, {load("rt", rt, rows[2])}, pre[2]);
        pre[3] = mad(hk, {load("rt", rt, rows[3])}, pre[3]);
      }}
{body}
      {store("y", y, "((b * D + d) * T + pos) * H + j", "hn[u]")}
    }}
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int u = 0; u < U; ++u) {{
      const int j = lid + u * L;
      if (j < H) h[j] = hn[u];
    }}
    barrier(CLK_LOCAL_MEM_FENCE);
  }}
  for (int u = 0; u < U; ++u) {{
    const int j = lid + u * L;
    if (j >= H) break;
    for (int pos = steps; pos < T; ++pos) {store("y", y, "((b * D + d) * T + pos) * H + j", "0.0f")}
    {store("ho", h_out, state, "h[j]")}
    {store("co", c_out, state, "c[u]")}
  }}
}}
{tail}"""
    code = KernelCode(name, src, (batch * group, dirs), (group, 1), "lstm_steps_wg")
    lw.launch(code, outs, reads, node)


def lower_lstm_sequence(lw: Any, node: Op, region: Any) -> list[TensorInfo]:
    x = lw.input(node, _X)
    _check_lengths(node, lw, x.shape[1])
    w, r, b, peep = lstm_weights(node, lw)
    xw = input_projection(lw, node, x, w, b)
    outs = [lw.output(node, port) for port in range(3)]
    states = [lw.input(node, _H0), lw.input(node, _C0)]
    recurrence(lw, node, xw, outs, states, lw.input(node, _LENGTHS), r, peep)
    return outs


def _supports_lstm(node: Op) -> bool:
    weights = range(_W, len(node.inputs))
    return (
        float_data(node, (_X, _H0, _C0))
        and all(is_constant(node, p) for p in weights)
        and node.input_type(_LENGTHS).is_integral
    )


LOWER = {"LSTMSequence": lower_lstm_sequence}
SUPPORTS = {"LSTMSequence": _supports_lstm}
