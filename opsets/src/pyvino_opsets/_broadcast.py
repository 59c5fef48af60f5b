"""numpy-style broadcasting of (possibly dynamic) dimensions, used by MatMul and Einsum."""

from __future__ import annotations

from pyvino._node import Op
from pyvino._shape import Dimension


def broadcast_dim(op: Op, a: Dimension, b: Dimension, what: str) -> Dimension:
    """The broadcast of two dimensions; raises naming ``op`` when they cannot broadcast."""
    if a == 1:
        return b
    if b == 1:
        return a
    if a.is_static or b.is_static:
        static, other = (a, b) if a.is_static else (b, a)
        if not (other.compatible(static) or other.compatible(1)):
            raise op.fail(f"{what}: dimensions {a} and {b} do not broadcast")
        return static  # other is either equal to it or 1
    if a.compatible(1) or b.compatible(1) or not a.compatible(b):
        return Dimension()
    return a.merge(b)


def broadcast_dims(op: Op, a: list[Dimension], b: list[Dimension], what: str) -> list[Dimension]:
    n = max(len(a), len(b))
    a = [Dimension(1)] * (n - len(a)) + list(a)
    b = [Dimension(1)] * (n - len(b)) + list(b)
    return [broadcast_dim(op, x, y, what) for x, y in zip(a, b, strict=False)]
