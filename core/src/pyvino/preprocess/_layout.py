"""Layout: names for the dimensions of a tensor (``NCHW``, ``[N,C,H,W]``, ``NC...``).

As ``ov.Layout``: one letter per dimension (``"NCHW"``), or bracketed names of any length
(``"[N,C,H,W]"``, ``"[batch,seq]"``); ``?`` is an unnamed dimension and ``...`` stands for any
number of unnamed ones. Names are case-insensitive. A port's layout lives in its rt_info as
``{"layout": {"layout": "[N,C,H,W]"}}`` (what the IR writer emits as OpenVINO does).
"""

from __future__ import annotations

from typing import Any

from pyvino._errors import PyvinoError

_ELLIPSIS = "..."


class Layout:
    """Dimension names of a tensor; ``Layout("NCHW").get_index_by_name("C") == 1``."""

    __slots__ = ("_names",)

    def __init__(self, text: str | Layout = "") -> None:
        if isinstance(text, Layout):
            self._names: tuple[str, ...] = text._names
            return
        self._names = _parse(str(text))

    @classmethod
    def scalar(cls) -> Layout:
        layout = cls()
        layout._names = ("**",)
        return layout

    # ----------------------------------------------------------------- queries
    @property
    def names(self) -> tuple[str, ...]:
        """The dimension names in order (``?`` unnamed, ``...`` the ellipsis)."""
        return self._names

    def empty(self) -> bool:
        return not self._names

    def has_name(self, name: str) -> bool:
        return name.upper() in self._names

    def get_index_by_name(self, name: str) -> int:
        """Index of dimension ``name``; negative (from the end) for names after ``...``."""
        key = name.upper()
        if key not in self._names:
            raise PyvinoError(f"layout {self.to_string()!r} has no dimension named {name!r}")
        i = self._names.index(key)
        if _ELLIPSIS in self._names and i > self._names.index(_ELLIPSIS):
            return i - len(self._names)
        return i

    def resolve(self, rank: int) -> list[str]:
        """The names of each of ``rank`` dimensions (``?`` for unnamed / ellipsis ones)."""
        names = list(self._names)
        if _ELLIPSIS in names:
            i = names.index(_ELLIPSIS)
            fill = rank - (len(names) - 1)
            if fill < 0:
                raise PyvinoError(f"layout {self.to_string()} does not fit rank {rank}")
            names[i : i + 1] = ["?"] * fill
        elif names and len(names) != rank:
            raise PyvinoError(f"layout {self.to_string()} has {len(names)} dimensions, "
                              f"the tensor has rank {rank}")
        return names

    def index_in(self, name: str, rank: int) -> int | None:
        """Non-negative index of ``name`` in a tensor of ``rank`` dims, None if absent."""
        if not self.has_name(name):
            return None
        i = self.get_index_by_name(name)
        return i + rank if i < 0 else i

    # ----------------------------------------------------------------- text
    def to_string(self) -> str:
        if not self._names:
            return ""
        return "[" + ",".join(self._names) + "]"

    def __str__(self) -> str:
        return self.to_string()

    def __repr__(self) -> str:
        return f"<Layout: {self.to_string()}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = Layout(other)
        return isinstance(other, Layout) and self._names == other._names

    def __hash__(self) -> int:
        return hash(self._names)

    def __bool__(self) -> bool:
        return bool(self._names)


def _parse(text: str) -> tuple[str, ...]:
    t = text.strip()
    if not t:
        return ()
    if t.startswith("["):
        if not t.endswith("]"):
            raise PyvinoError(f"layout {text!r}: missing closing ']'")
        body = t[1:-1].strip()
        names = [p.strip().upper() for p in body.split(",")] if body else []
    else:
        names, i = [], 0
        while i < len(t):
            if t.startswith(_ELLIPSIS, i):
                names.append(_ELLIPSIS)
                i += 3
            else:
                names.append(t[i].upper())
                i += 1
    for n in names:
        if not n or (n not in ("?", _ELLIPSIS) and not (n.replace("_", "").isalnum())):
            raise PyvinoError(f"layout {text!r}: invalid dimension name {n!r}")
    if names.count(_ELLIPSIS) > 1:
        raise PyvinoError(f"layout {text!r}: '...' may appear only once")
    named = [n for n in names if n not in ("?", _ELLIPSIS)]
    if len(named) != len(set(named)):
        raise PyvinoError(f"layout {text!r}: a dimension name is repeated")
    return tuple(names)


def find_permutation(src: Layout, rank: int, dst: Layout) -> list[int] | None:
    """Transpose order taking a tensor in ``src`` layout to ``dst`` (None if no change).

    Names in both layouts map by name; the other destination slots take the remaining source
    dimensions in their order (so ``NHWC`` -> ``NC...`` is ``[0, 3, 1, 2]``).
    """
    s, d = src.resolve(rank), dst.resolve(rank)
    perm: list[int | None] = [s.index(n) if n != "?" and n in s else None for n in d]
    rest = [i for i in range(rank) if i not in perm]
    if len(rest) != perm.count(None):
        raise PyvinoError(f"cannot convert layout {src} to {dst}: dimensions differ")
    it = iter(rest)
    order = [p if p is not None else next(it) for p in perm]
    return None if order == list(range(rank)) else order


def apply_permutation(layout: Layout, perm: list[int]) -> Layout:
    """The layout of a tensor in ``layout`` after ``Transpose(perm)``."""
    if layout.empty():
        return layout
    names = layout.resolve(len(perm))
    return Layout("[" + ",".join(names[p] for p in perm) + "]")


# ---------------------------------------------------------------------- port helpers
def get_layout(port: Any) -> Layout:
    """The layout stored on an ``Output`` (rt_info), or an empty Layout."""
    entry = port.rt_info.get("layout")
    if isinstance(entry, dict):
        return Layout(entry.get("layout", ""))
    return Layout(entry) if isinstance(entry, (str, Layout)) else Layout()


def set_layout(port: Any, layout: Layout | str) -> None:
    """Store ``layout`` on an ``Output``'s rt_info (removed when empty)."""
    layout = Layout(layout)
    if layout.empty():
        port.rt_info.pop("layout", None)
    else:
        port.rt_info["layout"] = {"layout": layout.to_string()}


def has_channels(layout: Layout) -> bool:
    return layout.has_name("C")


def channels_idx(layout: Layout) -> int:
    return layout.get_index_by_name("C")


def has_height(layout: Layout) -> bool:
    return layout.has_name("H")


def height_idx(layout: Layout) -> int:
    return layout.get_index_by_name("H")


def has_width(layout: Layout) -> bool:
    return layout.has_name("W")


def width_idx(layout: Layout) -> int:
    return layout.get_index_by_name("W")


def has_batch(layout: Layout) -> bool:
    return layout.has_name("N")


def batch_idx(layout: Layout) -> int:
    return layout.get_index_by_name("N")
