"""The FPGA template device passes the conformance kit, with both float bitstreams."""

from pyvino.testing import DeviceConformance


class TestFPGA(DeviceConformance):
    device = "FPGA"


class TestFPGAFP16(DeviceConformance):
    device = "FPGA"
    config = {"FPGA_BITSTREAM": "pyvino_fp16_cnn"}
    precision = "f16"
