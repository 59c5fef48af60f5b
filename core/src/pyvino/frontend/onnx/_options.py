"""The ``input=`` and ``output=`` options of ``convert_onnx`` (as ``ovc --input/--output``).

``input`` gives new input shapes: a dict ``{name: shape}``, a list of shapes in input order,
a list of ``(name, shape)`` pairs, one shape (single-input models), or ovc's text form
``"x[1,3,?,1..10],len[1,?]"``. A shape is a PartialShape, a string (``"[1,?,224,224]"``) or a
sequence of dims: ints (-1 = dynamic), ``"?"``, ``"lo..hi"``, a ``Dimension`` or a
``(lo, hi)`` pair. ``output`` names the tensors that become the model's outputs (a list or a
comma-separated string).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pyvino._errors import ConversionError, PyvinoError
from pyvino._shape import Dimension, PartialShape

InputOption = Mapping[str, Any] | Sequence[Any] | str | PartialShape | None


def _dim(value: Any) -> Dimension:
    if isinstance(value, tuple) and len(value) == 2:
        lo, hi = value
        return Dimension(0 if lo is None else int(lo), -1 if hi is None else int(hi))
    return Dimension.parse(value)


def _is_dim(value: Any) -> bool:
    if isinstance(value, (int, Dimension)) and not isinstance(value, bool):
        return True
    if isinstance(value, str):
        return "[" not in value and "," not in value
    return isinstance(value, tuple) and len(value) == 2 and not isinstance(value[0], str)


def parse_shape(value: Any, where: str) -> PartialShape:
    """A PartialShape from any of the accepted shape spellings."""
    try:
        if isinstance(value, PartialShape):
            return value
        if isinstance(value, str):
            return PartialShape.parse(value)
        return PartialShape([_dim(d) for d in value])
    except (PyvinoError, TypeError, ValueError) as exc:
        raise ConversionError(f"input={where}: cannot read shape {value!r}: {exc}") from None


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _parse_text(text: str) -> list[tuple[str | None, PartialShape]]:
    entries: list[tuple[str | None, PartialShape]] = []
    for part in _split_top_level(text):
        name, bracket, rest = part.partition("[")
        if not bracket:
            raise ConversionError(f"input={text!r}: expected name[shape] or [shape], got {part!r}")
        entries.append((name.strip() or None, parse_shape("[" + rest, repr(text))))
    return entries


def parse_input(option: InputOption) -> list[tuple[str | None, PartialShape]]:
    """(input name or None for positional, shape) pairs from the ``input=`` option."""
    if option is None:
        return []
    if isinstance(option, Mapping):
        return [(str(k), parse_shape(v, repr(k))) for k, v in option.items()]
    if isinstance(option, PartialShape):
        return [(None, option)]
    if isinstance(option, str):
        return _parse_text(option)
    items = list(option)
    if items and all(_is_dim(d) for d in items):
        return [(None, parse_shape(items, repr(option)))]
    entries: list[tuple[str | None, PartialShape]] = []
    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            entries.append((item[0], parse_shape(item[1], repr(item[0]))))
        else:
            entries.append((None, parse_shape(item, repr(item))))
    return entries


def parse_output(option: str | Sequence[str] | None) -> list[str]:
    """Tensor names from the ``output=`` option (empty: keep the model's own outputs)."""
    if option is None:
        return []
    names = option.split(",") if isinstance(option, str) else list(option)
    names = [str(n).strip() for n in names]
    if not all(names):
        raise ConversionError(f"output={option!r}: empty tensor name")
    return names
