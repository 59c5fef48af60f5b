"""Example cases of single ops: the records, the model builder and the case index.

An ``OpCase`` gives one op's inputs (``Data``: a model input filled with seeded random values,
or ``Const``: a constant) and attributes. A case is written once per op type and applies to
every version of the type whose inputs and attributes it fits: attributes a version does not
declare are dropped, and a version the case cannot build for is simply not covered by it
(``versions`` can also restrict a case explicitly). Float data is rounded to values f16 can
hold, so a device that stores f16 sees exactly the inputs the reference sees.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pyvino._core_ops import Constant, Parameter, Result
from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._node import Op
from pyvino._opset import OpsetRegistry
from pyvino._types import Type


@dataclass(frozen=True)
class Data:
    """A model input: random data of ``shape`` and ``type`` (uniform in [low, high) when given,
    else standard normal for floats and integers in [0, 4)), or exactly ``value``."""

    shape: tuple[int, ...]
    type: str = "f32"
    low: float | None = None
    high: float | None = None
    value: Any = None

    def generate(self, rng: np.random.Generator) -> np.ndarray:
        t = Type.get(self.type)
        if self.value is not None:
            return np.asarray(self.value, dtype=t.dtype).reshape(self.shape)
        if t is Type.boolean:
            return rng.integers(0, 2, self.shape).astype(bool)
        if not t.is_real:
            lo, hi = int(self.low if self.low is not None else 0), int(self.high or 4)
            return rng.integers(lo, hi, self.shape).astype(t.dtype)
        if self.low is not None and self.high is not None:
            x = rng.uniform(self.low, self.high, self.shape)
        else:
            x = rng.standard_normal(self.shape)
        return x.astype(np.float16).astype(t.dtype)  # representable in f16 (see module doc)


@dataclass(frozen=True)
class Const:
    """A constant input (Python ints become i64 and floats f32 unless ``type`` is given)."""

    value: Any
    type: str | None = None


@dataclass(frozen=True)
class OpCase:
    """One example of an op type: ``inputs`` in port order, ``attrs`` for every version."""

    name: str
    inputs: Sequence[Data | Const]
    attrs: Mapping[str, Any] = field(default_factory=dict)
    versions: tuple[int, ...] | None = None


def build_case(
    cls: type[Op], case: OpCase, seed: int | None = None
) -> tuple[Model, list[np.ndarray]]:
    """A model of one ``cls`` node for ``case`` and its input data; raises PyvinoError when
    the case does not fit this version of the op."""
    if case.versions is not None and op_label(cls).rpartition("-")[2] not in map(
        str, case.versions
    ):
        raise PyvinoError(f"case {case.name!r} is for versions {case.versions}")
    rng = np.random.default_rng(
        zlib.crc32(f"{cls.type_name}/{case.name}".encode()) if seed is None else seed
    )
    params: list[Parameter] = []
    data: list[np.ndarray] = []
    inputs = []
    for i, item in enumerate(case.inputs):
        if isinstance(item, Const):
            inputs.append(Constant(item.value, item.type, name=f"const{i}").output(0))
            continue
        param = Parameter(item.type, list(item.shape), name=f"input{i}")
        param.output(0).set_names([f"input{i}"])
        params.append(param)
        data.append(item.generate(rng))
        inputs.append(param.output(0))
    declared = {a.name for a in cls.attributes}
    attrs = {k: v for k, v in case.attrs.items() if k in declared}
    node = cls(inputs, attrs, name=f"{cls.type_name.lower()}_under_test")
    results = [Result([out], name=f"output{p}") for p, out in enumerate(node.outputs())]
    for p, out in enumerate(node.outputs()):
        out.set_names([f"output{p}"])
    return Model(results, params, f"{op_label(cls)}_{case.name}"), data


def op_label(cls: type[Op]) -> str:
    """``Type-version`` (``Gather-8``), or ``Type-opset`` when the class has no version number."""
    try:
        return f"{cls.type_name}-{cls.op_version()}"
    except ValueError:
        return f"{cls.type_name}-{cls.version_id}"


def installed_op_classes(registry: OpsetRegistry) -> list[type[Op]]:
    """Every distinct op class of every installed opset, in (type, version) order."""
    found: dict[int, type[Op]] = {}
    for name in registry.names():
        for cls in registry.get_opset(name):
            if cls.type_name not in ("Parameter", "Constant", "Result"):
                found.setdefault(id(cls), cls)
    return sorted(found.values(), key=lambda c: (c.type_name, c.version_id, c.__name__))


def op_case_index(
    registry: OpsetRegistry, table: Mapping[str, Sequence[OpCase]]
) -> tuple[dict[str, tuple[type[Op], OpCase]], list[str]]:
    """({case id: (class, case)}, [``Type-version`` of op classes no case fits])."""
    index: dict[str, tuple[type[Op], OpCase]] = {}
    uncovered: list[str] = []
    for cls in installed_op_classes(registry):
        label = op_label(cls)
        fitting = []
        for case in table.get(cls.type_name, ()):
            try:
                build_case(cls, case)
            except (PyvinoError, ValueError, TypeError, IndexError, KeyError):
                continue
            fitting.append(case)
        for case in fitting:
            index[f"{label}/{case.name}"] = (cls, case)
        if not fitting:
            uncovered.append(label)
    return index, uncovered
