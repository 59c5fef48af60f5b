"""The FPGA template device beyond the conformance kit: its own properties, bitstream precision
caps in query_model, the f16 datapath, the latency model, blobs, extension kernels, HETERO."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import pyvino
from pyvino._extension import Extension, op_kernel
from pyvino.testing import evaluate_model

PACKAGE = Path(__file__).resolve().parents[3] / "plugins" / "fpga" / "src" / "pyvino_fpga"


@pytest.fixture
def core() -> pyvino.Core:
    return pyvino.Core()


def conv_model() -> pyvino.Model:
    ops = pyvino.opset8
    rng = np.random.default_rng(1)
    x = ops.parameter([1, 3, 8, 8], "f32", name="x")
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    conv = ops.convolution(
        x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1], name="conv"
    )
    top = ops.top_k(
        ops.reshape(
            ops.relu(conv, name="relu"), np.array([1, 256]), special_zero=False, name="flat"
        ),
        np.array(3),
        axis=1,
        mode="max",
        sort="value",
        name="topk",
    )
    return pyvino.Model([top.output(0)], [x], "conv_topk")


def test_the_template_uses_only_the_public_api():
    private = [
        f"{p.name}: {line.strip()}"
        for p in PACKAGE.glob("*.py")
        for line in p.read_text().splitlines()
        if re.search(r"\bpyvino\._|from pyvino\._", line)
    ]
    assert not private, private


def test_own_properties_validate_and_show_in_the_device_name(core):
    assert core.get_property("FPGA", "FPGA_BITSTREAM") == "pyvino_fp32_generic"
    core.set_property("FPGA", {"FPGA_CLOCK_MHZ": "450", "FPGA_BITSTREAM": "pyvino_fp16_cnn"})
    assert core.get_property("FPGA", "FPGA_CLOCK_MHZ") == 450
    assert "pyvino_fp16_cnn @ 450 MHz" in core.get_property("FPGA", "FULL_DEVICE_NAME")
    assert core.get_property("FPGA", "OPTIMIZATION_CAPABILITIES") == ["FP16", "EXPORT_IMPORT"]
    with pytest.raises(pyvino.PropertyError, match="FPGA_CLOCK_MHZ.*50 to 600"):
        core.set_property("FPGA", {"FPGA_CLOCK_MHZ": 1000})
    with pytest.raises(pyvino.PropertyError, match="FPGA_BITSTREAM.*pyvino_int8_cnn"):
        core.set_property("FPGA", {"FPGA_BITSTREAM": "vendor_secret"})


def test_query_model_claims_only_the_kernel_table(core):
    claimed = core.query_model(conv_model(), "FPGA")
    assert {"conv", "relu", "flat"} <= set(claimed) and "topk" not in claimed
    compiled = core.compile_model(conv_model(), "HETERO:FPGA,CPU")
    x = np.random.default_rng(2).standard_normal((1, 3, 8, 8)).astype(np.float32)
    expected = evaluate_model(conv_model(), [x])[0]
    np.testing.assert_allclose(compiled(x)[0], expected, rtol=1e-4, atol=1e-5)


def test_int8_bitstream_claims_only_integer_tensors(core):
    ops = pyvino.opset8
    a = ops.parameter([4], "i8", name="a")
    f = ops.parameter([4], "f32", name="f")
    model = pyvino.Model([ops.maximum(a, a, name="imax"), ops.relu(f, name="frelu")], [a, f], "m")
    claimed = core.query_model(model, "FPGA", {"FPGA_BITSTREAM": "pyvino_int8_cnn"})
    assert "imax" in claimed and "frelu" not in claimed and "f" not in claimed


def test_fp16_bitstream_rounds_between_kernels_like_a_real_fp16_datapath(core):
    ops = pyvino.opset8
    x = ops.parameter([3], "f32", name="x")
    model = pyvino.Model([ops.add(ops.multiply(x, np.float32(3.0)), np.float32(1e-4))], [x], "m")
    data = np.array([1 / 3, 1000.1, -2.0], np.float32)
    fp16 = core.compile_model(model, "FPGA", {"FPGA_BITSTREAM": "pyvino_fp16_cnn"})(data)[0]
    expected = (
        (data.astype(np.float16).astype(np.float32) * 3).astype(np.float16).astype(np.float32)
        + np.float16(1e-4).astype(np.float32)
    ).astype(np.float16)
    np.testing.assert_array_equal(fp16, expected.astype(np.float32))
    assert fp16.dtype == np.float32
    fp32 = core.compile_model(model, "FPGA")(data)[0]
    np.testing.assert_allclose(fp32, data * 3 + 1e-4, rtol=1e-6)


def test_latency_model_follows_the_clock_and_profiling_reports_it(core):
    slow = core.compile_model(_claimed_part(), "FPGA", {"FPGA_CLOCK_MHZ": 100, "PERF_COUNT": True})
    fast = core.compile_model(_claimed_part(), "FPGA", {"FPGA_CLOCK_MHZ": 400})
    macs = 1 * 16 * 32 * 32 * 8 * 3 * 3  # convolution multiply-accumulates
    t_slow = slow.get_property("FPGA_ESTIMATED_LATENCY_US")
    assert t_slow == pytest.approx(4 * fast.get_property("FPGA_ESTIMATED_LATENCY_US"))
    assert t_slow >= macs / 256 / 100  # fp32 bitstream: 256 MACs per cycle at 100 MHz
    request = slow.create_infer_request()
    request.infer(np.zeros((1, 8, 32, 32), np.float32))
    conv = next(p for p in request.get_profiling_info() if p.node_name == "conv")
    assert conv.exec_type == "fpga_f32"
    assert conv.real_time.total_seconds() * 1e6 == pytest.approx(macs / 256 / 100, abs=1)


def _claimed_part() -> pyvino.Model:
    ops = pyvino.opset8
    w = np.random.default_rng(1).standard_normal((16, 8, 3, 3)).astype(np.float32)
    x = ops.parameter([1, 8, 32, 32], "f32", name="x")
    conv = ops.convolution(
        x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1], name="conv"
    )
    return pyvino.Model([ops.relu(conv, name="relu")], [x], "conv_relu")


def test_blob_import_reprograms_with_the_blobs_bitstream(core):
    compiled = core.compile_model(_claimed_part(), "FPGA", {"FPGA_BITSTREAM": "pyvino_fp16_cnn"})
    blob = compiled.export_model()
    assert b"pickle" not in blob and b"pyvino_fp16_cnn" in blob
    imported = core.import_model(blob, "FPGA")  # the plugin itself is on the fp32 bitstream
    x = np.random.default_rng(3).standard_normal((1, 8, 32, 32)).astype(np.float32)
    np.testing.assert_array_equal(imported(x)[0], compiled(x)[0])
    assert imported.get_property("FPGA_BITSTREAM") == "pyvino_fp16_cnn"


def test_malformed_payloads_raise_blob_format_errors(core):
    from pyvino_fpga._export import import_payload, pack

    plugin = core.get_device_plugin("FPGA")
    with pytest.raises(pyvino.BlobFormatError, match="malformed"):
        import_payload(plugin, b"\x05\x00\x00\x00junk", {})
    with pytest.raises(pyvino.BlobFormatError, match="lacks section"):
        import_payload(plugin, pack({"meta": b"{}"}), {})
    with pytest.raises(pyvino.BlobFormatError, match="bitstream 'nope'"):
        import_payload(
            plugin,
            pack({"meta": b'{"format": 1, "bitstream": "nope"}', "xml": b"", "bin": b""}),
            {},
        )


def test_extensions_can_add_kernels_for_the_fpga(core):
    from pyvino_ext_fft import FFT1

    ops = pyvino.opset8
    x = ops.parameter([8, 2], "f32", name="x")
    model = pyvino.Model([FFT1([x], {"axis": 0}, "fft")], [x], "fft")
    assert "fft" not in core.query_model(model, "FPGA")

    def fpga_fft(node, signal):
        z = np.fft.fft(signal[:, 0] + 1j * signal[:, 1])
        return (np.stack([z.real, z.imag], axis=-1).astype(np.float32),)

    core.add_extension(Extension("fpga-fft", kernels=[op_kernel("FPGA", FFT1, fpga_fft)]))
    data = np.random.default_rng(4).standard_normal((8, 2)).astype(np.float32)
    out = core.compile_model(model, "FPGA")(data)[0]
    np.testing.assert_allclose(out, FFT1([x], {"axis": 0}).evaluate(data)[0], rtol=1e-5, atol=1e-5)
