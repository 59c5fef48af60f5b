"""Typed op attributes: each kind parses a Python or IR-string value once and formats it back."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from pyvino._shape import PartialShape
from pyvino._types import Type

REQUIRED: Any = object()  # marks an attribute without a default


class AttrValueError(ValueError):
    """Raised by a parser; the Op base turns it into an OpValidationError naming node and attribute."""


def _split(text: str) -> list[str]:
    t = text.strip().strip("[]")
    return [] if not t else [p.strip() for p in t.split(",")]


def _to_int(v: Any) -> int:
    if isinstance(v, (bool, np.bool_)):
        raise AttrValueError(f"expected an integer, got {v!r}")
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            raise AttrValueError(f"expected an integer, got {v!r}") from None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    raise AttrValueError(f"expected an integer, got {v!r}")


def _to_float(v: Any) -> float:
    if isinstance(v, (bool, np.bool_)):
        raise AttrValueError(f"expected a number, got {v!r}")
    try:
        return float(v.strip() if isinstance(v, str) else v)
    except (TypeError, ValueError):
        raise AttrValueError(f"expected a number, got {v!r}") from None


def _to_bool(v: Any) -> bool:
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ("true", "false", "1", "0"):
        return v.strip().lower() in ("true", "1")
    raise AttrValueError(f"expected true or false, got {v!r}")


def _to_str(v: Any) -> str:
    if not isinstance(v, str):
        raise AttrValueError(f"expected a string, got {v!r}")
    return v


def _list_of(conv: Callable[[Any], Any]) -> Callable[[Any], tuple]:
    def parse(v: Any) -> tuple:
        if isinstance(v, str):
            return tuple(conv(p) for p in _split(v))
        if isinstance(v, np.ndarray):
            v = v.tolist()
        if isinstance(v, (list, tuple)):
            return tuple(conv(p) for p in v)
        raise AttrValueError(f"expected a list, got {v!r}")

    return parse


def _fmt_float(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if math.isnan(x):
        return "nan"
    if float(x).is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(float(x))


def _to_type(v: Any) -> Type:
    try:
        return Type.get(v)
    except Exception as exc:
        raise AttrValueError(str(exc)) from None


def _to_shape(v: Any) -> PartialShape:
    if isinstance(v, PartialShape):
        return v
    try:
        return PartialShape.parse(v) if isinstance(v, str) else PartialShape(v)
    except Exception as exc:
        raise AttrValueError(f"expected a shape, got {v!r}: {exc}") from None


@dataclass(frozen=True)
class AttrKind:
    """How one kind of attribute is parsed from Python/IR text and written back to IR text."""

    name: str
    parse: Callable[[Any], Any]
    format: Callable[[Any], str]


INT = AttrKind("int", _to_int, str)
FLOAT = AttrKind("float", _to_float, _fmt_float)
BOOL = AttrKind("bool", _to_bool, lambda v: "true" if v else "false")
STR = AttrKind("string", _to_str, str)
INTS = AttrKind("list of ints", _list_of(_to_int), lambda v: ", ".join(str(x) for x in v))
FLOATS = AttrKind("list of numbers", _list_of(_to_float), lambda v: ", ".join(_fmt_float(x) for x in v))
STRS = AttrKind("list of strings", _list_of(_to_str), lambda v: ",".join(v))
TYPE = AttrKind("element type", _to_type, lambda v: v.name)
SHAPE = AttrKind(
    "shape",
    _to_shape,
    lambda v: "..." if not v.rank_is_static else ",".join(str(d) if str(d) != "?" else "?" for d in v),
)


def enum(*choices: str, case_sensitive: bool = False) -> AttrKind:
    """An attribute taking one of ``choices``; values are normalised to the spelling given here."""
    lookup = {c if case_sensitive else c.lower(): c for c in choices}

    def parse(v: Any) -> str:
        if not isinstance(v, str):
            raise AttrValueError(f"expected one of {', '.join(choices)}, got {v!r}")
        key = v.strip() if case_sensitive else v.strip().lower()
        if key not in lookup:
            raise AttrValueError(f"expected one of {', '.join(choices)}, got {v!r}")
        return lookup[key]

    return AttrKind("one of " + ", ".join(choices), parse, str)


@dataclass(frozen=True)
class Attr:
    """Declares one attribute of an op: name, kind and default (``REQUIRED`` if none)."""

    name: str
    kind: AttrKind
    default: Any = REQUIRED

    @property
    def required(self) -> bool:
        return self.default is REQUIRED
