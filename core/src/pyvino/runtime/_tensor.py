"""Tensor: a typed, shaped buffer (a thin wrapper over a numpy array)."""

from __future__ import annotations

from typing import Any

import numpy as np

from pyvino._errors import PyvinoError
from pyvino._types import Type


class Tensor:
    """``Tensor(array)`` shares the array; ``Tensor(type, shape)`` allocates zeros."""

    def __init__(self, array_or_type: Any, shape: Any = None, shared_memory: bool = True) -> None:
        if shape is not None or isinstance(array_or_type, Type):
            t = Type.get(array_or_type)
            self._data = np.zeros(tuple(shape or ()), dtype=t.dtype)
            self._type = t
        else:
            arr = np.asarray(array_or_type)
            self._data = arr if shared_memory else arr.copy()
            self._type = Type.get(arr.dtype)

    @property
    def data(self) -> np.ndarray:
        return self._data

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._data.shape)

    @shape.setter
    def shape(self, value: Any) -> None:
        value = tuple(int(v) for v in value)
        if value != self.shape:
            self._data = np.zeros(value, dtype=self._data.dtype)

    def get_shape(self) -> tuple[int, ...]:
        return self.shape

    @property
    def element_type(self) -> Type:
        return self._type

    def get_element_type(self) -> Type:
        return self._type

    @property
    def size(self) -> int:
        return int(self._data.size)

    @property
    def byte_size(self) -> int:
        return int(self._data.nbytes)

    @property
    def strides(self) -> tuple[int, ...]:
        return tuple(self._data.strides)

    def copy_to(self, other: Tensor) -> None:
        other._data = self._data.copy()
        other._type = self._type

    def copy_from(self, source: Any) -> None:
        src = source.data if isinstance(source, Tensor) else np.asarray(source)
        if src.shape != self._data.shape:
            raise PyvinoError(f"copy_from: shape {src.shape} differs from {self._data.shape}")
        np.copyto(self._data, src, casting="same_kind")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __repr__(self) -> str:
        return f"<Tensor: shape{list(self.shape)} type: {self._type.name}>"
