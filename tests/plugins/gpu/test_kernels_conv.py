"""Convolution kernels (implicit GEMM, 1x1, grouped, depthwise, 1-D) against a numpy oracle."""

from __future__ import annotations

import numpy as np
import pyvino

ops = pyvino.opset8


def on_cpu_device() -> bool:
    """Is the test device CPU-type OpenCL (PoCL), where the CPU kernel variants are picked?"""
    from pyvino_gpu._devices import devices

    return devices()[0].is_cpu


def conv_ref(x: np.ndarray, w: np.ndarray, stride: tuple[int, int], dil: tuple[int, int],
             pb: tuple[int, int], pe: tuple[int, int], groups: int = 1) -> np.ndarray:
    """Direct convolution: one multiply-add per kernel tap, vectorised over the output."""
    n, c, h, wd = x.shape
    cout, cg, kh, kw = w.shape
    xp = np.pad(x.astype(np.float64), [(0, 0), (0, 0), (pb[0], pe[0]), (pb[1], pe[1])])
    oh = (h + pb[0] + pe[0] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + pb[1] + pe[1] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, cout, oh, ow))
    per_group = cout // groups
    for co in range(cout):
        g = co // per_group
        for i in range(kh):
            for j in range(kw):
                rows = slice(i * dil[0], i * dil[0] + stride[0] * (oh - 1) + 1, stride[0])
                cols = slice(j * dil[1], j * dil[1] + stride[1] * (ow - 1) + 1, stride[1])
                patch = xp[:, g * cg:(g + 1) * cg, rows, cols]
                out[:, co] += np.einsum("nchw,c->nhw", patch, w[co, :, i, j])
    return out


def attrs(stride=(1, 1), dil=(1, 1), pb=(0, 0), pe=(0, 0)) -> dict:
    return {"strides": list(stride), "dilations": list(dil), "pads_begin": list(pb),
            "pads_end": list(pe)}


def test_convolution_family(gpu, rand, precision, kernel_variant) -> None:
    """Odd sizes everywhere (none divides a GEMM tile), batch 2, several geometries at once."""
    x = ops.parameter([2, 6, 13, 11], "f32", name="x")
    xv = rand(2, 6, 13, 11)
    cases = [  # (weights, attrs, groups)
        (rand(5, 6, 3, 3), attrs(pb=(1, 1), pe=(1, 1)), 1),
        (rand(10, 6, 3, 2), attrs((2, 1), (1, 2), (1, 0), (0, 2)), 1),
        (rand(17, 6, 1, 1), attrs(), 1),
        (rand(70, 6, 1, 1), attrs((2, 2)), 1),
        (rand(9, 2, 3, 3), attrs(pb=(1, 1), pe=(1, 1)), 3),  # grouped GEMM
        (rand(6, 1, 3, 3), attrs((2, 2), pb=(1, 1), pe=(1, 1)), 6),  # depthwise
        (rand(12, 1, 5, 5), attrs(dil=(2, 1), pb=(4, 2), pe=(4, 2)), 6),  # depthwise x2
    ]
    outs, expected = [], []
    for w, a, groups in cases:
        if groups == 1:
            outs.append(ops.convolution(x, w, **a))
        else:
            w5 = w.reshape(groups, w.shape[0] // groups, *w.shape[1:])
            outs.append(ops.group_convolution(x, w5, **a))
        expected.append(conv_ref(xv, w, a["strides"], a["dilations"], a["pads_begin"],
                                 a["pads_end"], groups))
    model = pyvino.Model(outs, [x], "convs")
    compiled = gpu.check(model, [xv], expected, precision)
    kinds = [launch.exec_type for launch in compiled.backend.plan.launches]
    family = "conv_cpu" if kernel_variant == "device" and on_cpu_device() else "conv_igemm"
    assert sum(k.startswith(family) for k in kinds) == 5
    assert sum(k.startswith("dwconv") for k in kinds) == 2


def test_conv1d_and_fused_epilogue(gpu, rand, kernel_variant) -> None:
    """1-D convolution; conv + bias + ReLU + residual add run as one kernel."""
    x = ops.parameter([1, 4, 23], "f32", name="x")
    w, bias = rand(4, 4, 3), rand(1, 4, 1)
    conv = ops.convolution(x, w, **{**attrs(), "strides": [1], "dilations": [1],
                                    "pads_begin": [1], "pads_end": [1]})
    y = ops.add(ops.relu(ops.add(conv, bias)), x)
    xv = rand(1, 4, 23)
    ref = conv_ref(xv[:, :, None], w[:, :, None], (1, 1), (1, 1), (0, 1), (0, 1))[:, :, 0]
    expected = np.maximum(ref + bias, 0) + xv
    compiled = gpu.check(pyvino.Model([y], [x], "conv1d"), [xv], [expected])
    (launch,) = compiled.backend.plan.launches
    assert [t for _, t in launch.fused] == ["Add", "Relu", "Add"]


def test_cpu_variant_paths_at_odd_sizes(gpu, rand, precision, kernel_variant) -> None:
    """Every load path of the CPU-device convolution (contiguous and gathered rows, stride 1 and
    2, 16- and 8-pixel blocks, the last-plane bound, flattened 1x1 with a ragged tail), and the
    same model on the tiled kernels; odd channel counts pad the 8-channel register block."""
    x = ops.parameter([2, 11, 21, 37], "f32", name="x")
    s = ops.parameter([1, 5, 9, 15], "f32", name="s")
    xv, sv = rand(2, 11, 21, 37), rand(1, 5, 9, 15)
    cases = [  # (input, value, weights, attrs)
        (x, xv, rand(13, 11, 3, 3), attrs(pb=(1, 1), pe=(1, 1))),
        (x, xv, rand(9, 11, 3, 3), attrs((2, 2), pb=(1, 1), pe=(1, 1))),
        (x, xv, rand(19, 11, 1, 1), attrs((2, 2))),
        (x, xv, rand(7, 11, 5, 5), attrs((2, 2), pb=(2, 2), pe=(2, 2))),
        (x, xv, rand(17, 11, 1, 1), attrs()),
        (x, xv, rand(10, 11, 3, 3), attrs(dil=(2, 2), pb=(2, 2), pe=(2, 2))),
        (x, xv, rand(3, 11, 3, 3), attrs()),  # valid 3x3: contiguous reads up to the last row
        (s, sv, rand(6, 5, 3, 3), attrs((2, 2), pb=(1, 1), pe=(1, 1))),  # OW 8: 8-pixel blocks
        (s, sv, rand(9, 5, 3, 3), attrs(pb=(1, 1), pe=(1, 1))),
        (s, sv, rand(4, 5, 3, 3), attrs((2, 2))),  # valid, stride 2, reads end at the buffer
    ]
    outs, expected = [], []
    for param, value, w, a in cases:
        outs.append(ops.relu(ops.convolution(param, w, **a)))
        expected.append(np.maximum(conv_ref(value, w, a["strides"], a["dilations"],
                                            a["pads_begin"], a["pads_end"]), 0))
    compiled = gpu.check(pyvino.Model(outs, [x, s], "conv_paths"), [xv, sv], expected, precision)
    kinds = [launch.exec_type for launch in compiled.backend.plan.launches]
    family = "conv_cpu" if kernel_variant == "device" and on_cpu_device() else "conv_igemm"
    assert sum(k.startswith(family) for k in kinds) == len(cases)
