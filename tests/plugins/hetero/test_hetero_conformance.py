"""HETERO:CPU passes the conformance kit."""

from pyvino.testing import DeviceConformance


class TestHeteroCPU(DeviceConformance):
    device = "HETERO:CPU"
