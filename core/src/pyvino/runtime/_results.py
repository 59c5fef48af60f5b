"""InferResult: request outputs, indexable by position, tensor name or Output (like OVDict)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from pyvino._errors import InferenceError
from pyvino._node import Output


class InferResult(Mapping):
    """Maps each model output port to its numpy array; ``r[0]``, ``r["prob"]``, ``r[port]``."""

    def __init__(self, ports: list[Output], values: list[np.ndarray]) -> None:
        self._ports = ports
        self._values = values

    def _index(self, key: Any) -> int:
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if -len(self._ports) <= key < len(self._ports):
                return int(key) % len(self._ports)
        elif isinstance(key, Output):
            for i, p in enumerate(self._ports):
                if p == key or (key.names and key.names & p.names):
                    return i
        elif isinstance(key, str):
            for i, p in enumerate(self._ports):
                if key in p.names or key == p.node.friendly_name:
                    return i
        names = [sorted(p.names)[0] if p.names else p.node.friendly_name for p in self._ports]
        raise InferenceError(f"no output {key!r}; outputs are: {', '.join(names)}")

    def __getitem__(self, key: Any) -> np.ndarray:
        return self._values[self._index(key)]

    def __iter__(self) -> Iterator[Output]:
        return iter(self._ports)

    def __len__(self) -> int:
        return len(self._ports)

    def to_tuple(self) -> tuple[np.ndarray, ...]:
        return tuple(self._values)

    def to_dict(self) -> dict[Output, np.ndarray]:
        return dict(zip(self._ports, self._values, strict=True))

    def names(self) -> list[str]:
        return [sorted(p.names)[0] if p.names else p.node.friendly_name for p in self._ports]

    def __repr__(self) -> str:
        return "InferResult(" + ", ".join(
            f"{n}: {v.dtype}{list(v.shape)}" for n, v in zip(self.names(), self._values)
        ) + ")"
