"""Convolution and GroupConvolution (1-D and 2-D): implicit GEMM, and a direct depthwise kernel.

Implicit GEMM per image and group: C[M = C_out/G, N = OH*OW] = W[M, K = C_in/G*KH*KW] @ im2col(x),
where the B tile loader computes the im2col address (and zero padding) on the fly, so no im2col
buffer is ever written; 1x1 stride-1 convolutions read x directly. Depthwise convolution
(C_in/G == 1) runs a direct kernel where each work-item computes OWB neighbouring outputs of
one row, reusing each weight from a register. On CPU-type OpenCL devices (PoCL) the non-depthwise
convolutions run the register-blocked, barrier-free variant of ``conv_cpu.py`` instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyvino import Op

from pyvino_gpu.kernels._common import (
    KernelCode,
    TensorInfo,
    defines,
    flat_launch,
    load,
    param,
    store,
)
from pyvino_gpu.kernels._support import float_data, is_constant
from pyvino_gpu.kernels.conv_cpu import WM as CPU_WM
from pyvino_gpu.kernels.conv_cpu import conv_cpu_kernel, pack_weights
from pyvino_gpu.kernels.eltwise import Region, exec_suffix
from pyvino_gpu.kernels.gemm import GemmSpec, gemm_kernel

OWB = 4  # outputs per work-item in the depthwise kernel


def conv_geometry(node: Op, x_shape: tuple[int, ...], w_shape: tuple[int, ...],
                  y_shape: tuple[int, ...]) -> dict[str, int]:
    """Static sizes of a 1-D/2-D convolution as 2-D (a 1-D one gets H = KH = OH = 1)."""
    a = node.attrs
    rank = len(x_shape) - 2
    ks = list(w_shape[-rank:])
    strides, dil = list(a["strides"]), list(a["dilations"])
    pb = list(a["pads_begin"])
    ins, outs = list(x_shape[2:]), list(y_shape[2:])
    if a.get("auto_pad", "explicit") == "valid":
        pb = [0] * rank
    elif a.get("auto_pad", "explicit") in ("same_upper", "same_lower"):
        pb = []
        for i in range(rank):
            total = max(0, (outs[i] - 1) * strides[i] + (ks[i] - 1) * dil[i] + 1 - ins[i])
            pb.append(total // 2 if a["auto_pad"] == "same_upper" else total - total // 2)
    if rank == 1:
        ks, strides, dil, ins, outs = ([1] + v for v in (ks, strides, dil, ins, outs))
        pb = [0] + pb
    return {"KH": ks[0], "KW": ks[1], "SH": strides[0], "SW": strides[1], "DH": dil[0],
            "DW": dil[1], "PT": pb[0], "PL": pb[1], "H": ins[0], "W": ins[1], "OH": outs[0],
            "OW": outs[1]}


def store_block(out: TensorInfo, region: Region, index: str) -> str:
    """The GEMM store: output index ``o``, the fused region, the typed store."""
    return (f"const int o = {index};\n        float v = acc_v;\n{region.code('o')}\n"
            f"        {store('y', out, 'o', 'v')}")


def lower_convolution(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    x = lw.input(node, 0)
    w = np.asarray(lw.value(node, 1))
    y_shape = lw.out_shape(node)
    grouped = node.type_name == "GroupConvolution"
    groups = w.shape[0] if grouped else 1
    w = w.reshape((groups * w.shape[1],) + w.shape[2:]) if grouped else w
    g = conv_geometry(node, x.shape, w.shape, y_shape)
    nb, c_in, c_out = x.shape[0], x.shape[1], y_shape[1]
    if grouped and w.shape[1] == 1:
        return _depthwise(lw, node, region, x, w, g, nb, c_in, c_out)
    m, cg = c_out // groups, c_in // groups
    k = cg * g["KH"] * g["KW"]
    pointwise = g["KH"] == g["KW"] == g["SH"] == g["SW"] == 1 and g["PT"] == g["PL"] == 0
    if getattr(lw, "cpu_device", False):
        return _conv_cpu(lw, node, region, x, w.reshape(groups, m, k), g, nb, groups, m, cg,
                         pointwise, y_shape)
    wt = lw.weight(w.reshape(groups, m, k))
    out = lw.new(y_shape, node.get_output_element_type(0).name)
    hw, ohw = g["H"] * g["W"], g["OH"] * g["OW"]
    if pointwise:
        load_b = f"val = {load('x', x, 'xb + k * HW + n')};"
    else:
        load_b = f"""const int ci = k / KHW, kr = k % KHW, kh = kr / KW, kw = kr % KW;
        const int ih = (n / OW) * SH - PT + kh * DH, iw = (n % OW) * SW - PL + kw * DW;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) val = {load('x', x, 'xb + (ci * H + ih) * W + iw')};"""
    consts = {k_: v for k_, v in g.items() if k_ not in ("OH",)}
    consts.update(KHW=g["KH"] * g["KW"], HW=hw, G=groups, CIN=c_in, COUT=c_out, CG=cg)
    head, tail = defines(consts)
    spec = GemmSpec(
        M=m, N=ohw, K=k, batch=nb * groups,
        params=f"{param('y', out, True)}, {param('x', x)}, {param('w', wt)}{region.params()}",
        load_a=f"val = {load('w', wt, 'wb + m * K + k')};",
        load_b=load_b,
        store=store_block(out, region, "yb + m * " + str(ohw) + " + n"),
        prelude=("  const int b = bz / G, g = bz % G;\n"
                 "  const int xb = (b * CIN + g * CG) * HW, wb = g * M * K,"
                 " yb = (b * COUT + g * M) * " + str(ohw) + ";"),
    )
    name = lw.kernel_name("conv")
    code = gemm_kernel(name, spec, "conv_igemm" + ("_1x1" if pointwise else "")
                       + exec_suffix(region), lw.max_group)
    code = KernelCode(code.name, head + code.source + tail, code.global_size, code.local_size,
                      code.exec_type)
    lw.launch(code, [out], [x, wt], node, region)
    return [out]


def _conv_cpu(lw: Any, node: Op, region: Region, x: TensorInfo, w: np.ndarray,
              g: dict[str, int], nb: int, groups: int, m: int, cg: int, pointwise: bool,
              y_shape: tuple[int, ...]) -> list[TensorInfo]:
    """The CPU-device variant (``conv_cpu.py``): register-blocked, vectorised, no local memory."""
    packed, mt = pack_weights(w, g["KH"] * g["KW"])
    wt = lw.weight(packed)
    out = lw.new(y_shape, node.get_output_element_type(0).name)
    exec_type = f"conv_cpu{exec_suffix(region)}_w{CPU_WM}" + ("_1x1" if pointwise else "")
    code = conv_cpu_kernel(lw, lw.kernel_name("conv"), out, x, wt, region, g, nb, groups, m,
                           cg, mt, pointwise, exec_type)
    lw.launch(code, [out], [x, wt], node, region)
    return [out]


def _depthwise(lw: Any, node: Op, region: Region, x: TensorInfo, w: np.ndarray,
               g: dict[str, int], nb: int, c_in: int, c_out: int) -> list[TensorInfo]:
    wt = lw.weight(w.reshape(c_out, g["KH"] * g["KW"]))
    out = lw.new(lw.out_shape(node), node.get_output_element_type(0).name)
    owb = min(OWB, g["OW"])
    owt = (g["OW"] + owb - 1) // owb
    total = nb * c_out * g["OH"] * owt
    consts = dict(g, OWB=owb, OWT=owt, COUT=c_out, CIN=c_in, MULT=c_out // c_in, TOTAL=total)
    head, tail = defines(consts)
    name = lw.kernel_name("dwconv")
    src = f"""{head}__kernel void {name}({param('y', out, True)}, {param('x', x)}, {param('w', wt)}{region.params()}) {{
  const int gid = get_global_id(0);
  if (gid >= TOTAL) return;
  const int ow0 = (gid % OWT) * OWB;
  int t = gid / OWT;
  const int oh = t % OH; t /= OH;
  const int co = t % COUT, b = t / COUT;
  const int xb = (b * CIN + co / MULT) * H * W, wb = co * KH * KW;
  float acc[OWB];
  for (int j = 0; j < OWB; ++j) acc[j] = 0.0f;
  for (int kh = 0; kh < KH; ++kh) {{
    const int ih = oh * SH - PT + kh * DH;
    if (ih < 0 || ih >= H) continue;
    for (int kw = 0; kw < KW; ++kw) {{
      const float wv = {load('w', wt, 'wb + kh * KW + kw')};
      for (int j = 0; j < OWB; ++j) {{
        const int iw = (ow0 + j) * SW - PL + kw * DW;
        if (iw >= 0 && iw < W) acc[j] = mad({load('x', x, 'xb + ih * W + iw')}, wv, acc[j]);
      }}
    }}
  }}
  for (int j = 0; j < OWB; ++j) {{
    if (ow0 + j >= OW) break;
    const int o = ((b * COUT + co) * OH + oh) * OW + ow0 + j;
    float v = acc[j];
{region.code('o')}
    {store('y', out, 'o', 'v')}
  }}
}}
{tail}"""
    gsize, lsize = flat_launch(total, 64)
    code = KernelCode(name, src, gsize, lsize, f"dwconv_direct_owb{owb}" + exec_suffix(region))
    lw.launch(code, [out], [x, wt], node, region)
    return [out]


def _supports(node: Op) -> bool:
    rank = len(node.inputs[0].partial_shape)
    return rank in (3, 4) and is_constant(node, 1) and float_data(node, (0, 1))


LOWER = {"Convolution": lower_convolution, "GroupConvolution": lower_convolution}
SUPPORTS = {"Convolution": _supports, "GroupConvolution": _supports}
