"""The CPU device passes the conformance kit."""

from pyvino.testing import DeviceConformance


class TestCPU(DeviceConformance):
    device = "CPU"
