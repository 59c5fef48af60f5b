"""Lower a Model to a Plan: fold constants, fuse elementwise regions, generate one kernel per
remaining op (static shapes baked in), upload weights once, turn reshapes into views.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from pyvino import CompilationError, Model, Op, Output
from pyvino._device import node_key

from pyvino_gpu._fusion import consumers_of, find_regions
from pyvino_gpu._patterns import LayerNorm, find_layer_norms
from pyvino_gpu._plan import Launch, Plan, PortInfo
from pyvino_gpu._regions import ELTWISE, build_region
from pyvino_gpu.kernels import ANCHORS, LOWERINGS, is_region_member
from pyvino_gpu.kernels._common import (
    FLOAT_TYPES,
    INT_CTYPES,
    NUMPY_OF_CTYPE,
    KernelCode,
    TensorInfo,
)
from pyvino_gpu.kernels.eltwise import Region
from pyvino_gpu.kernels.extension import lower_extension
from pyvino_gpu.kernels.reduce import mean_variance

PASSIVE = ("Parameter", "Constant", "Result")


def storage_ctype(etype: str, float_ctype: str) -> str | None:
    if etype in FLOAT_TYPES:
        return float_ctype
    return INT_CTYPES.get(etype)


class Lowering:
    """The state kernel generators work against (see ``kernels/__init__.py``)."""

    def __init__(
        self,
        model: Model,
        precision: str,
        max_group: int = 256,
        extensions: dict[tuple[str, str], Any] | None = None,
        cpu_device: bool = False,
    ) -> None:
        self.model = model
        # A CPU-type OpenCL device (PoCL): kernels without local memory/barriers where it matters.
        self.cpu_device = cpu_device
        self.extensions = extensions or {}
        self.precision = precision
        self.float_ctype = "half" if precision == "f16" else "float"
        self.max_group = max_group
        self.tensors: dict[int, TensorInfo] = {}
        self.launches: list[Launch] = []
        self.sources: list[str] = []
        self.programs: list[str] = []  # extension kernels, one program each
        self.constants: dict[int, np.ndarray] = {}
        self.passive: list[tuple[str, str, str]] = []
        self._ids = itertools.count()
        self._kernel_ids = itertools.count()
        self._values: dict[tuple[int, int], TensorInfo] = {}
        self._consts: dict[tuple[int, int], np.ndarray] = {}
        self._uploaded: dict[tuple[int, int], TensorInfo] = {}
        self._consumers: dict[tuple[int, int], list[Op]] = {}
        self._norms: dict[int, LayerNorm] = {}
        self._absorbed: set[int] = set()
        self._shared: dict[str, str] = {}  # kernel source (name blanked) -> kernel name
        self._valid_rows: dict[int, int] = {}  # bounded tensor -> tensor of its valid rows

    # ----------------------------------------------------------------- tensors
    def new(
        self,
        shape: Any,
        etype: str,
        kind: str = "activation",
        buffer: int | None = None,
        ctype: str | None = None,
    ) -> TensorInfo:
        """A tensor stored as ``etype`` at the inference precision, or as ``ctype`` when given
        (kernel-internal intermediates that must stay float in f16 inference)."""
        ctype = ctype or storage_ctype(etype, self.float_ctype)
        if ctype is None:
            raise CompilationError(f"GPU: element type {etype} is not supported")
        tid = next(self._ids)
        t = TensorInfo(
            tid, tuple(int(d) for d in shape), etype, ctype, tid if buffer is None else buffer, kind
        )
        self.tensors[tid] = t
        return t

    def bounded(self, t: TensorInfo, count: TensorInfo) -> None:
        """``t`` holds the upper bound of a data-dependent row count; ``count`` (one integer,
        computed on the device) says how many leading rows are valid."""
        self._valid_rows[t.id] = count.id

    def view(self, t: TensorInfo, shape: Any) -> TensorInfo:
        """The same buffer seen with another shape (Reshape, Squeeze, Unsqueeze: no kernel)."""
        return self.new(shape, t.etype, t.kind, buffer=t.buffer)

    def weight(self, value: np.ndarray, etype: str | None = None) -> TensorInfo:
        """Upload a constant once; float values are stored at the inference precision."""
        value = np.asarray(value)
        etype = etype or ("f32" if value.dtype.kind == "f" else _etype_of(value.dtype))
        t = self.new(value.shape, etype, "weight")
        self.constants[t.buffer] = np.ascontiguousarray(value.astype(NUMPY_OF_CTYPE[t.ctype]))
        return t

    def value(self, node: Op, port: int) -> np.ndarray | None:
        """The compile-time value of input ``port`` of ``node``, if known."""
        src = node.inputs[port]
        return self._consts.get((id(src.node), src.index))

    def input(self, node: Op, port: int) -> TensorInfo:
        """The device tensor of input ``port`` (constants are uploaded on first use)."""
        src = node.inputs[port]
        key = (id(src.node), src.index)
        if key in self._values:
            return self._values[key]
        if key not in self._uploaded:
            self._uploaded[key] = self.weight(self._consts[key], src.element_type.name)
        return self._uploaded[key]

    def out_shape(self, node: Op, port: int = 0) -> tuple[int, ...]:
        """The static output shape (upper bounds for data-dependent dimensions)."""
        shape = node.get_output_partial_shape(port)
        if shape.is_static:
            return tuple(int(d) for d in shape.to_shape())
        return tuple(int(d.max) for d in shape)

    def output(self, node: Op, port: int = 0) -> TensorInfo:
        return self.new(self.out_shape(node, port), node.get_output_element_type(port).name)

    def is_used(self, node: Op, port: int) -> bool:
        """Does anything (a node or a model output) read output ``port`` of ``node``?"""
        return bool(self._consumers.get((id(node), port)))

    # ----------------------------------------------------------------- kernels
    def kernel_name(self, family: str) -> str:
        return f"k{next(self._kernel_ids)}_{family}"

    def launch(
        self,
        code: KernelCode,
        writes: list[TensorInfo],
        reads: list[TensorInfo],
        node: Op,
        region: Region | None = None,
        own_program: bool = False,
    ) -> None:
        """Add a kernel launch; ``own_program`` puts its source in a program of its own.
        Identical kernels (repeated blocks of a network) are generated once and shared."""
        fused = tuple((op.node, op.type_name) for op in region.ops) if region else ()
        name = code.name
        if own_program:
            self.programs.append(code.source)
        else:
            key = code.source.replace(code.name, "\0")
            name = self._shared.setdefault(key, code.name)
            if name == code.name:
                self.sources.append(code.source)
        self.launches.append(
            Launch(
                name,
                tuple(code.global_size),
                tuple(code.local_size) if code.local_size else None,
                tuple(t.id for t in writes),
                tuple(t.id for t in reads)
                + tuple(t.id for t in (region.externals if region else [])),
                node.friendly_name,
                node.type_name,
                code.exec_type,
                fused,
                len(self.programs) if own_program else 0,
            )
        )

    # ----------------------------------------------------------------- the pass
    def run(self) -> Plan:
        ops = self.model.get_ordered_ops()
        self._fold(ops)
        consumers = self._consumers = consumers_of(ops)
        live = [n for n in ops if not self._folded(n)]
        self._norms = find_layer_norms(live, consumers, self._consts)
        self._absorbed = {id(n) for ln in self._norms.values() for n in ln.absorbed}
        regions = find_regions(live, consumers, self._is_anchor, self._is_member, self.out_shape)
        tails = {id(m[-1]): (a, m) for a, m in regions.items()}
        anchors = {a: None for a in regions}
        by_id = {id(n): n for n in ops}
        members = {id(x) for m in regions.values() for x in m}
        for node in ops:
            if node.type_name in PASSIVE:
                self._passive_node(node)
            elif self._folded(node) or id(node) in self._absorbed:
                self.passive.append((node.friendly_name, node.type_name, "OPTIMIZED_OUT"))
            elif id(node) in tails:
                anchor_id, chain = tails[id(node)]
                self._lower(by_id[anchor_id], chain)
            elif id(node) in anchors or id(node) in members:
                continue
            else:
                self._lower(node, [])
        return self._plan(ops)

    def _fold(self, ops: list[Op]) -> None:
        for node in ops:
            if node.type_name == "Constant":
                self._consts[(id(node), 0)] = node.evaluate()[0]
                continue
            if node.type_name in PASSIVE:
                continue
            known = (
                [node.output_value(i) for i in range(node.get_output_size())]
                if node.type_name == "ShapeOf"
                else []
            )
            if known and all(v is not None for v in known):
                values = tuple(known)
            else:
                ins = [self._consts.get((id(i.node), i.index)) for i in node.inputs]
                if any(v is None for v in ins):
                    continue
                try:
                    values = node.evaluate(*ins)
                except Exception as exc:
                    raise CompilationError(f"GPU: folding {node.describe()} failed: {exc}") from exc
            for port, v in enumerate(values):
                self._consts[(id(node), port)] = np.asarray(v)

    def _folded(self, node: Op) -> bool:
        return (
            node.get_output_size() > 0
            and (id(node), 0) in self._consts
            and node.type_name != "Constant"
        )

    def _is_anchor(self, node: Op) -> bool:
        if node_key(node) in self.extensions or id(node) in self._absorbed:
            return False
        return node.type_name in ANCHORS and node.get_output_element_type(0).name in FLOAT_TYPES

    def _is_member(self, node: Op, shape: tuple[int, ...]) -> bool:
        if (
            node_key(node) in self.extensions
            or id(node) in self._absorbed
            or id(node) in self._norms
        ):
            return False
        return is_region_member(node, shape, self._consts)

    def _passive_node(self, node: Op) -> None:
        if node.type_name == "Parameter":
            self._values[(id(node), 0)] = self.output(node)
        self.passive.append((node.friendly_name, node.type_name, "NOT_RUN"))

    def _lower(self, node: Op, chain: list[Op]) -> None:
        kernel = self.extensions.get(node_key(node))
        if kernel is not None:
            outs = lower_extension(self, node, kernel)
            for port, t in enumerate(outs):
                self._values[(id(node), port)] = t
            return
        standalone = node.type_name in ELTWISE and id(node) not in self._norms
        region = build_region(self, node, chain, standalone)
        norm = self._norms.get(id(node))
        if norm is not None:
            src = self.input(norm.absorbed[1], 0)  # x, as the Subtract reads it
            outs = [
                mean_variance(self, node, region, src, set(norm.axes), norm.eps, kind="layernorm")
            ]
        else:
            outs = LOWERINGS[node.type_name](self, node, region)
        for port, t in enumerate(outs):
            if t is not None:
                self._values[(id(node), port)] = t
        if chain:
            self._values[(id(chain[-1]), 0)] = outs[0]
            self.passive.extend((m.friendly_name, m.type_name, "OPTIMIZED_OUT") for m in chain)

    def _plan(self, ops: list[Op]) -> Plan:
        inputs = [self._port(p, self._values[(id(p), 0)]) for p in self.model.get_parameters()]
        outputs = []
        for r in self.model.get_results():
            src = r.inputs[0]
            key = (id(src.node), src.index)
            t = self._values.get(key)
            if t is None or t.kind != "activation":
                value = self._consts[key]  # weights only ever come from constants
                t = self.new(value.shape, src.element_type.name, "host")
                self.constants[t.buffer] = np.asarray(value, dtype=src.element_type.dtype)
            outputs.append(self._port(r, t, src, self._valid_rows.get(t.id, -1)))
        return Plan(
            self.precision,
            ["\n".join(self.sources), *self.programs],
            dict(self.tensors),
            self.launches,
            inputs,
            outputs,
            self.constants,
            self.passive,
        )

    @staticmethod
    def _port(node: Op, t: TensorInfo, src: Output | None = None, valid_rows: int = -1) -> PortInfo:
        out = src if src is not None else node.output(0)
        return PortInfo(
            node.friendly_name,
            tuple(sorted(out.names)),
            out.element_type.name,
            t.shape,
            t.id,
            valid_rows,
        )


def _etype_of(dtype: np.dtype) -> str:
    from pyvino import Type

    return Type.get(dtype).name
