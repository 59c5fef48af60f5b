"""The execution plan: numbered tensor slots, folded constants, steps, lifetimes, memory.

``build_plan(model)`` derives it from the runtime model at compile time; ``Plan.to_json`` /
``Plan.from_json`` carry it inside the blob, where it refers to nodes by (unique) friendly
name. Constant subgraphs (weights and their decompression ``Convert``, shape computations,
``ShapeOf`` of static tensors) are folded: computed once on the host when the model is loaded,
as the Myriad compiler folded them before code generation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from math import prod
from typing import Any

from pyvino import Model, Op

from pyvino_vpu._cost import element_bytes, layer_bytes, layer_flops, tensor_bytes
from pyvino_vpu._memory import Buffer, peak_live_bytes, place_buffers
from pyvino_vpu._ops import EXACT_OPS, PARAMETER_PORTS, SUPPORTED_OPS

FOLDED_ALWAYS = ("Constant", "ShapeOf")
# Hardware stages (Conv, GroupConv, FC) absorb a following bias/scale and activation, as
# the Myriad compiler fused them: one fp16 write per stage instead of one per layer.
FUSION_HEADS = frozenset({"Convolution", "GroupConvolution", "MatMul"})
FUSABLE = frozenset({"Add", "Subtract", "Multiply", "Relu", "Clamp", "PRelu"})

_Raw = tuple[Op, tuple[int, ...], tuple[int, ...]]  # a runtime node, its input/output slots
_Read = tuple[int, "Op | None", int]  # (step index, reading node or None for a result, port)


@dataclass(frozen=True)
class Step:
    """One layer to run: its node, slots read and written, outputs to round, slots to free."""

    name: str
    type: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    rounded: tuple[bool, ...]
    release: tuple[int, ...]
    flops: float
    bytes: int
    fused: bool = False  # runs inside the previous step's hardware stage (no stored input)


@dataclass(frozen=True)
class ConstantRef:
    """A folded constant kept in device memory: ``node``'s output ``output`` -> ``slot``."""

    slot: int
    node: str
    output: int
    exact: bool  # a layer parameter (Interpolate scales ...): not rounded to fp16


@dataclass
class Plan:
    """Everything the executor needs besides the graph itself."""

    num_slots: int
    parameters: list[int]
    results: list[int]
    constants: list[ConstantRef]
    steps: list[Step]
    offsets: dict[int, int]
    arena_bytes: int
    peak_bytes: int
    weights_bytes: int

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["offsets"] = {str(k): v for k, v in self.offsets.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        """Rebuild from ``to_json`` output; raises KeyError/TypeError/ValueError if malformed."""
        steps = [Step(str(s["name"]), str(s["type"]), tuple(map(int, s["inputs"])),
                      tuple(map(int, s["outputs"])), tuple(map(bool, s["rounded"])),
                      tuple(map(int, s["release"])), float(s["flops"]), int(s["bytes"]),
                      bool(s["fused"]))
                 for s in data["steps"]]
        constants = [ConstantRef(int(c["slot"]), str(c["node"]), int(c["output"]),
                                 bool(c["exact"])) for c in data["constants"]]
        return cls(int(data["num_slots"]), [int(s) for s in data["parameters"]],
                   [int(s) for s in data["results"]], constants, steps,
                   {int(k): int(v) for k, v in data["offsets"].items()},
                   int(data["arena_bytes"]), int(data["peak_bytes"]), int(data["weights_bytes"]))

    @property
    def device_bytes(self) -> int:
        """Device memory the model needs: fp16 weights plus the activation arena."""
        return self.weights_bytes + self.arena_bytes


def _port_bytes(node: Op, index: int) -> int:
    port = node.output(index)
    return prod(port.partial_shape.to_shape()) * element_bytes(port.element_type)


def _fusable(prev: _Raw, cur: _Raw, chained: bool, folded: set[int],
             readers: dict[int, list[_Read]]) -> bool:
    """True if ``cur`` can run inside the hardware stage that ``prev`` belongs to."""
    (pnode, _, pouts), (node, ins, outs) = prev, cur
    if node.type_name not in FUSABLE or not (chained or pnode.type_name in FUSION_HEADS):
        return False
    if len(pouts) != 1 or len(outs) != 1 or len(readers.get(pouts[0], ())) != 1:
        return False
    live = [s for s in ins if s not in folded]
    same_shape = pnode.get_output_partial_shape(0) == node.get_output_partial_shape(0)
    return live == [pouts[0]] and readers[pouts[0]][0][1] is node and same_shape


@dataclass
class _Graph:
    """The runtime model as numbered slots: what is folded, what runs, who reads what."""

    by_slot: dict[int, tuple[Op, int]] = field(default_factory=dict)
    folded: set[int] = field(default_factory=set)
    runtime: list[_Raw] = field(default_factory=list)
    params: list[int] = field(default_factory=list)
    results: list[int] = field(default_factory=list)
    readers: dict[int, list[_Read]] = field(default_factory=dict)  # results read at the end

    @classmethod
    def number(cls, model: Model) -> _Graph:
        g = cls()
        slot_of: dict[tuple[int, int], int] = {}
        for node in model.get_ordered_ops():
            outs = tuple(slot_of.setdefault((id(node), i), len(slot_of))
                         for i in range(node.get_output_size()))
            g.by_slot.update({s: (node, i) for i, s in enumerate(outs)})
            if node.type_name in ("Parameter", "Result"):
                continue
            ins = tuple(slot_of[(id(src.node), src.index)] for src in node.inputs)
            if node.type_name in FOLDED_ALWAYS or (ins and all(s in g.folded for s in ins)):
                g.folded.update(outs)
            else:
                g.runtime.append((node, ins, outs))
        g.params = [slot_of[(id(p), 0)] for p in model.get_parameters()]
        g.results = [slot_of[(id(r.inputs[0].node), r.inputs[0].index)]
                     for r in model.get_results()]
        for k, (node, ins, _) in enumerate(g.runtime):
            for port, s in enumerate(ins):
                g.readers.setdefault(s, []).append((k, node, port))
        for s in g.results:
            g.readers.setdefault(s, []).append((len(g.runtime), None, 0))
        return g

    def fusion(self, enabled: bool) -> list[bool]:
        """Per runtime node: does it run inside the previous node's hardware stage?"""
        fused = [False] * len(self.runtime)
        for k in range(1, len(self.runtime) if enabled else 0):
            fused[k] = _fusable(self.runtime[k - 1], self.runtime[k], fused[k - 1],
                                self.folded, self.readers)
        return fused

    def constants(self) -> list[ConstantRef]:
        """Folded values some runtime node or result reads: they live in device memory."""
        refs = []
        for s in sorted(self.folded & set(self.readers)):
            node, index = self.by_slot[s]
            exact = all(n is not None and port in PARAMETER_PORTS.get(n.type_name, ())
                        for _, n, port in self.readers[s])
            refs.append(ConstantRef(s, node.friendly_name, index, exact))
        return refs

    def buffers(self, fused: list[bool], hidden: set[int]) -> list[Buffer]:
        """Activation buffers with lifetimes; views live in their source's buffer."""
        root: dict[int, int] = {}
        for node, ins, outs in self.runtime:
            if SUPPORTED_OPS.get(node.type_name) == "view" and ins and ins[0] not in self.folded:
                root[outs[0]] = root.get(ins[0], ins[0])
        first = {s: -1 for s in self.params}
        start = 0  # a fused stage writes its output while its head still reads the inputs
        for k, (_, _, outs) in enumerate(self.runtime):
            start = start if fused[k] else k
            first.update({s: start for s in outs})
        last = dict(first)
        for s, reads in self.readers.items():
            if s not in self.folded:
                r = root.get(s, s)
                last[r] = max(last.get(r, -1), max(k for k, _, _ in reads))
        return [Buffer(s, _port_bytes(*self.by_slot[s]), first[s], last[s])
                for s in first if s not in root and s not in hidden]

    def steps(self, fused: list[bool], hidden: set[int]) -> list[Step]:
        keep = self.folded | set(self.results)
        last_read = {s: max(k for k, _, _ in reads) for s, reads in self.readers.items()}
        steps = []
        for k, (node, ins, outs) in enumerate(self.runtime):
            rounded = tuple(node.get_output_element_type(i).is_real and s not in hidden
                            and node.type_name not in EXACT_OPS for i, s in enumerate(outs))
            release = tuple(sorted({s for s in ins if last_read.get(s) == k and s not in keep}))
            moved = layer_bytes(node)  # a stage's accumulator is neither read nor written
            moved -= sum(tensor_bytes(node.inputs[i]) for i, s in enumerate(ins) if s in hidden)
            moved -= sum(tensor_bytes(node.output(i)) for i, s in enumerate(outs) if s in hidden)
            steps.append(Step(node.friendly_name, node.type_name, ins, outs, rounded, release,
                              layer_flops(node), moved, fused[k]))
        return steps


def build_plan(model: Model, fuse: bool = True) -> Plan:
    """The plan of a static-shaped runtime model whose nodes all have unique friendly names.

    With ``fuse``, bias/scale/activation layers join the preceding Conv/GroupConv/MatMul stage.
    """
    graph = _Graph.number(model)
    fused = graph.fusion(fuse)
    hidden = {graph.runtime[k - 1][2][0] for k in range(len(graph.runtime)) if fused[k]}
    constants = graph.constants()
    buffers = graph.buffers(fused, hidden)
    offsets, arena = place_buffers(buffers)
    return Plan(len(graph.by_slot), graph.params, graph.results, constants,
                graph.steps(fused, hidden), offsets, arena, peak_live_bytes(buffers),
                sum(_port_bytes(*graph.by_slot[c.slot]) for c in constants))
