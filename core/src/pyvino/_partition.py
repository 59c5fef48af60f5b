"""The partitioner: cut a model by per-node device affinity into an acyclic chain of submodels.

Each node gets a *stage*: the largest stage among its producers, plus one when the producer is
on another device. Nodes with the same (device, stage) form one subgraph. Every edge between
two different subgraphs then goes to a strictly later stage, so the subgraphs form a DAG whose
stage order is a valid execution order — the cycles a naive "connected components per device"
split can create (A@GPU -> B@CPU -> C@GPU with A -> C) cannot occur. Constants follow their
consumers (duplicated when consumers sit in several subgraphs); Results follow their producers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pyvino._core_ops import Parameter, Result
from pyvino._errors import CompilationError
from pyvino._model import Model
from pyvino._node import Op, Output


@dataclass
class Subgraph:
    """One submodel: ``inputs[i]`` / ``outputs[i]`` are tensors of the *original* model."""

    device: str
    model: Model
    inputs: list[Output] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)


def assign_stages(model: Model, affinity: Mapping[str, str]) -> dict[int, tuple[str, int]]:
    """(device, stage) for every non-Parameter, non-Constant, non-Result node."""
    ops = model.get_ordered_ops()
    groups: dict[int, tuple[str, int]] = {}
    for node in ops:
        if isinstance(node, (Parameter, Result)) or node.type_name == "Constant":
            continue
        device = affinity.get(node.friendly_name)
        if device is None:
            raise CompilationError(f"{node.describe()} has no device affinity")
        stage = 0
        for src in node.inputs:
            producer = groups.get(id(src.node))
            if producer is not None:
                stage = max(stage, producer[1] + (producer[0] != device))
        groups[id(node)] = (device, stage)
    return groups


def partition_model(model: Model, affinity: Mapping[str, str]) -> list[Subgraph]:
    """Submodels in execution order; ``affinity`` maps node friendly names to devices."""
    groups = assign_stages(model, affinity)
    order = sorted(set(groups.values()), key=lambda g: (g[1], g[0]))
    index = {g: i for i, g in enumerate(order)}
    members: list[list[Op]] = [[] for _ in order]
    for node in model.get_ordered_ops():
        if id(node) in groups:
            members[index[groups[id(node)]]].append(node)
    consumers: dict[Output, set[int]] = {}
    for node in model.get_ordered_ops():
        for src in node.inputs:
            owner = index[groups[id(node)]] if id(node) in groups else -1
            consumers.setdefault(src, set()).add(owner)
    return [_build(i, order[i][0], nodes, groups, index, consumers, model)
            for i, nodes in enumerate(members)]


def _build(i: int, device: str, nodes: list[Op], groups: dict[int, tuple[str, int]],
           index: dict[tuple[str, int], int], consumers: dict[Output, set[int]],
           model: Model) -> Subgraph:
    mapping: dict[int, Op] = {}
    params: list[Parameter] = []
    inputs: list[Output] = []
    boundary: dict[Output, Output] = {}

    def source(src: Output) -> Output:
        if id(src.node) in mapping:
            return Output(mapping[id(src.node)], src.index)
        if src.node.type_name == "Constant":
            mapping[id(src.node)] = src.node.clone_with_new_inputs([])
            return mapping[id(src.node)].output(0)
        if src not in boundary:
            p = Parameter(src.element_type, src.partial_shape,
                          f"{src.node.friendly_name}/port_{src.index}")
            p.output(0).set_names(sorted(src.names))
            params.append(p)
            inputs.append(src)
            boundary[src] = p.output(0)
        return boundary[src]

    for node in nodes:
        mapping[id(node)] = node.clone_with_new_inputs([source(s) for s in node.inputs])
    results: list[Result] = []
    outputs: list[Output] = []
    model_results = {r.inputs[0] for r in model.get_results()}
    for node in nodes:
        for k in range(node.get_output_size()):
            out = Output(node, k)
            used_elsewhere = any(c != i for c in consumers.get(out, ()))
            if used_elsewhere or out in model_results:
                results.append(Result([Output(mapping[id(node)], k)],
                                      name=f"{node.friendly_name}/sink_port_{k}"))
                outputs.append(out)
    sub = Model(results, params, f"{model.friendly_name}/{device}_{i}")
    return Subgraph(device, sub, inputs, outputs)


def to_dot(model: Model, affinity: Mapping[str, str], subgraphs: bool = False) -> str:
    """Graphviz source of the model coloured by device (or clustered by subgraph)."""
    palette = ["lightblue", "palegreen", "lightsalmon", "khaki", "plum", "lightgrey"]
    devices = sorted(set(affinity.values()))
    colour = {d: palette[i % len(palette)] for i, d in enumerate(devices)}
    ids = {id(n): f"n{i}" for i, n in enumerate(model.get_ordered_ops())}
    lines = [f'digraph "{model.friendly_name}" {{', "  node [shape=box, style=filled];"]
    groups = assign_stages(model, affinity) if subgraphs else {}
    clusters: dict[tuple[str, int], list[str]] = {}
    for node in model.get_ordered_ops():
        device = affinity.get(node.friendly_name, "")
        label = f"{node.friendly_name}\\n{node.type_name}" + (f"\\n@{device}" if device else "")
        fill = colour.get(device, "white")
        lines.append(f'  {ids[id(node)]} [label="{label}", fillcolor="{fill}"];')
        if id(node) in groups:
            clusters.setdefault(groups[id(node)], []).append(ids[id(node)])
    for k, ((device, stage), names) in enumerate(sorted(clusters.items(), key=lambda x: x[0][1])):
        lines.append(f'  subgraph cluster_{k} {{ label="subgraph {k}: {device} (stage {stage})";')
        lines.append("    " + "; ".join(names) + ";")
        lines.append("  }")
    for node in model.get_ordered_ops():
        for src in node.inputs:
            lines.append(f"  {ids[id(src.node)]} -> {ids[id(node)]};")
    lines.append("}")
    return "\n".join(lines) + "\n"
