"""The conformance kit for device plugins and extension ops: adopt a suite in three lines.

```python
from pyvino.testing import DeviceConformance

class TestMyNPU(DeviceConformance):
    device = "NPU"
    unsupported = {"Loop": "no control flow yet"}
```

``OpConformance`` does the same for an extension op; ``pyvino.testing.fixtures`` is an opt-in
pytest plugin with fixtures (``pytest_plugins = ["pyvino.testing.fixtures"]``).
"""

from __future__ import annotations

from pyvino._reference import evaluate_model
from pyvino.testing._cache_checks import (
    assert_damaged_entry_is_rebuilt,
    assert_refused_entry_is_rebuilt,
    cache_entry,
    count_compiles,
)
from pyvino.testing._device_conformance import DeviceConformance
from pyvino.testing._device_op_cases import assert_outputs_match, device_op_cases
from pyvino.testing._fake_device import FakeDevice
from pyvino.testing._models import conformance_models, tolerance_for
from pyvino.testing._op_case_table import OP_CASES
from pyvino.testing._op_cases import Const, Data, OpCase, build_case
from pyvino.testing._op_conformance import OpConformance
from pyvino.testing._opencl import opencl_unavailable_reason, run_opencl_kernel

__all__ = [
    "OP_CASES",
    "Const",
    "Data",
    "DeviceConformance",
    "FakeDevice",
    "OpCase",
    "OpConformance",
    "assert_damaged_entry_is_rebuilt",
    "assert_refused_entry_is_rebuilt",
    "assert_outputs_match",
    "cache_entry",
    "count_compiles",
    "build_case",
    "conformance_models",
    "device_op_cases",
    "evaluate_model",
    "opencl_unavailable_reason",
    "run_opencl_kernel",
    "tolerance_for",
]
