"""Opsets (named tables of op classes), the registry that looks ops up, and the model builder."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from pyvino._core_ops import Constant, Parameter
from pyvino._errors import PluginError, UnknownOpError
from pyvino._node import Op, Output

# Spellings the IR serializer has used for some ops; readers must accept them.
LEGACY_TYPE_NAMES = {"Const": "Constant", "ReLU": "Relu", "SoftMax": "Softmax", "PReLU": "PRelu"}
# Ops the IR reader accepts under version="opset1" although they first appeared later.
_OPSET1_SPECIAL_CASES = {"MVN", "ReorgYolo"}


def opset_number(name: str) -> int | None:
    m = re.fullmatch(r"opset(\d+)", name)
    return int(m.group(1)) if m else None


class Opset:
    """A named table ``type name -> Op class`` (e.g. ``opset8``, or ``extension``)."""

    def __init__(self, name: str, ops: Iterable[type[Op]] = ()) -> None:
        self.name = name
        self._ops: dict[str, type[Op]] = {}
        for op in ops:
            self.add(op)

    def add(self, op: type[Op]) -> None:
        if not (isinstance(op, type) and issubclass(op, Op)) or not op.type_name:
            raise PluginError(f"opset {self.name}: {op!r} is not an Op class with a type_name")
        if op.type_name in self._ops and self._ops[op.type_name] is not op:
            raise PluginError(
                f"opset {self.name}: two classes for type {op.type_name!r}: "
                f"{self._ops[op.type_name].__qualname__} and {op.__qualname__}"
            )
        self._ops[op.type_name] = op

    def get(self, type_name: str) -> type[Op] | None:
        return self._ops.get(type_name) or self._ops.get(LEGACY_TYPE_NAMES.get(type_name, ""))

    def __getitem__(self, type_name: str) -> type[Op]:
        op = self.get(type_name)
        if op is None:
            raise UnknownOpError(
                f"Opset {self.name} doesn't contain the operation with type: {type_name}"
            )
        return op

    def __contains__(self, type_name: object) -> bool:
        return isinstance(type_name, str) and self.get(type_name) is not None

    def __iter__(self) -> Iterator[type[Op]]:
        return iter(self._ops.values())

    def __len__(self) -> int:
        return len(self._ops)

    def types(self) -> list[str]:
        return sorted(self._ops)

    def __repr__(self) -> str:
        return f"<Opset {self.name}: {len(self._ops)} ops>"


class OpsetRegistry:
    """Every opset contributed by plugins; looks ops up by (type, opset)."""

    def __init__(self) -> None:
        self._opsets: dict[str, Opset] = {}
        self._origin: dict[tuple[str, str], str] = {}

    def add(self, opset: Opset, origin: str = "<runtime>") -> None:
        """Merge ``opset`` (same-named opsets from several distributions are merged)."""
        target = self._opsets.setdefault(opset.name, Opset(opset.name))
        for op in opset:
            key = (opset.name, op.type_name)
            existing = target.get(op.type_name)
            if existing is not None and existing is not op:
                raise PluginError(
                    f"op {op.type_name!r} in {opset.name} is provided twice: by "
                    f"{self._origin[key]} ({existing.__qualname__}) and by {origin} "
                    f"({op.__qualname__})"
                )
            target.add(op)
            self._origin[key] = origin

    def names(self) -> list[str]:
        def key(n: str) -> tuple[int, str]:
            num = opset_number(n)
            return (num if num is not None else 10**6, n)

        return sorted(self._opsets, key=key)

    def get_opset(self, name: str) -> Opset:
        if name not in self._opsets:
            raise UnknownOpError(f"unsupported opset: {name}; installed: {', '.join(self.names())}")
        return self._opsets[name]

    def has_opset(self, name: str) -> bool:
        return name in self._opsets

    def origin(self, opset: str, type_name: str) -> str | None:
        return self._origin.get((opset, LEGACY_TYPE_NAMES.get(type_name, type_name)))

    def lookup(self, type_name: str, opset: str) -> type[Op]:
        """The class for ``type_name`` as defined in ``opset`` (legacy spellings accepted)."""
        if opset not in self._opsets:
            raise UnknownOpError(
                f"Cannot create {type_name} from unsupported opset: {opset} "
                f"(installed: {', '.join(self.names()) or 'none'})"
            )
        op = self._opsets[opset].get(type_name)
        if op is None and opset == "opset1" and type_name in _OPSET1_SPECIAL_CASES:
            op = self.find(type_name, latest=False)
        if op is None:
            raise UnknownOpError(
                f"Opset {opset} doesn't contain the operation with type: {type_name}"
            )
        return op

    def find(self, type_name: str, latest: bool = True) -> type[Op] | None:
        """The class for ``type_name`` in the newest (or oldest) numbered opset containing it."""
        numbered = [n for n in self.names() if opset_number(n) is not None]
        for name in reversed(numbered) if latest else numbered:
            op = self._opsets[name].get(type_name)
            if op is not None:
                return op
        for name in self.names():
            op = self._opsets[name].get(type_name)
            if op is not None:
                return op
        return None

    def latest_opset(self) -> str:
        numbered = [n for n in self.names() if opset_number(n) is not None]
        if not numbered:
            raise UnknownOpError("no numbered opset is installed (install pyvino-opsets)")
        return numbered[-1]

    def builder(self, opset: str | None = None) -> OpsetBuilder:
        return OpsetBuilder(self.get_opset(opset or self.latest_opset()))


def _normalise(name: str) -> str:
    return name.replace("_", "").lower()


def constant_like(value: Any) -> Output:
    """Python/numpy values as Constant outputs (floats -> f32, ints -> i64, as OpenVINO does)."""
    return Constant(value).output(0)


def as_input(value: Any) -> Output:
    if isinstance(value, Output):
        return value
    if isinstance(value, Op):
        if value.get_output_size() != 1:
            raise UnknownOpError(
                f"{value.describe()} has {value.get_output_size()} outputs; pass node.output(i)"
            )
        return value.output(0)
    if isinstance(value, (np.ndarray, np.generic, int, float, bool, list, tuple)):
        return constant_like(value)
    raise UnknownOpError(f"cannot use {type(value).__name__} as an op input")


class OpsetBuilder:
    """Build models in code, like ``openvino.opsetN``: ``ops.relu(x)``, ``ops.convolution(...)``.

    Positional arguments are inputs (Outputs, nodes, or numpy/Python values that become
    Constants); keyword arguments are attributes, plus ``name``. ``matmul``, ``mat_mul`` and
    ``MatMul`` all name the same op.
    """

    def __init__(self, opset: Opset) -> None:
        self.opset = opset
        self._by_key = {_normalise(op.type_name): op for op in opset}

    def parameter(self, shape: Any, element_type: Any = "f32", name: str | None = None) -> Parameter:
        node = Parameter(element_type, shape, name)
        if name:
            node.output(0).set_names([name])
        return node

    def constant(self, value: Any, element_type: Any = None, name: str | None = None) -> Constant:
        return Constant(value, element_type, name)

    def op_class(self, name: str) -> type[Op]:
        op = self._by_key.get(_normalise(name))
        if op is None:
            raise UnknownOpError(f"Opset {self.opset.name} doesn't contain an operation {name!r}")
        return op

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        op = self.op_class(name)

        def make(*inputs: Any, name: str | None = None, **attrs: Any) -> Op:
            return op([as_input(x) for x in inputs], attrs, name)

        make.__name__ = name
        make.__doc__ = f"Build a {op.type_name}-{op.op_version()} node."
        return make

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._by_key))
