"""NonMaxSuppression-5/-9 (hard suppression) as two device kernels.

1. ``nms_select``: one work-group per (batch, class). Candidates above ``score_threshold`` get
   their score in a scratch row; each round a work-group arg-max (ties: lower box index, as the
   reference's heap) picks the best live candidate, which is selected, and every live candidate
   it overlaps (IoU above the threshold; at or above for version 5) is killed. This is the
   reference's greedy order with no sort at all: at most ``max_output_boxes_per_class`` + 1
   rounds, each work-item touching only its own strided share of the row.
2. ``nms_gather``: one work-item per possible output row places its selection: after the
   selections of earlier classes (``sort_result_descending=false``), or at its rank in
   ``(-score, batch, class, box)`` order, found by binary search in every class's already
   descending list. Work-item 0 writes ``valid_outputs``.

The outputs' row count is data-dependent: the buffers hold the static upper bound and the
request reads ``valid_outputs`` back with the outputs and keeps that many rows (``PortInfo``'s
``valid_rows``). The scalar inputs (max boxes, thresholds, ``soft_nms_sigma``) must be constants;
Soft-NMS (sigma > 0) is left to other devices.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyvino import Op

from pyvino_gpu.kernels._common import (
    FLOAT_TYPES,
    KernelCode,
    TensorInfo,
    defines,
    flat_launch,
    lit,
    load,
)
from pyvino_gpu.kernels._common import param as tensor_param
from pyvino_gpu.kernels._support import const_value

DATA_DEPENDENT = {"NonMaxSuppression"}


def nms_scalars(node: Op, value: Any) -> tuple[int, float, float, float]:
    """(max boxes per class, IoU threshold, score threshold, sigma) from constant inputs."""
    found = [value(p) for p in range(2, len(node.inputs))]
    scalars = [float(np.asarray(v).reshape(-1)[0]) for v in found]
    max_out, iou_thr, score_thr, sigma = (scalars + [0.0] * 4)[:4]
    return max(int(max_out), 0), iou_thr, score_thr, sigma


def _corner(box: str, center: bool) -> str:
    """C statements loading box ``{box}`` as ``{box}y1, x1, y2, x2`` (reference corner order)."""
    v = [f"{box}[{k}]" for k in range(4)]
    if center:
        return (
            f"const float {box}y1 = {v[1]} - {v[3]} / 2.0f, {box}x1 = {v[0]} - {v[2]} / 2.0f, "
            f"{box}y2 = {v[1]} + {v[3]} / 2.0f, {box}x2 = {v[0]} + {v[2]} / 2.0f;"
        )
    return (
        f"const float {box}y1 = fmin({v[0]}, {v[2]}), {box}x1 = fmin({v[1]}, {v[3]}), "
        f"{box}y2 = fmax({v[0]}, {v[2]}), {box}x2 = fmax({v[1]}, {v[3]});"
    )


def select_kernel(
    lw: Any,
    node: Op,
    boxes: TensorInfo,
    scores: TensorInfo,
    scratch: dict[str, TensorInfo],
    rows: int,
) -> KernelCode:
    batches, classes, n = scores.shape
    max_out, iou_thr, score_thr, _ = nms_scalars(node, lambda p: lw.value(node, p))
    group = min(lw.max_group, 1 << max(0, (n - 1).bit_length()))
    center = node.attrs["box_encoding"] == "center"
    suppress = ">=" if node.op_version() == 5 else ">"
    head, tail = defines({"N": n, "C": classes, "M": rows, "L": group})
    name = lw.kernel_name("nms_select")
    cur, sel_i, sel_s, counts = (scratch[k] for k in ("cur", "idx", "score", "count"))
    load_box = (
        "for (int k = 0; k < 4; ++k) {v}[k] = " + load("boxes", boxes, "bb + {i} * 4 + k") + ";"
    )
    src = f"""{head}__attribute__((reqd_work_group_size(L, 1, 1)))
__kernel void {name}({tensor_param("cur", cur, True)}, {tensor_param("sel_idx", sel_i, True)}, {tensor_param("sel_score", sel_s, True)}, {tensor_param("counts", counts, True)}, {tensor_param("boxes", boxes)}, {tensor_param("scores", scores)}) {{
  #pragma OPENCL FP_CONTRACT OFF
  const int g = get_group_id(0), lid = get_local_id(0);
  const int bb = (g / C) * N * 4, row = g * N;
  __local float best_v[L];
  __local int best_i[L];
  for (int i = lid; i < N; i += L) {{
    const float s = {load("scores", scores, "row + i")};
    cur[row + i] = s > {lit(score_thr)} ? s : -INFINITY;
  }}
  int count = 0;
  for (; count < M; ++count) {{
    float bv = -INFINITY;
    int bi = N;
    for (int i = lid; i < N; i += L) {{
      const float v = cur[row + i];
      if (v > bv) {{ bv = v; bi = i; }}
    }}
    best_v[lid] = bv;
    best_i[lid] = bi;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = L / 2; s > 0; s >>= 1) {{
      if (lid < s) {{
        const float ov = best_v[lid + s];
        const int oi = best_i[lid + s];
        if (ov > best_v[lid] || (ov == best_v[lid] && oi < best_i[lid])) {{
          best_v[lid] = ov;
          best_i[lid] = oi;
        }}
      }}
      barrier(CLK_LOCAL_MEM_FENCE);
    }}
    const float top = best_v[0];
    const int pick = best_i[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    if (pick >= N) break;
    if (lid == 0) {{
      sel_idx[g * M + count] = pick;
      sel_score[g * M + count] = top;
    }}
    float a[4], o[4];
    {load_box.format(v="a", i="pick")}
    {_corner("a", center)}
    const float area_a = (ay2 - ay1) * (ax2 - ax1);
    for (int i = lid; i < N; i += L) {{
      if (!(cur[row + i] > -INFINITY)) continue;
      {load_box.format(v="o", i="i")}
      {_corner("o", center)}
      const float area_o = (oy2 - oy1) * (ox2 - ox1);
      const float ih = fmax(fmin(ay2, oy2) - fmax(ay1, oy1), 0.0f);
      const float iw = fmax(fmin(ax2, ox2) - fmax(ax1, ox1), 0.0f);
      const float inter = ih * iw;
      const float iou = (area_a <= 0.0f || area_o <= 0.0f) ? 0.0f
                        : inter / (area_a + area_o - inter);
      if (i == pick || iou {suppress} {lit(iou_thr)}) cur[row + i] = -INFINITY;
    }}
  }}
  if (lid == 0) counts[g] = count;
}}
{tail}"""
    return KernelCode(name, src, (batches * classes * group,), (group,), "nms_select_wg")


def gather_kernel(
    lw: Any,
    node: Op,
    outs: list[TensorInfo],
    scratch: dict[str, TensorInfo],
    rows: int,
    classes: int,
) -> KernelCode:
    indices, scores_out, valid = outs
    sel_i, sel_s, counts = (scratch[k] for k in ("idx", "score", "count"))
    groups = counts.shape[0]
    if node.attrs["sort_result_descending"]:
        place = """  int row = j;
  for (int h = 0; h < G; ++h) {
    if (h == g) continue;
    int lo = 0, hi = counts[h];
    while (lo < hi) {  // entries of class list h ranked before this one
      const int mid = (lo + hi) / 2;
      const float v = sel_score[h * M + mid];
      if (v > s || (h < g && v == s)) lo = mid + 1; else hi = mid;
    }
    row += lo;
  }"""
    else:
        place = "  int row = j;\n  for (int h = 0; h < g; ++h) row += counts[h];"
    it = indices.ctype
    head, tail = defines({"G": groups, "M": rows, "C": classes})
    name = lw.kernel_name("nms_gather")
    src = f"""{head}__kernel void {name}({tensor_param("y", indices, True)}, {tensor_param("ys", scores_out, True)}, {tensor_param("valid", valid, True)}, {tensor_param("sel_idx", sel_i)}, {tensor_param("sel_score", sel_s)}, {tensor_param("counts", counts)}) {{
  const int o = get_global_id(0);
  if (o >= G * M) return;
  if (o == 0) {{
    int total = 0;
    for (int h = 0; h < G; ++h) total += counts[h];
    valid[0] = ({it})total;
  }}
  const int g = o / M, j = o % M;
  if (j >= counts[g]) return;
  const float s = sel_score[o];
{place}
  const int b = g / C, c = g % C;
  y[row * 3] = ({it})b;
  y[row * 3 + 1] = ({it})c;
  y[row * 3 + 2] = ({it})sel_idx[o];
  {_store_row(scores_out)}
}}
{tail}"""
    gsize, lsize = flat_launch(groups * rows, 64)
    order = "sorted" if node.attrs["sort_result_descending"] else "by_class"
    return KernelCode(name, src, gsize, lsize, f"nms_gather_{order}")


def _store_row(t: TensorInfo) -> str:
    if t.ctype == "half":
        return (
            "vstore_half((float)b, row * 3, ys); vstore_half((float)c, row * 3 + 1, ys); "
            "vstore_half(s, row * 3 + 2, ys);"
        )
    return "ys[row * 3] = (float)b; ys[row * 3 + 1] = (float)c; ys[row * 3 + 2] = s;"


def lower_nms(lw: Any, node: Op, region: Any) -> list[TensorInfo]:
    boxes, scores = lw.input(node, 0), lw.input(node, 1)
    batches, classes, n = scores.shape
    max_out = nms_scalars(node, lambda p: lw.value(node, p))[0]
    rows = min(n, max_out)
    groups = batches * classes
    scratch = {
        "cur": lw.new((groups, n), "f32", ctype="float"),
        "idx": lw.new((groups, rows), "i32"),
        "score": lw.new((groups, rows), "f32", ctype="float"),
        "count": lw.new((groups,), "i32"),
    }
    select = select_kernel(lw, node, boxes, scores, scratch, rows)
    lw.launch(select, list(scratch.values()), [boxes, scores], node)
    index_type = node.get_output_element_type(0).name
    outs = [
        lw.new((groups * rows, 3), index_type),
        lw.new((groups * rows, 3), "f32"),
        lw.new((1,), index_type),
    ]
    gather = gather_kernel(lw, node, outs, scratch, rows, classes)
    lw.launch(gather, outs, [scratch["idx"], scratch["score"], scratch["count"]], node)
    lw.bounded(outs[0], outs[2])
    lw.bounded(outs[1], outs[2])
    return outs


def _supports_nms(node: Op) -> bool:
    if node.op_version() < 5 or len(node.inputs) < 3:
        return False
    if any(node.input_type(p).name not in FLOAT_TYPES for p in (0, 1)):
        return False
    values = [const_value(node, p) for p in range(2, len(node.inputs))]
    if any(v is None or np.asarray(v).size != 1 for v in values):
        return False
    max_out, _, _, sigma = nms_scalars(node, lambda p: values[p - 2])
    return max_out > 0 and sigma == 0.0


LOWER = {"NonMaxSuppression": lower_nms}
SUPPORTS = {"NonMaxSuppression": _supports_nms}
