"""The converter table: (domain, op_type) -> [(since_version, fn), ...] and its lookup.

Built-in converters are listed explicitly by each module of ``frontend/onnx/ops`` in a
``CONVERTERS`` list of ``(op_type, since_version, fn)`` (or ``(domain, op_type, since, fn)``).
Converters contributed by plugins (``OnnxConverterSpec``) take precedence for their
(domain, op_type).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import Any

from pyvino._specs import OnnxConverterSpec
from pyvino.frontend.onnx._load import normalize_domain

ConverterFn = Callable[[Any], Sequence[Any]]
Table = dict[tuple[str, str], list[tuple[int, ConverterFn]]]


def table_from_modules(modules: Iterable[ModuleType]) -> Table:
    """Merge the ``CONVERTERS`` lists of ``modules`` into one table sorted by version."""
    table: Table = {}
    for module in modules:
        for entry in module.CONVERTERS:
            domain, op_type, since, fn = entry if len(entry) == 4 else ("", *entry)
            versions = table.setdefault((normalize_domain(domain), op_type), [])
            if any(v == since for v, _ in versions):
                raise ValueError(f"{module.__name__}: two converters for {op_type}-{since}")
            versions.append((since, fn))
    for versions in table.values():
        versions.sort(key=lambda item: item[0])
    return table


def _pick(versions: Sequence[tuple[int, ConverterFn]], version: int) -> ConverterFn | None:
    chosen = None
    for since, fn in versions:
        if since <= version:
            chosen = fn
    return chosen


class ConverterTable:
    """Finds the converter for (domain, op_type) at an opset version."""

    def __init__(self, builtin: Table, extra: Sequence[OnnxConverterSpec] = ()) -> None:
        self.builtin = builtin
        self.extra: Table = {}
        for spec in extra:
            key = (normalize_domain(spec.domain), spec.op_type)
            self.extra.setdefault(key, []).append((spec.since_version, spec.convert))
        for versions in self.extra.values():
            versions.sort(key=lambda item: item[0])

    def find(self, domain: str, op_type: str, version: int) -> ConverterFn | None:
        key = (normalize_domain(domain), op_type)
        if key in self.extra:
            fn = _pick(self.extra[key], version)
            if fn is not None:
                return fn
        return _pick(self.builtin.get(key, ()), version)

    def supported(self) -> list[tuple[str, str, int]]:
        """Every built-in (domain, op_type, since_version), for documentation."""
        return sorted((d, t, v) for (d, t), vs in self.builtin.items() for v, _ in vs)
