"""Packed weights shared by every plan built on the same constant data.

A shape specialisation of a dynamic model (``_specialise``) is planned on a clone of the
model, and clones share their Constants' arrays; a kernel's packed weights (Winograd's
``G w Gt``: about 0.1 s for a 512x512 layer) depend only on those arrays, so they are
computed once per array and kind of packing, and dropped when the array is freed.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

import numpy as np

_packed: dict[int, dict[tuple, np.ndarray]] = {}  # id(root array) -> {view and kind: packed}
_lock = threading.Lock()


def _root(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory (the Constant's data, for its views)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def packed(weights: np.ndarray, kind: str, pack: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``pack(weights)``, computed once per weights array (and view of it) and ``kind``.

    Constant data is read-only by contract, so the memory it occupies identifies it.
    """
    root = _root(weights)
    key = (
        kind,
        weights.__array_interface__["data"][0],
        weights.shape,
        weights.strides,
        weights.dtype.str,
    )
    with _lock:
        entries = _packed.get(id(root))
        if entries is None:
            entries = _packed[id(root)] = {}
            weakref.finalize(root, _packed.pop, id(root), None)
        found = entries.get(key)
    if found is None:
        found = pack(weights)
        with _lock:
            entries[key] = found
    return found
