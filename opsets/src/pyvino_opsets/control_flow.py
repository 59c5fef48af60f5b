"""Sub-graph ops: If-8, Loop-5 and TensorIterator-1, whose bodies are ``pyvino.Model`` objects.

Representation (details in docs/architecture.md, "Sub-graph ops"):

- ``op.bodies``: ``{"then_body": Model, "else_body": Model}`` for If, ``{"body": Model}`` else.
- ``op.input_descriptions`` / ``op.output_descriptions``: ``{body name: [description, ...]}``
  with the frozen dataclasses ``InvariantInput``, ``SlicedInput``, ``MergedInput`` (a back edge),
  ``BodyOutput`` and ``ConcatOutput``; indices point into ``get_parameters()``/``get_results()``.
- Loop also has ``op.special_body_ports`` (``SpecialBodyPorts``: the current-iteration
  parameter and the execution-condition result); TensorIterator an optional
  ``op.num_iterations`` for bodies without sliced inputs.

Build one with ``If8([cond, x, y], then_body=m1, else_body=m2)`` (If maps inputs 1.. to each
body's parameters and results to outputs positionally unless descriptions are given), or
``Loop5([trip, cond, *xs], body=m, input_descriptions=[...], output_descriptions=[...],
special_body_ports=SpecialBodyPorts(...))``. ``infer`` binds the input types and shapes to the
body parameters and re-validates the bodies in place; ``evaluate`` runs them with
``evaluate_model``. ``clone_with_new_inputs`` deep-copies the bodies. The IR reader and writer use
``SubGraphOp.from_ir`` and ``body_port_maps``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyvino import PartialShape, Type

from pyvino_opsets._iteration import IterationOp
from pyvino_opsets._subgraph import (
    SubGraphOp,
    evaluate_model,
    first_scalar,
    union_shape,
    union_type,
)
from pyvino_opsets._subgraph_ir import body_port_maps
from pyvino_opsets._subgraph_ports import (
    BodyOutput,
    ConcatOutput,
    InvariantInput,
    MergedInput,
    SlicedInput,
    SpecialBodyPorts,
)


def _check_flag(op: SubGraphOp, index: int, what: str, integer: bool) -> None:
    """Input ``index`` must be a scalar or [1] of boolean (or integer) type."""
    t, shape = op.input_type(index), op.input_shape(index)
    good = t is Type.dynamic or (
        t.is_integral and t is not Type.boolean if integer else t is Type.boolean
    )
    if not good:
        raise op.fail(
            f"input {index} ({what}) must be {'an integer' if integer else 'boolean'}, got {t.name}"
        )
    if shape.rank_is_static and (
        len(shape) > 1 or (len(shape) == 1 and not shape[0].compatible(1))
    ):
        raise op.fail(f"input {index} ({what}) must be a scalar or [1], got shape {shape}")


class If8(SubGraphOp):
    """If: runs ``then_body`` when input 0 (boolean) is true, else ``else_body``."""

    type_name = "If"
    version_id = "opset8"
    num_inputs = (1, None)
    body_names = ("then_body", "else_body")

    def default_descriptions(self) -> dict[str, list[Any]]:
        return {}  # filled positionally in infer, once the inputs are known

    def positional_descriptions(self) -> None:
        for name in self.body_names:
            body = self.bodies[name]
            if not self.input_descriptions.get(name):
                n = min(len(body.get_parameters()), len(self.inputs) - 1)
                self.input_descriptions[name] = [InvariantInput(i + 1, i) for i in range(n)]
            if not self.output_descriptions.get(name):
                self.output_descriptions[name] = [
                    BodyOutput(i, i) for i in range(len(body.get_results()))
                ]

    def infer(self) -> list[tuple[Type, PartialShape]]:
        self.positional_descriptions()
        _check_flag(self, 0, "cond", integer=False)
        self.check_structure(1)
        for name in self.body_names:
            for d in self.input_descriptions[name]:
                if not isinstance(d, InvariantInput):
                    raise self.fail(f"{name}: If takes only invariant inputs, got {d}")
                self.bind_parameter(
                    self.bodies[name],
                    d.body_parameter_index,
                    self.input_type(d.input_index),
                    self.input_shape(d.input_index),
                )
            self.bodies[name].validate_nodes_and_infer_types()
        cond = self.input_value(0)
        branches = (
            self.body_names if cond is None else [self.body_names[0 if first_scalar(cond) else 1]]
        )
        outs: list[Any] = [None] * self.num_outputs
        for name in branches:
            for d in self.output_descriptions[name]:
                port = self.result_port(name, d.body_value_index)
                new = (port.element_type, port.partial_shape)
                if outs[d.output_index] is not None:
                    t, s = outs[d.output_index]
                    new = (
                        union_type(t, new[0], f"output {d.output_index} of the two bodies"),
                        union_shape(s, new[1]),
                    )
                outs[d.output_index] = new
        return outs

    def evaluate(self, cond: np.ndarray, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        name = self.body_names[0 if first_scalar(cond) else 1]
        args = (cond, *inputs)
        values: list[np.ndarray | None] = [None] * len(self.bodies[name].get_parameters())
        for d in self.input_descriptions[name]:
            values[d.body_parameter_index] = args[d.input_index]
        results = evaluate_model(self.bodies[name], values)
        outs: list[Any] = [None] * self.num_outputs
        for d in self.output_descriptions[name]:
            outs[d.output_index] = results[d.body_value_index]
        return tuple(outs)


class TensorIterator1(IterationOp):
    """TensorIterator: runs ``body`` once per part of its sliced inputs (or ``num_iterations``)."""

    type_name = "TensorIterator"
    version_id = "opset1"
    num_inputs = (0, None)
    extra_keywords = ("num_iterations",)

    def set_extra(self, extra: dict[str, Any]) -> None:
        n = extra.get("num_iterations")
        self.num_iterations: int | None = None if n is None else int(n)

    def iterations(self) -> int | None:
        return self.slice_count() if self.sliced() else self.num_iterations

    def infer(self) -> list[tuple[Type, PartialShape]]:
        self.check_structure(0)
        self.bind_body()
        return self.output_types(self.iterations())

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        if not self.sliced() and self.num_iterations is None:
            raise self.fail(
                "without sliced inputs the number of iterations must be given (num_iterations)"
            )
        return self.iterate(inputs, None if self.sliced() else self.num_iterations)


class Loop5(IterationOp):
    """Loop: ``for (i = 0; i < trip_count && cond; ++i) cond = body(...)``; trip_count -1 means
    no limit (sliced inputs still stop it when they run out)."""

    type_name = "Loop"
    version_id = "opset5"
    num_inputs = (2, None)
    extra_keywords = ("special_body_ports",)

    def set_extra(self, extra: dict[str, Any]) -> None:
        ports = extra.get("special_body_ports") or SpecialBodyPorts()
        self.special_body_ports = (
            ports if isinstance(ports, SpecialBodyPorts) else SpecialBodyPorts(**ports)
        )

    def infer(self) -> list[tuple[Type, PartialShape]]:
        _check_flag(self, 0, "trip_count", integer=True)
        _check_flag(self, 1, "execution_condition", integer=False)
        body, ports = self.bodies["body"], self.special_body_ports
        cur, cond = ports.current_iteration_input_idx, ports.body_condition_output_idx
        if not 0 <= cond < len(body.get_results()):
            raise self.fail(
                f"special_body_ports: body_condition_output_idx {cond} is not a body result"
            )
        if cur >= len(body.get_parameters()):
            raise self.fail(
                f"special_body_ports: current_iteration_input_idx {cur} is not a body parameter"
            )
        self.check_structure(2, free=(cur,))
        if cur >= 0:
            t = body.get_parameters()[cur].get_element_type()
            if t is not Type.dynamic and not (t.is_integral and t is not Type.boolean):
                raise self.fail(f"the current-iteration parameter must be an integer, got {t.name}")
        self.bind_body()
        if self.result_port("body", cond).element_type not in (Type.boolean, Type.dynamic):
            raise self.fail("the body's execution-condition result must be boolean")
        return self.output_types(self.iterations())

    def iterations(self) -> int | None:
        """The iteration count when the trip count and conditions are known at build time."""
        trip, first = self.input_value(0), self.input_value(1)
        if first is not None and not first_scalar(first):
            return 0
        port = self.result_port("body", self.special_body_ports.body_condition_output_idx)
        always = port.node.output_value(port.index)
        if first is None or always is None or not first_scalar(always) or trip is None:
            return None
        limit, slices = int(first_scalar(trip)), self.slice_count()
        if self.sliced() and slices is None:
            return None
        counts = [c for c in (limit if limit >= 0 else None, slices) if c is not None]
        return min(counts) if counts else None

    def evaluate(
        self, trip: np.ndarray, cond: np.ndarray, *inputs: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        limit = int(first_scalar(trip))
        ports = self.special_body_ports
        return self.iterate(
            (trip, cond, *inputs),
            limit if limit >= 0 else None,
            run_first=bool(first_scalar(cond)),
            current_iteration=ports.current_iteration_input_idx,
            condition=ports.body_condition_output_idx,
        )


OPS = [If8, Loop5, TensorIterator1]

__all__ = [
    "OPS",
    "BodyOutput",
    "ConcatOutput",
    "If8",
    "InvariantInput",
    "Loop5",
    "MergedInput",
    "SlicedInput",
    "SpecialBodyPorts",
    "SubGraphOp",
    "TensorIterator1",
    "body_port_maps",
    "evaluate_model",
]
