"""Sub-graph ops: a body evaluator, shape unions and the ``SubGraphOp`` base class.

A sub-graph op owns its bodies (``self.bodies: dict[str, Model]``, keyed by the IR element name:
``body``, or ``then_body``/``else_body``) and describes how its ports meet each body's
Parameters and Results with the frozen dataclasses of ``_subgraph_ports``
(``self.input_descriptions`` and ``self.output_descriptions``: ``dict[body name, list]``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from pyvino import Dimension, Model, Op, Output, PartialShape, Type
from pyvino._core_ops import Parameter
from pyvino._errors import OpValidationError, PyvinoError

from pyvino_opsets._common import dim_upper, make_dim
from pyvino_opsets._subgraph_ports import MergedInput


def evaluate_model(model: Model, inputs: Sequence[np.ndarray | None]) -> list[np.ndarray]:
    """Run ``model`` by calling each op's ``evaluate`` in ``get_ordered_ops()`` order.

    ``inputs`` holds one array per parameter; ``None`` is allowed for a parameter nothing uses.
    Returns one array per Result.
    """
    params = model.get_parameters()
    if len(inputs) != len(params):
        raise PyvinoError(
            f"body {model.friendly_name!r} has {len(params)} parameters, got {len(inputs)}"
        )
    values: dict[tuple[int, int], Any] = {
        (id(p), 0): x for p, x in zip(params, inputs, strict=True)
    }
    for node in model.get_ordered_ops():
        if isinstance(node, Parameter):
            continue
        args = [values[(id(i.node), i.index)] for i in node.inputs]
        if any(a is None for a in args):
            raise PyvinoError(f"{node.describe()} reads a body parameter that was given no value")
        for k, v in enumerate(node.evaluate(*args)):
            values[(id(node), k)] = v
    return [values[(id(r), 0)] for r in model.get_results()]


def union_dim(a: Dimension, b: Dimension) -> Dimension:
    """The smallest interval holding both dimensions (used where branches or iterations differ)."""
    return a if a == b else make_dim(min(a.min, b.min), max(dim_upper(a), dim_upper(b)))


def union_shape(a: PartialShape, b: PartialShape) -> PartialShape:
    if not a.rank_is_static or not b.rank_is_static or len(a) != len(b):
        return PartialShape.dynamic()
    return PartialShape([union_dim(x, y) for x, y in zip(a, b, strict=True)])


def union_type(a: Type, b: Type, what: str) -> Type:
    if a is Type.dynamic or b is Type.dynamic or a is b:
        return b if a is Type.dynamic else a
    raise PyvinoError(f"{what}: element types {a.name} and {b.name} differ")


def first_scalar(x: np.ndarray) -> Any:
    """The one value of a scalar or one-element tensor (trip counts, conditions)."""
    return np.asarray(x).reshape(-1)[0]


class SubGraphOp(Op):
    """Base class of If / Loop / TensorIterator: owns bodies and port descriptions.

    ``Op.__init__(inputs, attrs, name)`` is kept: the structure comes as keywords (``bodies=``
    or one keyword per body name, ``input_descriptions=``, ``output_descriptions=``, plus what a
    subclass adds in ``extra_keywords``) and is set before ``validate()`` runs. Because
    ``OpsetBuilder`` passes keyword arguments as ``attrs``, the same keys are also taken from
    ``attrs``. A description list given for a single-body op may be a plain list.
    """

    body_names: ClassVar[tuple[str, ...]] = ("body",)
    extra_keywords: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        inputs: Sequence[Any] = (),
        attrs: Mapping[str, Any] | None = None,
        name: str | None = None,
        **structure: Any,
    ) -> None:
        attrs = dict(attrs or {})
        keys = (
            "bodies",
            "input_descriptions",
            "output_descriptions",
            *self.body_names,
            *self.extra_keywords,
        )
        for key in keys:
            if key in attrs:
                structure.setdefault(key, attrs.pop(key))
        unknown = sorted(set(structure) - set(keys))
        if unknown:
            raise OpValidationError(
                f"{type(self).__name__}: unknown keyword(s) {', '.join(unknown)}"
            )
        bodies = dict(structure.pop("bodies", None) or {})
        bodies.update({n: structure.pop(n) for n in self.body_names if n in structure})
        missing = [n for n in self.body_names if not isinstance(bodies.get(n), Model)]
        if missing or set(bodies) != set(self.body_names):
            raise OpValidationError(
                f"{type(self).__name__} needs bodies {', '.join(self.body_names)} (pyvino.Model)"
            )
        if len({id(m) for m in bodies.values()}) < len(bodies):  # each body is mutated by infer
            bodies = {n: m.clone() for n, m in bodies.items()}
        self.bodies: dict[str, Model] = bodies
        self.input_descriptions = self._per_body(structure.pop("input_descriptions", None))
        self.output_descriptions = self._per_body(structure.pop("output_descriptions", None))
        self.set_extra(structure)
        super().__init__(inputs, attrs, name)

    def _per_body(self, given: Any) -> dict[str, list[Any]]:
        if given is None:
            return self.default_descriptions()
        if not isinstance(given, Mapping):
            given = {self.body_names[0]: given}
        return {n: list(given.get(n, ())) for n in self.body_names}

    def default_descriptions(self) -> dict[str, list[Any]]:
        raise OpValidationError(
            f"{type(self).__name__} needs input_descriptions and output_descriptions"
        )

    def set_extra(self, extra: dict[str, Any]) -> None:
        """Take the subclass's ``extra_keywords`` (left in ``extra``)."""

    # ------------------------------------------------------------------ graph plumbing
    def clone_with_new_inputs(self, inputs: Sequence[Output]) -> Op:
        """A copy with deep-copied bodies (constant data shared) wired to ``inputs``."""
        twin = copy.copy(self)
        twin.bodies = {n: m.clone() for n, m in self.bodies.items()}
        twin.input_descriptions = {n: list(v) for n, v in self.input_descriptions.items()}
        twin.output_descriptions = {n: list(v) for n, v in self.output_descriptions.items()}
        return Op.clone_with_new_inputs(twin, inputs)

    def output_value(self, index: int) -> np.ndarray | None:
        """Sub-graphs are not run during shape inference (they may loop for long)."""
        return None

    @property
    def num_outputs(self) -> int:
        return len(self.output_descriptions[self.body_names[0]])

    # ------------------------------------------------------------------ validation helpers
    def check_structure(self, first_data_input: int, free: tuple[int, ...] = ()) -> None:
        """Every index in range, each used body parameter fed once (except those in ``free``),
        outputs 0..n-1 covered once each."""
        for name in self.body_names:
            body = self.bodies[name]
            n_par, n_res = len(body.get_parameters()), len(body.get_results())
            fed: set[int] = set()
            for d in self.input_descriptions[name]:
                if not first_data_input <= d.input_index < len(self.inputs):
                    raise self.fail(
                        f"{name}: {d} refers to input {d.input_index}; data inputs are "
                        f"{first_data_input}..{len(self.inputs) - 1}"
                    )
                if not 0 <= d.body_parameter_index < n_par or d.body_parameter_index in fed:
                    raise self.fail(
                        f"{name}: {d} names a missing or already fed body parameter "
                        f"(the body has {n_par})"
                    )
                if isinstance(d, MergedInput) and not 0 <= d.body_value_index < n_res:
                    raise self.fail(
                        f"{name}: {d} names a missing body result (the body has {n_res})"
                    )
                fed.add(d.body_parameter_index)
            used = {id(i.node) for n in body.get_ordered_ops() for i in n.inputs}
            for k, p in enumerate(body.get_parameters()):
                if k not in fed and k not in free and id(p) in used:
                    raise self.fail(f"{name}: body parameter {k} ({p.friendly_name}) is not fed")
            outs = sorted(d.output_index for d in self.output_descriptions[name])
            if outs != list(range(len(outs))) or len(outs) != self.num_outputs:
                raise self.fail(
                    f"{name}: output descriptions must cover outputs 0..{self.num_outputs - 1} "
                    f"once each, got {outs}"
                )
            for d in self.output_descriptions[name]:
                if not 0 <= d.body_value_index < n_res:
                    raise self.fail(
                        f"{name}: {d} names a missing body result (the body has {n_res})"
                    )

    def bind_parameter(self, body: Model, index: int, t: Type, shape: PartialShape) -> None:
        param = body.get_parameters()[index]
        if t is not Type.dynamic:
            param.attrs["element_type"] = t
        param.attrs["shape"] = shape
        param.validate()

    def result_port(self, name: str, index: int) -> Output:
        return self.bodies[name].get_results()[index].inputs[0]

    # ------------------------------------------------------------------ IR
    def to_ir(self) -> dict[str, Any]:
        """Bodies, port maps and back edges for the IR writer (see ``body_port_maps``)."""
        from pyvino_opsets._subgraph_ir import body_port_maps

        return body_port_maps(self)

    @classmethod
    def from_ir(
        cls,
        inputs: Sequence[Any],
        attrs: Mapping[str, Any],
        name: str | None,
        bodies: Mapping[str, Model],
        port_map: Mapping[str, Sequence[Mapping[str, Any]]],
        back_edges: Sequence[Mapping[str, Any]] = (),
    ) -> SubGraphOp:
        """Build from what the IR reader parsed; the record formats are documented in
        ``_subgraph_ir`` and docs/architecture.md ("Sub-graph ops")."""
        from pyvino_opsets._subgraph_ir import descriptions_from_ir

        return cls(inputs, attrs, name, **descriptions_from_ir(cls, bodies, port_map, back_edges))
