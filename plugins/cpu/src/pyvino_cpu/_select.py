"""Kernel choice: each group of ``_fusion`` becomes a kernel plus the graph values it reads.

Fast kernels need f32 data with static shapes and constant weights; anything else (and any
group whose kernel cannot be built) falls back to one reference step per node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pyvino import Op, Output, Type

from pyvino_cpu._epilogue_match import match_simple
from pyvino_cpu._fusion import Group, anchor_capable
from pyvino_cpu._program_builder import build_eltwise, fusable
from pyvino_cpu._quantized import fake_quantize_kernel, split_fake_quantize
from pyvino_cpu.kernels import AfterAnchor, Arrays, Kernel, Run, in_turn
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels.conv import ConvGemm
from pyvino_cpu.kernels.depthwise import GroupedConv
from pyvino_cpu.kernels.direct_conv import DirectConv, prefer_direct
from pyvino_cpu.kernels.eltwise_program import Eltwise
from pyvino_cpu.kernels.fakequant import WithFakeQuantize
from pyvino_cpu.kernels.interpolate import interpolate_kernel
from pyvino_cpu.kernels.lstm import lstm_sequence_kernel
from pyvino_cpu.kernels.matmul import MatMul
from pyvino_cpu.kernels.movement import REDUCTIONS, Concat, Reduce, Transpose
from pyvino_cpu.kernels.nms import nms_kernel
from pyvino_cpu.kernels.pool import Pool
from pyvino_cpu.kernels.softmax_norm import Normalize, Softmax
from pyvino_cpu.kernels.winograd import Winograd, prefer_winograd

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

ConstOf = Callable[[Output], "np.ndarray | None"]
# Kernels that read what they need from the node itself (None: the reference fallback).
NODE_KERNELS: dict[str, Callable[[Op, ConstOf], tuple[Kernel, list[Output]] | None]] = {
    "LSTMSequence": lstm_sequence_kernel,
    "Interpolate": interpolate_kernel,
    "NonMaxSuppression": nms_kernel,
    "FakeQuantize": fake_quantize_kernel,
}


@dataclass
class Choice:
    """A kernel and the graph values bound to its inputs (outputs: the last member's)."""

    kernel: Kernel | None  # None: the outputs are views of inputs[0] (a reshape)
    inputs: list[Output]


class Fused(AfterAnchor):
    """An anchor kernel followed by its elementwise epilogue, in place on the output.

    Anchors that cut their output into column tiles (``tile_cols``: GEMM convolutions and
    MatMul) run the epilogue on each tile right after computing it.
    """

    def __init__(self, core: Kernel, epilogue: Eltwise, core_inputs: int, anchor: Op) -> None:
        super().__init__(core)
        self.epilogue, self.n, self.anchor = epilogue, core_inputs, anchor
        cols = getattr(core, "tile_cols", None)
        self.blocked = Eltwise.build(epilogue.p, cols) if cols is not None else None

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        rest = iter(inputs[self.n :])
        graph = [s for s in self.epilogue.p.sources if not isinstance(s, np.ndarray)]
        epi_inputs = [outputs[0] if s.node is self.anchor else next(rest) for s in graph]
        if self.blocked is not None:
            block = self.blocked.bind_block(epi_inputs, outputs)
            return self.core.bind(
                inputs[: self.n],
                outputs,
                scratch,
                pool,  # type: ignore[call-arg]
                epilogue=block,
            )
        return in_turn(
            self.core.bind(inputs[: self.n], outputs, scratch, pool),
            self.epilogue.bind(epi_inputs, outputs, [], pool),
        )


def _trailing(axes: np.ndarray | list[int], rank: int) -> int | None:
    norm = sorted({int(a) % rank for a in np.asarray(axes).reshape(-1)})
    return len(norm) if norm and norm == list(range(rank - len(norm), rank)) else None


def anchor_kernel(node: Op, const_of: ConstOf) -> tuple[Kernel, list[Output]] | None:  # noqa: C901, PLR0911
    """The fast kernel of an anchor-capable node and the inputs it reads, or None."""
    if not anchor_capable(node):
        return None
    t, a = node.type_name, node.attrs
    x = node.inputs[0]
    shape, out_shape = tuple(x.shape), tuple(node.output(0).shape)
    if t in ("Convolution", "GroupConvolution"):
        w = const_of(node.inputs[1])
        if w is None:
            return None
        groups = w.shape[0] if t == "GroupConvolution" else 1
        geom = Window2D.of(a, shape, out_shape, w.shape[-(len(shape) - 2) :])
        if geom is None:
            return None
        w = w.reshape(geom.k, geom.c // groups, geom.kh, geom.kw)
        if groups > 1:
            return GroupedConv(geom, w, groups), [x]
        if prefer_winograd(geom):
            return Winograd(geom, w), [x]
        # direct_conv: few output channels on large images (UNet, YOLO stems), see prefer_direct
        return (DirectConv(geom, w) if prefer_direct(geom) else ConvGemm(geom, w)), [x]
    if t == "MatMul":
        if len(shape) < 2 or len(node.inputs[1].partial_shape) < 2:
            return None
        b = const_of(node.inputs[1])
        kernel = MatMul(a["transpose_a"], a["transpose_b"], b, out_shape)
        return kernel, [x] if b is not None else [x, node.inputs[1]]
    if t in ("MaxPool", "AvgPool"):
        geom = Window2D.of(a, shape, out_shape, a["kernel"])
        if geom is None:
            return None
        return Pool(geom, t == "MaxPool", bool(a.get("exclude-pad", False))), [x]
    if t == "Softmax":
        return Softmax(shape, a["axis"] % len(shape)), [x]
    if t == "MVN":
        if node.op_version() >= 6:
            axes = const_of(node.inputs[1])
            inside = a["eps_mode"] == "INSIDE_SQRT"
        else:
            axes = a["reduction_axes"] or list(range(1 if a["across_channels"] else 2, len(shape)))
            inside = True
        n = _trailing(axes, len(shape)) if axes is not None and len(shape) else None
        if n is None:
            return None
        return Normalize(shape, n, a["eps"], inside, a["normalize_variance"]), [x]
    return None


def single_kernel(
    node: Op, const_of: ConstOf, users: dict[int, list[Op]]
) -> tuple[Kernel | None, list[Output]] | None:
    """Kernels for nodes outside fused groups; None means the reference fallback."""
    t = node.type_name
    if t in NODE_KERNELS:
        return NODE_KERNELS[t](node, const_of)
    if (
        node.get_output_size() == 1
        and node.output(0).partial_shape.is_static
        and node.inputs
        and node.inputs[0].partial_shape.is_static
    ):
        x, out = node.inputs[0], node.output(0)
        if t in ("Reshape", "Squeeze", "Unsqueeze") and x.element_type is out.element_type:
            return None, [x]
        if t == "Transpose" and const_of(node.inputs[1]) is not None:
            perm = tuple(int(p) for p in const_of(node.inputs[1]).reshape(-1))
            return Transpose(perm or tuple(reversed(range(len(x.shape))))), [x]
        if t == "Concat" and all(
            i.partial_shape.is_static and i.element_type is out.element_type for i in node.inputs
        ):
            return Concat(node.attrs["axis"] % len(out.shape)), list(node.inputs)
        if t in REDUCTIONS and const_of(node.inputs[1]) is not None and x.shape:
            axes = tuple(
                sorted({int(v) % len(x.shape) for v in const_of(node.inputs[1]).reshape(-1)})
            )
            if axes:
                return Reduce(t, axes, bool(node.attrs.get("keep_dims"))), [x]
    if (
        t == "MaxPool"
        and node.get_output_size() == 2
        and not any(
            i.node is node and i.index == 1 for u in users.get(id(node), []) for i in u.inputs
        )
    ):
        found = _values_only_pool(node)
        if found is not None:
            return found
    found = anchor_kernel(node, const_of)
    if found is not None:
        return found
    if node.get_output_size() == 1 and node.output(0).partial_shape.is_static:
        if fusable(node, const_of):
            kernel = build_eltwise([node], None, tuple(node.output(0).shape), const_of)
            if kernel is not None:
                return kernel, [s for s in kernel.p.sources if not isinstance(s, np.ndarray)]
    return None


def _values_only_pool(node: Op) -> tuple[Kernel, list[Output]] | None:
    """MaxPool-8/14 whose indices output nobody reads."""
    x, out = node.inputs[0], node.output(0)
    if (
        not (x.partial_shape.is_static and out.partial_shape.is_static)
        or out.element_type is not Type.f32
    ):
        return None
    geom = Window2D.of(node.attrs, tuple(x.shape), tuple(out.shape), node.attrs["kernel"])
    return (Pool(geom, True, False), [x]) if geom is not None else None


def group_kernel(group: Group, const_of: ConstOf) -> tuple[Kernel, list[Output]] | None:
    """The kernel of a fused group, or None when the group must be split up."""
    shape = tuple(group.last.output(0).shape)
    if group.layernorm is not None:
        m = group.layernorm
        kernel = Normalize(
            tuple(m.x.shape),
            m.axes,
            m.eps,
            m.inside,
            True,
            m.gamma,
            m.beta,
            exec_type="numba_layernorm",
        )
        return kernel, [m.x]
    if group.anchor is None:
        kernel = build_eltwise(group.members, None, shape, const_of)
        if kernel is None:
            return None
        return kernel, [s for s in kernel.p.sources if not isinstance(s, np.ndarray)]
    core = anchor_kernel(group.anchor, const_of)
    if core is not None and getattr(core[0], "accepts_epilogue", False):
        quantized = split_fake_quantize(group, const_of)  # [..., FakeQuantize]: FQ after it
        nodes, fq = quantized or (group.epilogue, None)
        simple = match_simple(group.anchor, nodes, const_of)
        if simple is not None:  # applied by the kernel while it stores its output
            core[0].epilogue = simple[0]
            kernel = WithFakeQuantize(core[0], fq) if fq is not None else core[0]
            return kernel, core[1] + simple[1]
    epilogue = build_eltwise(group.epilogue, group.anchor, shape, const_of)
    if core is None or epilogue is None:
        return None
    kernel, inputs = core
    extra = [
        s
        for s in epilogue.p.sources
        if not isinstance(s, np.ndarray) and s.node is not group.anchor
    ]
    return Fused(kernel, epilogue, len(inputs), group.anchor), inputs + extra
