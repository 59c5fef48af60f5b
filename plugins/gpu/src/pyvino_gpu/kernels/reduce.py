"""Work-group reductions: Reduce{Mean,Sum,Max,Min,Prod,L1,L2}, Softmax, LogSoftmax, MVN.

The input is seen as runs of kept and reduced axes (adjacent axes of one kind are merged), so
any axis set works and the common cases (last axis, H*W of NCHW) reduce to ``j * R + r``. One
work-group of L work-items (a power of two) owns one output row: each work-item folds a strided
share of the R reduced elements, then a tree in local memory combines the L partial results.
Short rows (R <= 32) use one work-item per row instead.
"""

from __future__ import annotations

import math
from typing import Any

from pyvino import Op

from pyvino_gpu.kernels._common import (
    KernelCode,
    TensorInfo,
    coord,
    flat_launch,
    lit,
    load,
    param,
    store,
)
from pyvino_gpu.kernels._support import const_value, float_data, is_constant
from pyvino_gpu.kernels.eltwise import Region, exec_suffix

Dims = list[tuple[int, bool]]  # (size, reduced) from outermost to innermost

# op -> (init, per-element map of `val`, combine of a and b, final from `acc`)
REDUCERS = {
    "sum": ("0.0f", "val", "{a} + {b}", "acc"),
    "mean": ("0.0f", "val", "{a} + {b}", "acc / (float)R"),
    "max": ("-INFINITY", "val", "fmax({a}, {b})", "acc"),
    "min": ("INFINITY", "val", "fmin({a}, {b})", "acc"),
    "prod": ("1.0f", "val", "{a} * {b}", "acc"),
    "l1": ("0.0f", "fabs(val)", "{a} + {b}", "acc"),
    "l2": ("0.0f", "val * val", "{a} + {b}", "sqrt(acc)"),
}


def merge_dims(shape: tuple[int, ...], reduced_axes: set[int]) -> Dims:
    dims: Dims = []
    for axis, size in enumerate(shape):
        if size == 1:
            continue
        red = axis in reduced_axes
        if dims and dims[-1][1] == red:
            dims[-1] = (dims[-1][0] * size, red)
        else:
            dims.append((size, red))
    return dims or [(1, False)]


def input_index(dims: Dims) -> str:
    """C expression of the input index from output row ``j`` and reduced position ``r``."""
    terms, in_stride = [], 1
    kept_total = math.prod(s for s, red in dims if not red)
    red_total = math.prod(s for s, red in dims if red)
    kept_stride = red_stride = 1
    for size, red in reversed(dims):
        var, stride, total = ("r", red_stride, red_total) if red else ("j", kept_stride, kept_total)
        c = coord(var, stride, size, outermost=stride * size == total)
        terms.append(c if in_stride == 1 else f"{c} * {in_stride}")
        in_stride *= size
        if red:
            red_stride *= size
        else:
            kept_stride *= size
    return "(" + " + ".join(reversed(terms)) + ")"


def _group_size(dims: Dims, max_group: int) -> int:
    r = math.prod(s for s, red in dims if red)
    if r <= 32:
        return 1
    return max(32, min(256, max_group, 1 << (r - 1).bit_length()))


def _tree(var: str, combine: str, lsize: int) -> str:
    """C code combining ``var`` over the work-group; every work-item ends with the result."""
    if lsize == 1:
        return ""
    op = combine.format(a="scratch[lid]", b="scratch[lid + s]")
    return f"""  scratch[lid] = {var};
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = {lsize // 2}; s > 0; s >>= 1) {{
    if (lid < s) scratch[lid] = {op};
    barrier(CLK_LOCAL_MEM_FENCE);
  }}
  {var} = scratch[0];
  barrier(CLK_LOCAL_MEM_FENCE);"""


def _kernel(name: str, out: TensorInfo, x: TensorInfo, region: Region, dims: Dims, lsize: int,
            body: str, exec_type: str) -> KernelCode:
    rows = math.prod(s for s, red in dims if not red)
    r = math.prod(s for s, red in dims if red)
    if lsize == 1:
        head = f"  const int j = get_global_id(0), lid = 0;\n  if (j >= {rows}) return;"
        attr, scratch = "", ""
        gsize, local = flat_launch(rows, 64)
    else:
        head = "  const int j = get_group_id(0), lid = get_local_id(0);"
        attr = f"__attribute__((reqd_work_group_size({lsize}, 1, 1)))\n"
        scratch = f"  __local float scratch[{lsize}];\n"
        gsize, local = (rows * lsize,), (lsize,)
    src = f"""#define R {r}
#define L {lsize}
#define IDX(j, r) {input_index(dims)}
{attr}__kernel void {name}({param('y', out, True)}, {param('x', x)}{region.params()}) {{
{scratch}{head}
{body}
}}
#undef R
#undef L
#undef IDX
"""
    mode = "wg" if lsize > 1 else "serial"
    return KernelCode(name, src, gsize, local, f"{exec_type}_{mode}" + exec_suffix(region))


def reduction(lw: Any, node: Op, region: Region, op: str, x: TensorInfo, out: TensorInfo,
              dims: Dims) -> TensorInfo:
    init, mapped, combine, final = REDUCERS[op]
    lsize = _group_size(dims, lw.max_group)
    body = f"""  float acc = {init};
  for (int r = lid; r < R; r += L) {{
    const float val = {load('x', x, 'IDX(j, r)')};
    acc = {combine.format(a="acc", b=mapped)};
  }}
{_tree("acc", combine, lsize)}
  if (lid == 0) {{
    const int o = j;
    float v = {final};
{region.code('o')}
    {store('y', out, 'o', 'v')}
  }}"""
    code = _kernel(lw.kernel_name("reduce"), out, x, region, dims, lsize, body, f"reduce_{op}")
    lw.launch(code, [out], [x], node, region)
    return out


def _normalize(lw: Any, node: Op, region: Region, dims: Dims, stats: list[tuple[str, str, str]],
               finish: str, x: TensorInfo | None = None, kind: str = "") -> TensorInfo:
    """Softmax/MVN: statistics over the reduced axes, then every element is rewritten.
    ``stats``: (C statements accumulating over r, variable, combine) in order."""
    x = x or lw.input(node, 0)
    out = lw.new(lw.out_shape(node), node.get_output_element_type(0).name)
    lsize = _group_size(dims, lw.max_group)
    prep = "\n".join(f"{code}\n{_tree(var, combine, lsize) if var else ''}"
                     for code, var, combine in stats)
    body = f"""{prep}
  for (int r = lid; r < R; r += L) {{
    const int o = IDX(j, r);
    const float val = {load('x', x, 'o')};
    float v = {finish};
{region.code('o')}
    {store('y', out, 'o', 'v')}
  }}"""
    kind = kind or node.type_name.lower()
    code = _kernel(lw.kernel_name(kind), out, x, region, dims, lsize, body, kind)
    lw.launch(code, [out], [x], node, region)
    return out


def lower_softmax(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    shape = tuple(node.input_shape(0).to_shape())
    axis = node.attrs["axis"] % len(shape)
    x = lw.input(node, 0)
    read = load("x", x, "IDX(j, r)")
    stats = [
        (f"  float mx = -INFINITY;\n  for (int r = lid; r < R; r += L) mx = fmax(mx, {read});",
         "mx", "fmax({a}, {b})"),
        (f"  float total = 0.0f;\n  for (int r = lid; r < R; r += L) total += exp({read} - mx);",
         "total", "{a} + {b}"),
    ]
    finish = "val - mx - log(total)" if node.type_name == "LogSoftmax" else "exp(val - mx) / total"
    return [_normalize(lw, node, region, merge_dims(shape, {axis}), stats, finish)]


def _mvn_axes(node: Op, rank: int) -> set[int]:
    if len(node.inputs) == 1:  # MVN-2: reduction_axes, else spatial (+ channels) axes
        if node.attrs.get("reduction_axes"):
            return {int(a) % rank for a in node.attrs["reduction_axes"]}
        return set(range(1 if node.attrs.get("across_channels") else 2, rank))
    return {int(a) % rank for a in const_value(node, 1).reshape(-1)}


def lower_mvn(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    shape = tuple(node.input_shape(0).to_shape())
    inside = str(node.attrs.get("eps_mode", "inside_sqrt")).lower() != "outside_sqrt"
    return [mean_variance(lw, node, region, lw.input(node, 0), _mvn_axes(node, len(shape)),
                          float(node.attrs.get("eps", 1e-9)), inside,
                          bool(node.attrs.get("normalize_variance", True)))]


def mean_variance(lw: Any, node: Op, region: Region, x: TensorInfo, axes: set[int], eps: float,
                  inside: bool = True, normalize_variance: bool = True,
                  kind: str = "mvn") -> TensorInfo:
    """(x - mean) / sqrt(var + eps) over ``axes`` (MVN, and the fused LayerNorm pattern)."""
    read = load("x", x, "IDX(j, r)")
    stats = [(f"  float mean = 0.0f;\n  for (int r = lid; r < R; r += L) mean += {read};",
              "mean", "{a} + {b}")]
    finish = "val - mean"
    if normalize_variance:
        stats.append((f"  mean /= (float)R;\n  float var = 0.0f;\n"
                      f"  for (int r = lid; r < R; r += L) {{ const float d = {read} - mean; "
                      f"var += d * d; }}", "var", "{a} + {b}"))
        e = lit(eps)
        inv = f"rsqrt(var / (float)R + {e})" if inside else f"1.0f / (sqrt(var / (float)R) + {e})"
        finish = f"(val - mean) * ({inv})"
    else:
        stats.append(("  mean /= (float)R;", "", ""))
    return _normalize(lw, node, region, merge_dims(x.shape, axes), stats, finish, x, kind)


def lower_reduce(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    shape = tuple(node.input_shape(0).to_shape())
    axes = {int(a) % len(shape) for a in const_value(node, 1).reshape(-1)}
    x = lw.input(node, 0)
    out = lw.new(lw.out_shape(node), node.get_output_element_type(0).name)
    op = node.type_name.removeprefix("Reduce").lower()
    return [reduction(lw, node, region, op, x, out, merge_dims(shape, axes))]


def _supports_reduce(node: Op) -> bool:
    value = const_value(node, 1)
    return is_constant(node, 1) and value is not None and value.size > 0 \
        and float_data(node, (0,)) and len(node.input_shape(0)) > 0


def _supports_mvn(node: Op) -> bool:
    if len(node.inputs) > 1 and const_value(node, 1) is None:
        return False
    return float_data(node, (0,))


REDUCE_OPS = ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
              "ReduceL2"]
LOWER = {**{op: lower_reduce for op in REDUCE_OPS}, "Softmax": lower_softmax,
         "LogSoftmax": lower_softmax, "MVN": lower_mvn}
SUPPORTS = {**{op: _supports_reduce for op in REDUCE_OPS},
            "Softmax": lambda n: float_data(n, (0,)), "LogSoftmax": lambda n: float_data(n, (0,)),
            "MVN": _supports_mvn}
