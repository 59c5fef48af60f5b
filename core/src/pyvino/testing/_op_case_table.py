"""The example cases per op type that ``DeviceConformance`` runs on every op a device claims.

Shapes are small, inputs well conditioned (positive where an op needs it). Ops without an
entry are listed by the kit's coverage test: add cases here rather than special-casing devices.
One module per op family, merged explicitly.
"""

from __future__ import annotations

from pyvino.testing import _op_cases_elementwise, _op_cases_layers, _op_cases_movement
from pyvino.testing._op_cases import OpCase

OP_CASES: dict[str, list[OpCase]] = {
    **_op_cases_elementwise.CASES,
    **_op_cases_layers.CASES,
    **_op_cases_movement.CASES,
}
