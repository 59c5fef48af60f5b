"""Data movement: views, index-map copies, Pad, Concat and Gather.

Reshape, Squeeze and Unsqueeze are views (no kernel). Transpose, StridedSlice, Slice, Split,
VariadicSplit, Broadcast, Tile and Gather with constant indices are index maps: the op's own
reference ``evaluate`` applied to ``arange`` gives the source position of every output element;
that map is factored into one term per output axis (arithmetic when affine, a small
``__constant`` table otherwise), so the generated kernel is a single gather with the shapes
baked in. A map that does not factor falls back to a full index table. Elements move as raw
bits (half as ushort), so these ops work for every element type.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pyvino import Op

from pyvino_gpu.kernels._common import KernelCode, TensorInfo, coord, flat_launch, param, strides
from pyvino_gpu.kernels._support import is_constant
from pyvino_gpu.kernels.eltwise import Region

Term = tuple[int, int, Any]  # (out stride, size, int step or offset table)


def axis_terms(shape: tuple[int, ...], tables: list[np.ndarray]) -> list[Term]:
    """Per-output-axis offset tables as kernel terms: affine ones become arithmetic, and
    neighbouring affine axes that continue each other (a contiguous run) merge into one."""
    out_strides = strides(shape)
    terms: list[Term] = []
    for axis, size in enumerate(shape):
        if size == 1:
            continue
        table = np.asarray(tables[axis], dtype=np.int64)
        step = int(table[1])
        affine = table[0] == 0 and np.array_equal(table, np.arange(size, dtype=np.int64) * step)
        term: Term = (out_strides[axis], size, step if affine else table)
        last = terms[-1] if terms else None
        if last is not None and isinstance(last[2], int) and isinstance(term[2], int) \
                and last[2] == term[2] * size and last[0] == term[0] * size:
            terms[-1] = (term[0], last[1] * size, term[2])
        else:
            terms.append(term)
    return terms


def factor_map(index: np.ndarray) -> tuple[int, list[Term]] | None:
    """(base, terms) with index == base + one term per output axis, or None."""
    shape = index.shape
    base = int(index.reshape(-1)[0])
    tables, total = [], np.full(shape, base, dtype=np.int64)
    for axis, size in enumerate(shape):
        pick = tuple(slice(None) if a == axis else 0 for a in range(len(shape)))
        table = index[pick].astype(np.int64) - base
        total = total + table.reshape([size if a == axis else 1 for a in range(len(shape))])
        tables.append(table)
    if not np.array_equal(total, index):
        return None
    return base, axis_terms(shape, tables)


def gather_kernel(lw: Any, name: str, out: TensorInfo, x: TensorInfo, index: np.ndarray | None,
                  factored: tuple[int, list[Term]] | None = None,
                  fill: str | None = None) -> tuple[KernelCode, list[TensorInfo]]:
    """Kernel for out[o] = x[source(o)]: ``factored`` (base, terms) if given, else factored from
    ``index`` or, when that fails, read from a full index table. A negative table entry means
    ``fill``. Returns the code and the extra tensors it reads."""
    total = out.numel
    if factored is None and index is not None:
        factored = factor_map(index)
    extra: list[TensorInfo] = []
    tables, lines = [], []
    guard = f"if (t < 0) {{ y[o] = {fill}; return; }} " if fill else ""
    if factored is None:
        assert index is not None
        extra.append(lw.weight(index.astype(np.int32).reshape(-1), "i32"))
        lines.append(f"{{ const int t = tab[o]; {guard}s += t; }}")
        base = 0
    else:
        base, terms = factored
        for n, (stride, size, step) in enumerate(terms):
            c = coord("o", stride, size, outermost=stride * size == total)
            if isinstance(step, int):
                lines.append(f"s += {c} * {step};" if step != 1 else f"s += {c};")
                continue
            values = ", ".join(str(int(v)) for v in step)
            tables.append(f"__constant int {name}_t{n}[{size}] = {{{values}}};")
            lines.append(f"{{ const int t = {name}_t{n}[{c}]; {guard}s += t; }}")
    tab_param = f", {param('tab', extra[0])}" if extra else ""
    body = "\n  ".join(lines)
    src = "\n".join(tables) + f"""
__kernel void {name}({param('y', out, True, raw=True)}, {param('x', x, raw=True)}{tab_param}) {{
  const int o = get_global_id(0);
  if (o >= {total}) return;
  int s = {base};
  {body}
  y[o] = x[s];
}}
"""
    gsize, lsize = flat_launch(total, 256)
    kind = "table" if extra else "factored"
    return KernelCode(name, src, gsize, lsize, f"copy_{kind}"), extra


def _is_identity(index: np.ndarray, numel: int) -> bool:
    return index.size == numel and np.array_equal(index.reshape(-1), np.arange(numel))


def lower_index_map(lw: Any, node: Op, region: Region) -> list[TensorInfo | None]:
    x = lw.input(node, 0)
    params = [lw.value(node, i) for i in range(1, len(node.inputs))]
    try:
        maps = node.evaluate(np.arange(x.numel, dtype=np.int64).reshape(x.shape), *params)
    except Exception:  # an evaluate that insists on a float input: positions are exact in f64
        maps = node.evaluate(np.arange(x.numel, dtype=np.float64).reshape(x.shape), *params)
    outs: list[TensorInfo | None] = []
    for port, index in enumerate(maps):
        if not lw.is_used(node, port):
            outs.append(None)
            continue
        index = np.asarray(index, dtype=np.int64).reshape(lw.out_shape(node, port))
        if _is_identity(index, x.numel):
            outs.append(lw.view(x, index.shape))
            continue
        out = lw.new(index.shape, node.get_output_element_type(port).name)
        code, extra = gather_kernel(lw, lw.kernel_name("copy"), out, x, index)
        lw.launch(code, [out], [x, *extra], node)
        outs.append(out)
    return outs


def lower_view(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    return [lw.view(lw.input(node, 0), lw.out_shape(node))]


def fill_value(t: TensorInfo, value: float) -> str:
    """The raw C literal of ``value`` stored as ``t``'s type."""
    if t.ctype == "half":
        return str(int(np.float16(value).view(np.uint16)))
    if t.ctype == "float":
        return f"{float(value)!r}f".replace("inf", "INFINITY").replace("nan", "NAN")
    return str(int(value))


def lower_pad(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    x = lw.input(node, 0)
    begins = [int(v) for v in np.asarray(lw.value(node, 1)).reshape(-1)]
    ends = [int(v) for v in np.asarray(lw.value(node, 2)).reshape(-1)]
    mode = node.attrs["pad_mode"]
    value = lw.value(node, 3) if len(node.inputs) > 3 else None
    in_strides = strides(x.shape)
    tables = []
    for axis, size in enumerate(x.shape):
        idx = np.arange(size)
        b, e = begins[axis], ends[axis]
        idx = idx[max(0, -b): size - max(0, -e)]  # negative pads crop
        width = (max(0, b), max(0, e))
        idx = np.pad(idx, width, constant_values=-1) if mode == "constant" \
            else np.pad(idx, width, mode=mode)
        tables.append(np.where(idx < 0, -1, idx * in_strides[axis]))
    out = lw.output(node)
    fill = fill_value(out, float(np.asarray(value).reshape(-1)[0]) if value is not None else 0.0)
    code, extra = gather_kernel(lw, lw.kernel_name("pad"), out, x, None,
                                (0, axis_terms(out.shape, tables)), fill)
    lw.launch(code, [out], [x, *extra], node)
    return [out]


def lower_concat(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    out = lw.output(node)
    axis = node.attrs["axis"] % len(out.shape)
    inner = math.prod(out.shape[axis + 1:])
    size = out.shape[axis]
    ins = [lw.input(node, i) for i in range(len(node.inputs))]
    branches, offset = [], 0
    for n, t in enumerate(ins):
        length = t.shape[axis]
        if length == 0:
            continue
        cond = f"if (a < {offset + length})" if n < len(ins) - 1 else ""
        branches.append(f"{'else ' if branches else ''}{cond} y[o] = "
                        f"x{n}[(outer * {length} + a - {offset}) * {inner} + i];")
        offset += length
    name = lw.kernel_name("concat")
    params = ", ".join(param(f"x{n}", t, raw=True) for n, t in enumerate(ins))
    body = "\n  ".join(branches)
    src = f"""
__kernel void {name}({param('y', out, True, raw=True)}, {params}) {{
  const int o = get_global_id(0);
  if (o >= {out.numel}) return;
  const int i = o % {inner}, a = (o / {inner}) % {size}, outer = o / ({inner * size});
  {body}
}}
"""
    gsize, lsize = flat_launch(out.numel, 256)
    lw.launch(KernelCode(name, src, gsize, lsize, f"concat_{len(ins)}"), [out], ins, node)
    return [out]


def lower_gather(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    if lw.value(node, 1) is not None:
        return lower_index_map(lw, node, region)
    x, ind = lw.input(node, 0), lw.input(node, 1)
    out = lw.output(node)
    axis = int(np.asarray(lw.value(node, 2)).reshape(-1)[0]) % len(x.shape)
    b = node.attrs.get("batch_dims", 0) % (len(ind.shape) + 1) if ind.shape else 0
    outer, size, inner = (math.prod(x.shape[b:axis]), x.shape[axis],
                          math.prod(x.shape[axis + 1:]))
    p = math.prod(ind.shape[b:])
    name = lw.kernel_name("gather")
    src = f"""
__kernel void {name}({param('y', out, True, raw=True)}, {param('x', x, raw=True)}, {param('ind', ind)}) {{
  const int o = get_global_id(0);
  if (o >= {out.numel}) return;
  const int i = o % {inner}, p = (o / {inner}) % {p}, t = o / ({inner * p});
  const int outer = t % {outer}, bi = t / {outer};
  long k = (long)ind[bi * {p} + p];
  if (k < 0) k += {size};
  y[o] = (k >= 0 && k < {size}) ? x[((bi * {outer} + outer) * {size} + (int)k) * {inner} + i] : 0;
}}
"""
    gsize, lsize = flat_launch(out.numel, 256)
    lw.launch(KernelCode(name, src, gsize, lsize, "gather_runtime"), [out], [x, ind], node)
    return [out]


def _constant_inputs(node: Op) -> bool:
    return all(is_constant(node, i) for i in range(1, len(node.inputs)))


INDEX_MAP_OPS = ["Transpose", "StridedSlice", "Slice", "Split", "VariadicSplit", "Broadcast",
                 "Tile"]
LOWER = {
    **{op: lower_index_map for op in INDEX_MAP_OPS},
    "Reshape": lower_view, "Squeeze": lower_view, "Unsqueeze": lower_view,
    "Pad": lower_pad, "Concat": lower_concat, "Gather": lower_gather,
}
SUPPORTS = {
    **{op: _constant_inputs for op in INDEX_MAP_OPS},
    "Reshape": lambda n: True, "Squeeze": lambda n: True, "Unsqueeze": lambda n: True,
    "Pad": lambda n: _constant_inputs(n) and n.attrs.get("pad_mode") in (
        "constant", "edge", "reflect", "symmetric"),
    "Concat": lambda n: True,
    "Gather": lambda n: is_constant(n, 2) and n.input_type(1).name in ("i32", "i64"),
}
