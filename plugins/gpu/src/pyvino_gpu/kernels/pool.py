"""MaxPool (1, 8, 14) and AvgPool (1, 14), 1-D and 2-D, with fused epilogues.

Windowed pooling runs one work-item per output (the window is read from cache, pooling is
bandwidth bound). Global pooling (one output per channel, window = whole plane, no padding)
becomes a work-group reduction (see reduce.py). Semantics follow OpenVINO's reference: padding
never wins a max, the first maximum in window order gives the index, and AvgPool divides by the
full kernel size when exclude-pad is false and there is padding, else by the elements inside.
"""

from __future__ import annotations

import math
from typing import Any

from pyvino import Op

from pyvino_gpu.kernels._common import (
    FLOAT_TYPES,
    KernelCode,
    TensorInfo,
    defines,
    flat_launch,
    load,
    param,
    store,
)
from pyvino_gpu.kernels._support import float_data
from pyvino_gpu.kernels.eltwise import Region, exec_suffix
from pyvino_gpu.kernels.reduce import reduction


def pool_geometry(node: Op, x_shape: tuple[int, ...], y_shape: tuple[int, ...]) -> dict[str, int]:
    a = node.attrs
    rank = len(x_shape) - 2
    ks, strides = list(a["kernel"]), list(a["strides"])
    dil = list(a.get("dilations") or [1] * rank)
    ins, outs = list(x_shape[2:]), list(y_shape[2:])
    pb, pe = list(a["pads_begin"]), list(a["pads_end"])
    if a["auto_pad"] == "valid":
        pb, pe = [0] * rank, [0] * rank
    elif a["auto_pad"] in ("same_upper", "same_lower"):
        pb, pe = [], []
        for i in range(rank):
            out = -(-ins[i] // strides[i])
            total = max((out - 1) * strides[i] + (ks[i] - 1) * dil[i] + 1 - ins[i], 0)
            small, large = total // 2, total - total // 2
            pb.append(small if a["auto_pad"] == "same_upper" else large)
            pe.append(large if a["auto_pad"] == "same_upper" else small)
    if rank == 1:
        ks, strides, dil, ins, outs = ([1] + v for v in (ks, strides, dil, ins, outs))
        pb, pe = [0] + pb, [0] + pe
    return {"KH": ks[0], "KW": ks[1], "SH": strides[0], "SW": strides[1], "DH": dil[0],
            "DW": dil[1], "PT": pb[0], "PL": pb[1], "H": ins[0], "W": ins[1], "OH": outs[0],
            "OW": outs[1], "PADDED": int(any(pb) or any(pe))}


def _is_global(g: dict[str, int]) -> bool:
    return (g["OH"] == g["OW"] == 1 and g["KH"] == g["H"] and g["KW"] == g["W"]
            and not g["PADDED"] and g["DH"] == g["DW"] == 1)


def lower_pool(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    x = lw.input(node, 0)
    y_shape = lw.out_shape(node)
    g = pool_geometry(node, x.shape, y_shape)
    is_max = node.type_name == "MaxPool"
    want_index = is_max and node.get_output_size() > 1
    out = lw.new(y_shape, node.get_output_element_type(0).name)
    if _is_global(g) and not want_index:
        nc = x.shape[0] * x.shape[1]
        return [reduction(lw, node, region, "max" if is_max else "mean", x, out,
                          [(nc, False), (g["H"] * g["W"], True)])]
    outs = [out]
    idx = None
    if want_index:
        idx = lw.new(y_shape, node.get_output_element_type(1).name)
        outs.append(idx)
        axis = node.attrs["axis"] % len(x.shape)
        span = math.prod(x.shape[axis:])
    total = math.prod(y_shape)
    consts = dict(g, C=x.shape[1], TOTAL=total)
    head, tail = defines(consts)
    name = lw.kernel_name("maxpool" if is_max else "avgpool")
    exclude = bool(node.attrs.get("exclude-pad", True))
    if is_max:
        init, step = "float acc = -INFINITY; int best = -1;", \
            "if (val > acc) { acc = val; best = xi; }"
        final = "const float pooled = acc;"
    else:
        init, step = "float acc = 0.0f; int cnt = 0;", "acc += val; ++cnt;"
        divisor = "KH * KW" if (not exclude and g["PADDED"]) else "cnt"
        final = f"const float pooled = cnt > 0 ? acc / (float)({divisor}) : 0.0f;"
    index_param = f", {param('ind', idx, True)}" if idx is not None else ""
    index_store = f"ind[o] = best % {span};" if idx is not None else ""
    src = f"""{head}__kernel void {name}({param('y', out, True)}{index_param}, {param('x', x)}{region.params()}) {{
  const int o = get_global_id(0);
  if (o >= TOTAL) return;
  const int ow = o % OW, oh = (o / OW) % OH, plane = o / (OW * OH);
  {init}
  for (int kh = 0; kh < KH; ++kh) {{
    const int ih = oh * SH - PT + kh * DH;
    if (ih < 0 || ih >= H) continue;
    for (int kw = 0; kw < KW; ++kw) {{
      const int iw = ow * SW - PL + kw * DW;
      if (iw < 0 || iw >= W) continue;
      const int xi = (plane * H + ih) * W + iw;
      const float val = {load('x', x, 'xi')};
      {step}
    }}
  }}
  {final}
  float v = pooled;
{region.code('o')}
  {store('y', out, 'o', 'v')}
  {index_store}
}}
{tail}"""
    gsize, lsize = flat_launch(total, 128)
    kind = "max" if is_max else "avg"
    code = KernelCode(name, src, gsize, lsize, f"pool_{kind}_direct" + exec_suffix(region))
    lw.launch(code, outs, [x], node, region)
    return outs


def _supports(node: Op) -> bool:
    if len(node.inputs[0].partial_shape) not in (3, 4):
        return False
    if node.get_output_size() == 1:
        return float_data(node, (0,))
    return node.input_type(0).name in FLOAT_TYPES


LOWER = {"MaxPool": lower_pool, "AvgPool": lower_pool}
SUPPORTS = {"MaxPool": _supports, "AvgPool": _supports}
