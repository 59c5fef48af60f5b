"""Graph nodes: ``Op`` (one node of the IR graph) and ``Output`` (one of its output ports)."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from pyvino._attrs import Attr, AttrValueError
from pyvino._errors import OpValidationError, PyvinoError
from pyvino._shape import PartialShape
from pyvino._types import Type

_ids = itertools.count()

# Constant-propagated values larger than this are not computed during shape inference.
_MAX_PROPAGATED_ELEMENTS = 1 << 16


class Output:
    """Output port ``index`` of ``node``: the tensor flowing along the graph's edges."""

    __slots__ = ("node", "index")

    def __init__(self, node: Op, index: int) -> None:
        self.node = node
        self.index = index

    @property
    def element_type(self) -> Type:
        return self.node._out_types[self.index]

    def get_element_type(self) -> Type:
        return self.element_type

    @property
    def partial_shape(self) -> PartialShape:
        return self.node._out_shapes[self.index]

    def get_partial_shape(self) -> PartialShape:
        return self.partial_shape

    @property
    def shape(self) -> tuple[int, ...]:
        return self.partial_shape.to_shape()

    def get_shape(self) -> tuple[int, ...]:
        return self.shape

    @property
    def names(self) -> set[str]:
        """The tensor names of this output (mutable set)."""
        return self.node._names[self.index]

    def get_names(self) -> set[str]:
        return set(self.names)

    def get_any_name(self) -> str:
        if not self.names:
            raise PyvinoError(f"output {self.index} of node {self.node.friendly_name!r} has no name")
        return sorted(self.names)[0]

    @property
    def any_name(self) -> str:
        return self.get_any_name()

    def set_names(self, names: Sequence[str]) -> None:
        self.node._names[self.index] = set(names)

    def add_names(self, names: Sequence[str]) -> None:
        self.node._names[self.index].update(names)

    @property
    def rt_info(self) -> dict[str, Any]:
        return self.node._out_rt_info[self.index]

    def get_node(self) -> Op:
        return self.node

    def get_index(self) -> int:
        return self.index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Output) and other.node is self.node and other.index == self.index

    def __hash__(self) -> int:
        return hash((id(self.node), self.index))

    def __repr__(self) -> str:
        return (
            f"<Output: {self.node.friendly_name}:{self.index} "
            f"{self.element_type.name}{self.partial_shape}>"
        )


def as_output(value: Any) -> Output:
    """An ``Output`` for an Output or a single-output node; other values are rejected."""
    if isinstance(value, Output):
        return value
    if isinstance(value, Op):
        if value.get_output_size() != 1:
            raise PyvinoError(
                f"node {value.friendly_name!r} has {value.get_output_size()} outputs; "
                "pass node.output(i) to choose one"
            )
        return value.output(0)
    raise PyvinoError(f"expected a graph Output or node, got {type(value).__name__}")


class Op:
    """Base class of every operation: typed attributes, ``infer()`` and reference ``evaluate()``.

    A subclass declares ``type_name`` (the IR type), ``version_id`` (the opset where this
    version first appeared), ``attributes`` and ``num_inputs``; it implements ``infer`` (output
    types and shapes from ``input_type``/``input_shape``/``input_value``) and ``evaluate``
    (numpy in, tuple of numpy out). Attributes are parsed once here, so ``self.attrs`` always
    holds typed values, and any error names the node, the op and the attribute.
    """

    type_name: ClassVar[str] = ""
    version_id: ClassVar[str] = "opset1"
    attributes: ClassVar[tuple[Attr, ...]] = ()
    num_inputs: ClassVar[int | tuple[int, int | None]] = 0

    def __init__(
        self,
        inputs: Sequence[Any] = (),
        attrs: Mapping[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        self.inputs: list[Output] = [as_output(x) for x in inputs]
        self.friendly_name: str = name or f"{self.type_name}_{next(_ids)}"
        self.rt_info: dict[str, Any] = {}
        self.attrs: dict[str, Any] = self._parse_attrs(attrs or {})
        self._out_types: list[Type] = []
        self._out_shapes: list[PartialShape] = []
        self._names: list[set[str]] = []
        self._out_rt_info: list[dict[str, Any]] = []
        self.validate()

    # ----------------------------------------------------------------- identity and attributes
    @classmethod
    def op_version(cls) -> int:
        """The class version number, e.g. 8 for Gather-8 (from the class name suffix)."""
        digits = "".join(itertools.takewhile(str.isdigit, reversed(cls.__name__)))
        if digits:
            return int(digits[::-1])
        suffix = cls.version_id.removeprefix("opset")
        return int(suffix) if suffix.isdigit() else 1  # e.g. version_id "extension"

    def get_type_name(self) -> str:
        return self.type_name

    def get_friendly_name(self) -> str:
        return self.friendly_name

    def set_friendly_name(self, name: str) -> None:
        self.friendly_name = name

    def describe(self) -> str:
        return f"node {self.friendly_name!r} ({self.type_name}-{self.op_version()})"

    def fail(self, message: str) -> OpValidationError:
        """An OpValidationError naming this node; ``raise self.fail("...")``."""
        return OpValidationError(f"{self.describe()}: {message}")

    def _parse_attrs(self, given: Mapping[str, Any]) -> dict[str, Any]:
        known = {a.name: a for a in self.attributes}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise self.fail(
                f"unknown attribute(s) {', '.join(unknown)}; expected "
                + (", ".join(known) or "none")
            )
        parsed: dict[str, Any] = {}
        for attr in self.attributes:
            if attr.name not in given or given[attr.name] is None:
                if attr.required:
                    raise self.fail(f"attribute {attr.name!r} is required ({attr.kind.name})")
                parsed[attr.name] = attr.default
                continue
            try:
                parsed[attr.name] = attr.kind.parse(given[attr.name])
            except AttrValueError as exc:
                raise self.fail(f"attribute {attr.name!r}: {exc}") from None
        return parsed

    def format_attrs(self) -> dict[str, str]:
        """Attributes as IR strings, in declaration order (what the IR writer emits)."""
        return {a.name: a.kind.format(self.attrs[a.name]) for a in self.attributes}

    # ----------------------------------------------------------------- inputs and outputs
    def input_type(self, i: int) -> Type:
        return self.inputs[i].element_type

    def input_shape(self, i: int) -> PartialShape:
        return self.inputs[i].partial_shape

    def input_value(self, i: int) -> np.ndarray | None:
        """The value of input ``i`` if it is known at graph-build time (constants, static ShapeOf)."""
        return self.inputs[i].node.output_value(self.inputs[i].index)

    def output_value(self, index: int) -> np.ndarray | None:
        """This node's output value if all its inputs are known and it is small, else None."""
        if "_value_cache" in self.__dict__:  # cached, including "not known" (None)
            cache = self.__dict__["_value_cache"]
            return None if cache is None else cache[index]
        self.__dict__["_value_cache"] = result = self._propagate_value()
        return None if result is None else result[index]

    def _propagate_value(self) -> tuple[np.ndarray, ...] | None:
        if not self._out_shapes or not all(s.is_static for s in self._out_shapes):
            return None
        if any(int(np.prod(s.to_shape())) > _MAX_PROPAGATED_ELEMENTS for s in self._out_shapes):
            return None
        values = []
        for i in range(len(self.inputs)):
            value = self.input_value(i)
            if value is None:
                return None
            values.append(value)
        try:
            return tuple(self.evaluate(*values))
        except Exception:
            return None

    def get_input_size(self) -> int:
        return len(self.inputs)

    def get_output_size(self) -> int:
        return len(self._out_types)

    def output(self, i: int) -> Output:
        if not 0 <= i < len(self._out_types):
            raise PyvinoError(f"{self.describe()} has no output {i}")
        return Output(self, i)

    def outputs(self) -> list[Output]:
        return [Output(self, i) for i in range(len(self._out_types))]

    def input_values(self) -> list[Output]:
        return list(self.inputs)

    def get_output_element_type(self, i: int) -> Type:
        return self._out_types[i]

    def get_output_partial_shape(self, i: int) -> PartialShape:
        return self._out_shapes[i]

    # ----------------------------------------------------------------- validation
    def _check_input_count(self) -> None:
        n = len(self.inputs)
        spec = self.num_inputs
        lo, hi = (spec, spec) if isinstance(spec, int) else spec
        if n < lo or (hi is not None and n > hi):
            expected = str(lo) if lo == hi else f"{lo}..{'' if hi is None else hi}"
            raise self.fail(f"expected {expected} inputs, got {n}")

    def validate(self) -> None:
        """Check inputs and (re)compute output types and shapes; call after changing inputs."""
        self.__dict__.pop("_value_cache", None)
        self._check_input_count()
        try:
            results = self.infer()
        except PyvinoError as exc:
            if isinstance(exc, OpValidationError) and self.friendly_name in str(exc):
                raise
            raise self.fail(str(exc)) from None
        except (ValueError, IndexError, TypeError, KeyError, ZeroDivisionError) as exc:
            raise self.fail(f"shape inference failed: {exc}") from None
        try:
            n = len(results)
            types = [Type.get(t) for t, _ in results]
            shapes = [PartialShape(s) for _, s in results]
        except Exception as exc:
            raise self.fail(
                f"infer() must return a list of (element type, shape) pairs, got {results!r} "
                f"({type(exc).__name__}: {exc})"
            ) from None
        self._out_types, self._out_shapes = types, shapes
        while len(self._names) < n:
            self._names.append(set())
            self._out_rt_info.append({})
        del self._names[n:], self._out_rt_info[n:]

    def infer(self) -> list[tuple[Type, PartialShape]]:
        """Output (element type, shape) pairs from the inputs' types, shapes and known values."""
        raise NotImplementedError(f"{type(self).__name__} does not implement infer()")

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        """Reference implementation in numpy: one array per input, a tuple of outputs."""
        raise NotImplementedError(f"{type(self).__name__} has no reference evaluate()")

    def clone_with_new_inputs(self, inputs: Sequence[Output]) -> Op:
        """A copy of this node (attributes, names, rt_info) wired to ``inputs``."""
        node = copy.copy(self)
        node.inputs = [as_output(x) for x in inputs]
        node.rt_info = copy.deepcopy(self.rt_info)
        node.attrs = dict(self.attrs)
        node._names = [set(n) for n in self._names]
        node._out_rt_info = [copy.deepcopy(r) for r in self._out_rt_info]
        node.__dict__.pop("_value_cache", None)
        node.validate()
        return node

    def __repr__(self) -> str:
        outs = ", ".join(f"{t.name}{s}" for t, s in zip(self._out_types, self._out_shapes))
        return f"<{self.type_name}: '{self.friendly_name}' ({outs})>"
