"""pyvino-ext-rotary: RotaryEmbedding passes OpConformance, and ONNX attention inputs using the
custom domain convert, survive IR and run on CPU (and GPU when it takes extension kernels),
matching a numpy rotate-half reference written the way LLM code writes it."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from onnx import TensorProto, helper, numpy_helper
from pyvino.testing import Const, Data, OpCase, OpConformance
from pyvino_ext_rotary import DOMAIN, EXTENSION, RotaryEmbedding1
from pyvino_ext_rotary.cpu import rotate_function

B, H, S, D = 2, 3, 5, 8
rng = np.random.default_rng(0)


def rope_tables(positions: np.ndarray, dim: int, base: float = 10000.0) -> tuple[np.ndarray, ...]:
    """cos, sin of shape positions.shape + [dim], as LLM code computes them."""
    inv_freq = 1.0 / base ** (np.arange(0, dim, 2, dtype=np.float64) / dim)
    freqs = positions[..., None].astype(np.float64) * inv_freq
    emb = np.concatenate([freqs, freqs], axis=-1)
    return np.cos(emb), np.sin(emb)


def rotate_half(t: np.ndarray) -> np.ndarray:
    t1, t2 = np.split(t, 2, axis=-1)
    return np.concatenate([-t2, t1], axis=-1)


def apply_rope(x: np.ndarray, cos: np.ndarray, sin: np.ndarray, rotary_dim: int) -> np.ndarray:
    rot, rest = x[..., :rotary_dim].astype(np.float64), x[..., rotary_dim:]
    return np.concatenate([rot * cos + rotate_half(rot) * sin, rest], axis=-1)


COS, SIN = (t.astype(np.float32) for t in rope_tables(np.arange(S), D))


class TestRotaryEmbedding(OpConformance):
    op = RotaryEmbedding1
    extension = EXTENSION
    cases = [
        OpCase("tables", [Data((B, H, S, D)), Const(COS), Const(SIN)]),
        OpCase("batched_tables", [Data((B, H, S, D)), Data((B, S, D)), Data((B, S, D))]),
        OpCase(
            "half_tables_partial",
            [Data((B, H, S, D)), Const(COS[:, :2]), Const(SIN[:, :2])],
            {"rotary_dim": 4},
        ),
        OpCase("positions", [Data((B, H, S, D)), Data((B, S), "i64", 0, 64)], {"base": 500.0}),
        OpCase(
            "positions_1d_partial",
            [Data((1, H, S, D)), Data((S,), "i32", 0, 16)],
            {"rotary_dim": 6},
        ),
    ]


def test_cpu_kernel_uses_numba_when_installed():
    pytest.importorskip("numba")
    assert rotate_function()[0] == "numba"


def rope_model() -> object:
    """q' = RoPE(q, cos, sin) and k' = RoPE(k, position_ids, rotary_dim=4) on an LLM layout."""
    nodes = [
        helper.make_node("RotaryEmbedding", ["q", "cos", "sin"], ["q_rot"], domain=DOMAIN),
        helper.make_node(
            "RotaryEmbedding", ["k", "position_ids"], ["k_rot"], domain=DOMAIN, rotary_dim=4
        ),
        helper.make_node("MatMul", ["q_rot", "k_t"], ["scores"]),
        helper.make_node("Transpose", ["k_rot"], ["k_t"], perm=[0, 1, 3, 2]),
    ]
    tensor = helper.make_tensor_value_info
    graph = helper.make_graph(
        [nodes[0], nodes[1], nodes[3], nodes[2]],
        "rope_attention_scores",
        [
            tensor("q", TensorProto.FLOAT, [B, H, S, D]),
            tensor("k", TensorProto.FLOAT, [B, H, S, D]),
            tensor("position_ids", TensorProto.INT64, [B, S]),
        ],
        [tensor("scores", TensorProto.FLOAT, [B, H, S, S])],
        [numpy_helper.from_array(COS, "cos"), numpy_helper.from_array(SIN, "sin")],
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(DOMAIN, 1)]
    )


def reference(q: np.ndarray, k: np.ndarray, positions: np.ndarray) -> np.ndarray:
    q_rot = apply_rope(q, *rope_tables(np.arange(S), D), D)
    k_cos, k_sin = rope_tables(positions, 4)
    k_rot = apply_rope(k, k_cos[:, None], k_sin[:, None], 4)
    return q_rot @ np.swapaxes(k_rot, -1, -2)


@pytest.fixture(scope="module")
def ir_path(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("rope")
    (folder / "rope.onnx").write_bytes(rope_model().SerializeToString())
    model = pyvino.convert_model(folder / "rope.onnx")
    assert [n.type_name for n in model.get_ordered_ops()].count("RotaryEmbedding") == 2
    pyvino.save_model(model, folder / "rope.xml", compress_to_fp16=False)
    assert b'type="RotaryEmbedding" version="extension"' in (folder / "rope.xml").read_bytes()
    return folder / "rope.xml"


def inputs() -> list[np.ndarray]:
    return [
        rng.standard_normal((B, H, S, D)).astype(np.float32),
        rng.standard_normal((B, H, S, D)).astype(np.float32),
        np.array([[0, 1, 2, 3, 4], [7, 8, 9, 10, 11]], np.int64),
    ]


def test_rope_model_from_ir_runs_on_cpu(ir_path):
    core = pyvino.Core()
    q, k, pos = inputs()
    out = core.compile_model(core.read_model(ir_path), "CPU")([q, k, pos])[0]
    np.testing.assert_allclose(out, reference(q, k, pos), rtol=1e-4, atol=1e-4)


def test_rope_model_runs_on_gpu_when_it_takes_extension_kernels(ir_path):
    core = pyvino.Core()
    if not any(d.startswith("GPU") for d in core.available_devices):
        pytest.skip("no GPU device available")
    model = core.read_model(ir_path)
    claimed = core.query_model(model, "GPU")
    if any(
        n.friendly_name not in claimed
        for n in model.get_ordered_ops()
        if n.type_name == "RotaryEmbedding"
    ):
        pytest.skip("the GPU plugin does not claim extension ops (pyvino_kernels('GPU') unused)")
    q, k, pos = inputs()
    out = core.compile_model(model, "GPU", {"INFERENCE_PRECISION_HINT": "f32"})([q, k, pos])[0]
    np.testing.assert_allclose(out, reference(q, k, pos), rtol=1e-3, atol=1e-3)
