"""The VPU device passes the conformance kit at fp16 tolerances."""

from pyvino.testing import DeviceConformance


class TestVPU(DeviceConformance):
    device = "VPU"
    precision = "f16"
