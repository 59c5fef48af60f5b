"""Binding a plan to a graph: every reference checked, constants folded and stored as fp16.

A plan read from a blob is trusted for nothing: each step must name an existing node of the
stated type, read exactly the slots that hold that node's inputs, and write slots numbered
within range; every slot must be written before it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyvino import BlobFormatError, Model, Op, Type

from pyvino_vpu._fp16 import round_to_f16_numpy
from pyvino_vpu._plan import Plan, Step
from pyvino_vpu.kernels import Kernel, select_kernel


@dataclass(frozen=True)
class BoundStep:
    """A plan step with its graph node and the kernel that runs it."""

    step: Step
    node: Op
    run: Kernel
    kernel: str


def _fail(message: str) -> BlobFormatError:
    return BlobFormatError(f"VPU blob plan does not match its graph: {message}")


def _nodes_by_name(model: Model) -> dict[str, Op]:
    nodes: dict[str, Op] = {}
    for node in model.get_ordered_ops():
        if node.friendly_name in nodes:
            raise _fail(f"two nodes are named {node.friendly_name!r}")
        nodes[node.friendly_name] = node
    return nodes


def _check_slot(plan: Plan, slot: int, where: str) -> None:
    if not 0 <= slot < plan.num_slots:
        raise _fail(f"{where} uses slot {slot}, outside 0..{plan.num_slots - 1}")


def bind(model: Model, plan: Plan) -> list[BoundStep]:
    """The plan's steps bound to ``model``'s nodes; raises BlobFormatError on any mismatch."""
    nodes = _nodes_by_name(model)
    source: dict[int, tuple[str, int]] = {}  # slot -> (producing node, output index)
    params = model.get_parameters()
    if len(plan.parameters) != len(params) or len(plan.results) != len(model.get_results()):
        raise _fail("the number of inputs or outputs differs")
    for slot, param in zip(plan.parameters, params):
        _check_slot(plan, slot, "an input")
        source[slot] = (param.friendly_name, 0)
    for const in plan.constants:
        _check_slot(plan, const.slot, f"constant {const.node!r}")
        if const.slot in source:
            raise _fail(f"constant {const.node!r} overwrites slot {const.slot}")
        node = nodes.get(const.node)
        if node is None or not 0 <= const.output < node.get_output_size():
            raise _fail(f"constant {const.node!r} output {const.output} is not in the graph")
        source[const.slot] = (const.node, const.output)
    bound = []
    for step in plan.steps:
        node = nodes.get(step.name)
        if node is None or node.type_name != step.type:
            raise _fail(f"step {step.name!r} ({step.type}) is not a node of the graph")
        if (
            len(step.inputs) != len(node.inputs)
            or len(step.outputs) != node.get_output_size()
            or len(step.rounded) != len(step.outputs)
        ):
            raise _fail(f"step {step.name!r} has the wrong number of inputs or outputs")
        for port, (slot, src) in enumerate(zip(step.inputs, node.inputs)):
            if source.get(slot) != (src.node.friendly_name, src.index):
                raise _fail(
                    f"step {step.name!r} input {port} reads slot {slot}, which does "
                    f"not hold {src.node.friendly_name!r} output {src.index}"
                )
        for i, slot in enumerate(step.outputs):
            _check_slot(plan, slot, f"step {step.name!r}")
            if slot in source:
                raise _fail(f"step {step.name!r} overwrites slot {slot}")
            source[slot] = (step.name, i)
        hidden = None
        if step.fused and bound and len(bound[-1].step.outputs) == 1:
            accumulator = bound[-1].step.outputs[0]
            hidden = next((p for p, s in enumerate(step.inputs) if s == accumulator), None)
        bound.append(BoundStep(step, node, *select_kernel(node, hidden)))
    for slot, result in zip(plan.results, model.get_results()):
        src = result.inputs[0]
        if source.get(slot) != (src.node.friendly_name, src.index):
            raise _fail(
                f"output {result.friendly_name!r} reads slot {slot}, which does not "
                f"hold {src.node.friendly_name!r} output {src.index}"
            )
    return bound


def _fold(node: Op, cache: dict[int, Sequence[np.ndarray]]) -> Sequence[np.ndarray]:
    """Outputs of a constant subgraph, evaluated on the host in full precision."""
    done = cache.get(id(node))
    if done is not None:
        return done
    if node.type_name == "ShapeOf":
        shape = node.input_shape(0).to_shape()
        values: Sequence[np.ndarray] = (
            np.array(shape, dtype=node.get_output_element_type(0).dtype),
        )
    elif node.type_name == "Parameter":
        raise _fail(f"constant subgraph depends on input {node.friendly_name!r}")
    else:
        values = node.evaluate(*[_fold(src.node, cache)[src.index] for src in node.inputs])
    cache[id(node)] = values
    return values


def _widened_f16(node: Op) -> bool:
    """A decompression ``Convert`` of fp16 weights: its values are fp16 values already."""
    return (
        node.type_name == "Convert"
        and len(node.inputs) == 1
        and node.inputs[0].element_type is Type.f16
        and node.get_output_element_type(0) is Type.f32
    )


def fold_constants(model: Model, plan: Plan) -> dict[int, np.ndarray]:
    """slot -> value of every stored constant; float weights rounded to fp16 (as f32 arrays)."""
    nodes = _nodes_by_name(model)
    cache: dict[int, Sequence[np.ndarray]] = {}
    out: dict[int, np.ndarray] = {}
    for const in plan.constants:
        node = nodes[const.node]
        value = np.asarray(_fold(node, cache)[const.output])
        if value.dtype.kind == "f" and not const.exact and not _widened_f16(node):
            value = round_to_f16_numpy(value)  # once per load: numba's start-up would cost more
        value = value.view()
        value.setflags(write=False)  # shared by every request: no kernel may write into it
        out[const.slot] = value
    return out
