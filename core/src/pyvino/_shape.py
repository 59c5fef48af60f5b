"""Dimension and PartialShape: static, dynamic (``?``) and interval (``1..10``) dimensions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pyvino._errors import PyvinoError

_INF = -1  # the upper bound of an unbounded interval


class Dimension:
    """One dimension: static (``8``), dynamic (``?``) or an interval (``1..10``, ``2..``)."""

    __slots__ = ("min", "max")

    def __init__(self, min_or_value: int | None = None, max_value: int | None = None) -> None:
        if min_or_value is None or min_or_value == -1 and max_value is None:
            self.min, self.max = 0, _INF
        elif max_value is None:
            if min_or_value < 0:
                raise PyvinoError(f"a static dimension must be >= 0, got {min_or_value}")
            self.min = self.max = int(min_or_value)
        else:
            lo, hi = int(min_or_value), int(max_value)
            if lo < 0 or (hi != _INF and hi < lo):
                raise PyvinoError(f"invalid dimension interval {lo}..{hi}")
            self.min, self.max = lo, hi

    @classmethod
    def dynamic(cls) -> Dimension:
        return cls()

    @classmethod
    def parse(cls, text: str | int | Dimension) -> Dimension:
        """Parse ``8``, ``-1``, ``?``, ``1..10``, ``..10``, ``2..`` (OpenVINO's spellings)."""
        if isinstance(text, Dimension):
            return text
        if isinstance(text, int):
            return cls(text)
        t = str(text).strip()
        try:
            if t in ("?", "-1", ""):
                return cls()
            if ".." in t:
                lo, hi = t.split("..", 1)
                return cls(int(lo) if lo else 0, int(hi) if hi else _INF)
            return cls(int(t))
        except (ValueError, PyvinoError) as exc:
            raise PyvinoError(f"cannot parse dimension {text!r}: expected N, ?, -1 or lo..hi") from exc

    @property
    def is_static(self) -> bool:
        return self.min == self.max

    @property
    def is_dynamic(self) -> bool:
        return not self.is_static

    def get_length(self) -> int:
        if not self.is_static:
            raise PyvinoError(f"dimension {self} is not static")
        return self.min

    def compatible(self, value: int | Dimension) -> bool:
        """True if ``value`` (a size or another dimension) can stand where this dimension is."""
        other = Dimension.parse(value)
        hi = self.max if self.max != _INF else float("inf")
        other_hi = other.max if other.max != _INF else float("inf")
        return other.min <= hi and self.min <= other_hi

    def contains(self, size: int) -> bool:
        return size >= self.min and (self.max == _INF or size <= self.max)

    def merge(self, other: Dimension) -> Dimension:
        """The intersection of two compatible dimensions."""
        lo = max(self.min, other.min)
        if self.max == _INF:
            hi = other.max
        elif other.max == _INF:
            hi = self.max
        else:
            hi = min(self.max, other.max)
        if hi != _INF and hi < lo:
            raise PyvinoError(f"dimensions {self} and {other} are incompatible")
        return Dimension(lo, hi)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int):
            return self.is_static and self.min == other
        return isinstance(other, Dimension) and (self.min, self.max) == (other.min, other.max)

    def __hash__(self) -> int:
        return hash((self.min, self.max))

    def __str__(self) -> str:
        if self.is_static:
            return str(self.min)
        if self.min == 0 and self.max == _INF:
            return "?"
        return f"{self.min if self.min else ''}..{self.max if self.max != _INF else ''}"

    def __repr__(self) -> str:
        return f"<Dimension: {self}>"


class PartialShape:
    """A shape whose rank and dimensions may be dynamic; ``PartialShape.dynamic()`` has no rank."""

    __slots__ = ("_dims",)

    def __init__(self, dims: Iterable[Any] | str | PartialShape | None = ()) -> None:
        if isinstance(dims, PartialShape):
            self._dims: tuple[Dimension, ...] | None = dims._dims
        elif dims is None:
            self._dims = None
        elif isinstance(dims, str):
            self._dims = PartialShape.parse(dims)._dims
        else:
            self._dims = tuple(Dimension.parse(d) for d in dims)

    @classmethod
    def dynamic(cls, rank: int | None = None) -> PartialShape:
        return cls(None) if rank is None else cls([Dimension()] * rank)

    @classmethod
    def parse(cls, text: str) -> PartialShape:
        """Parse ``[1,3,?,1..10]``, ``1,3,224,224``, ``?`` or ``...`` (dynamic rank)."""
        t = text.strip()
        if t in ("...", "[...]"):
            return cls(None)
        t = t.strip("[]()").strip()
        if not t:
            return cls(())
        return cls([Dimension.parse(p) for p in t.split(",")])

    @property
    def rank_is_static(self) -> bool:
        return self._dims is not None

    @property
    def rank(self) -> Dimension:
        return Dimension() if self._dims is None else Dimension(len(self._dims))

    @property
    def is_static(self) -> bool:
        return self._dims is not None and all(d.is_static for d in self._dims)

    @property
    def is_dynamic(self) -> bool:
        return not self.is_static

    def to_shape(self) -> tuple[int, ...]:
        """The static shape as a tuple of ints; raises if any dimension is dynamic."""
        if not self.is_static:
            raise PyvinoError(f"shape {self} is dynamic, a static shape was expected")
        return tuple(d.min for d in self._dims)  # type: ignore[union-attr]

    def get_shape(self) -> tuple[int, ...]:
        return self.to_shape()

    def compatible(self, shape: Sequence[int] | PartialShape) -> bool:
        """True if ``shape`` (a concrete shape or another PartialShape) fits this one."""
        other = shape if isinstance(shape, PartialShape) else PartialShape(shape)
        if self._dims is None or other._dims is None:
            return True
        return len(self._dims) == len(other._dims) and all(
            a.compatible(b) for a, b in zip(self._dims, other._dims, strict=True)
        )

    def __len__(self) -> int:
        if self._dims is None:
            raise PyvinoError("a shape of dynamic rank has no length")
        return len(self._dims)

    def __iter__(self) -> Iterator[Dimension]:
        if self._dims is None:
            raise PyvinoError("cannot iterate over a shape of dynamic rank")
        return iter(self._dims)

    def __getitem__(self, index: int) -> Dimension:
        if self._dims is None:
            raise PyvinoError("cannot index a shape of dynamic rank")
        return self._dims[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple)):
            other = PartialShape(other)
        return isinstance(other, PartialShape) and self._dims == other._dims

    def __hash__(self) -> int:
        return hash(self._dims)

    def __str__(self) -> str:
        if self._dims is None:
            return "[...]"
        return "[" + ",".join(str(d) for d in self._dims) + "]"

    def __repr__(self) -> str:
        return f"<PartialShape: {self}>"


Shape = tuple[int, ...]
