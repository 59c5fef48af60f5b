"""The conformance kit for device plugins: adopt the whole suite in three lines.

```python
from pyvino.testing import DeviceConformance

class TestMyNPU(DeviceConformance):
    device = "NPU"
    unsupported = {"Loop": "no control flow yet"}
```
"""

from __future__ import annotations

from pyvino._reference import evaluate_model
from pyvino.testing._device_conformance import DeviceConformance
from pyvino.testing._fake_device import FakeDevice
from pyvino.testing._models import conformance_models, tolerance_for

__all__ = ["DeviceConformance", "FakeDevice", "conformance_models", "evaluate_model", "tolerance_for"]
