"""pyvino-ext-fft: the ops pass OpConformance, and an ONNX model using the custom domain
converts, survives IR, and runs on CPU (and GPU when its plugin takes extension kernels),
matching numpy.fft."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from onnx import TensorProto, helper, numpy_helper
from pyvino.testing import Data, OpCase, OpConformance
from pyvino_ext_fft import DOMAIN, EXTENSION, FFT1, IFFT1, ComplexMultiply1

rng = np.random.default_rng(0)
FILTER = rng.standard_normal((8, 2)).astype(np.float32)


class TestComplexMultiply(OpConformance):
    op = ComplexMultiply1
    extension = EXTENSION
    cases = [
        OpCase("same_shape", [Data((3, 4, 2)), Data((3, 4, 2))]),
        OpCase("broadcast", [Data((2, 3, 4, 2)), Data((4, 2))]),
    ]


class TestFFT(OpConformance):
    op = FFT1
    extension = EXTENSION
    cases = [
        OpCase("last_axis", [Data((3, 8, 2))]),
        OpCase("axis0_ortho", [Data((5, 3, 2))], {"axis": 0, "norm": "ortho"}),
        OpCase("odd_length_middle", [Data((2, 7, 3, 2))], {"axis": 1}),
    ]


class TestIFFT(OpConformance):
    op = IFFT1
    extension = EXTENSION
    cases = [
        OpCase("last_axis", [Data((3, 8, 2))]),
        OpCase("forward_norm", [Data((4, 6, 2))], {"axis": -2, "norm": "forward"}),
    ]


def to_complex(x: np.ndarray) -> np.ndarray:
    return x[..., 0].astype(np.float64) + 1j * x[..., 1].astype(np.float64)


def filter_model() -> object:
    """y = 2 * IFFT(FFT(x, axis=1) (*) H, axis=1): frequency-domain filtering of signals x."""
    nodes = [
        helper.make_node("FFT", ["x"], ["spectrum"], domain=DOMAIN, axis=1),
        helper.make_node("ComplexMultiply", ["spectrum", "H"], ["filtered"], domain=DOMAIN),
        helper.make_node("IFFT", ["filtered"], ["signal"], domain=DOMAIN, axis=1),
        helper.make_node("Mul", ["signal", "two"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "fft_filter",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 8, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8, 2])],
        [numpy_helper.from_array(FILTER, "H"), numpy_helper.from_array(np.float32(2.0), "two")],
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(DOMAIN, 1)]
    )


def numpy_reference(x: np.ndarray) -> np.ndarray:
    y = 2 * np.fft.ifft(np.fft.fft(to_complex(x), axis=1) * to_complex(FILTER), axis=1)
    return np.stack([y.real, y.imag], axis=-1)


@pytest.fixture(scope="module")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    folder = tmp_path_factory.mktemp("fft")
    onnx_path = folder / "filter.onnx"
    onnx_path.write_bytes(filter_model().SerializeToString())
    model = pyvino.convert_model(onnx_path)
    xml = folder / "filter.xml"
    pyvino.save_model(model, xml, compress_to_fp16=False)
    return onnx_path, xml


def test_custom_domain_converts_to_extension_ops(model_files):
    model = pyvino.convert_model(model_files[0])
    types = [(n.type_name, n.version_id) for n in model.get_ordered_ops()]
    for op in ("FFT", "ComplexMultiply", "IFFT"):
        assert (op, "extension") in types
    assert b'type="FFT" version="extension"' in model_files[1].read_bytes()


def test_ir_of_the_model_runs_on_cpu_like_numpy_fft(model_files):
    core = pyvino.Core()
    model = core.read_model(model_files[1])
    x = rng.standard_normal((4, 8, 2)).astype(np.float32)
    out = core.compile_model(model, "CPU")(x)[0]
    np.testing.assert_allclose(out, numpy_reference(x), rtol=1e-4, atol=1e-5)


def test_ir_of_the_model_runs_on_gpu_when_it_takes_extension_kernels(model_files):
    core = pyvino.Core()
    if not any(d.startswith("GPU") for d in core.available_devices):
        pytest.skip("no GPU device available")
    model = core.read_model(model_files[1])
    claimed = core.query_model(model, "GPU")
    if any(
        n.friendly_name not in claimed
        for n in model.get_ordered_ops()
        if n.version_id == "extension"
    ):
        pytest.skip("the GPU plugin does not claim extension ops (pyvino_kernels('GPU') unused)")
    x = rng.standard_normal((4, 8, 2)).astype(np.float32)
    out = core.compile_model(model, "GPU", {"INFERENCE_PRECISION_HINT": "f32"})(x)[0]
    np.testing.assert_allclose(out, numpy_reference(x), rtol=1e-3, atol=1e-4)


def test_gpu_kernels_of_several_nodes_build_as_one_program():
    """What a GPU plugin that compiles one program per model does with extension kernels."""
    from pyvino.testing import opencl_unavailable_reason

    if opencl_unavailable_reason():
        pytest.skip(opencl_unavailable_reason())
    import pyopencl as cl
    from pyvino_ext_fft.gpu import COMPLEX_MULTIPLY, DFT

    x = pyvino.Parameter("f32", [4, 8, 2], "x")
    fft, ifft = FFT1([x], {"axis": 1}), IFFT1([x], {"axis": 0})
    product = ComplexMultiply1([x, x])
    parts = [(DFT, fft, "k0_fft"), (DFT, ifft, "k1_ifft"), (COMPLEX_MULTIPLY, product, "k2_cm")]
    source = "\n".join(k.program_source(n, "float", entry_name=name) for k, n, name in parts)
    program = cl.Program(cl.create_some_context(interactive=False), source).build()
    assert {k.function_name for k in program.all_kernels()} == {"k0_fft", "k1_ifft", "k2_cm"}
