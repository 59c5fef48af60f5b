"""The compiled plan: buffer reuse, activations kept on the device, profiling counters."""

from __future__ import annotations

import numpy as np
import pyvino
from pyvino_gpu._memory import Lifetime, plan_buffers, total_bytes

ops = pyvino.opset8


def chain_model(depth: int = 8) -> pyvino.Model:
    rng = np.random.default_rng(1)
    x = p = ops.parameter([1, 8, 12, 12], "f32", name="x")
    for _ in range(depth):
        w = rng.standard_normal((8, 8, 3, 3)).astype(np.float32) * 0.2
        x = ops.relu(ops.convolution(x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1],
                                     dilations=[1, 1]))
    return pyvino.Model([x], [p], "chain")


def test_best_fit_reuses_freed_buffers() -> None:
    lifetimes = [Lifetime(0, 1000, -1, 0), Lifetime(1, 4000, 0, 1), Lifetime(2, 1000, 1, 2),
                 Lifetime(3, 4000, 2, 3), Lifetime(4, 500, 3, 4)]
    assign, sizes = plan_buffers(lifetimes)
    assert len(sizes) == 2 and sum(sizes) < total_bytes(lifetimes)
    for a in lifetimes:  # buffers sharing a slot never live at the same time
        for b in lifetimes:
            if a.buffer < b.buffer and assign[a.buffer] == assign[b.buffer]:
                assert a.last < b.first or b.last < a.first


def test_activations_ping_pong_between_two_buffers(core) -> None:
    compiled = core.compile_model(chain_model(), "GPU", {"INFERENCE_PRECISION_HINT": "f32"})
    backend = compiled.backend
    assert len(backend.plan.launches) == 8  # each ReLU fused into its convolution
    assert len(backend.slot_sizes) == 2
    assert len(backend.weights) == 8  # uploaded once, at compile time


def test_profiling_reports_kernels_and_fused_nodes(core) -> None:
    model = chain_model(3)
    compiled = core.compile_model(model, "GPU", {"PERF_COUNT": True,
                                                 "INFERENCE_PRECISION_HINT": "f32"})
    request = compiled.create_infer_request()
    request.infer(np.ones((1, 8, 12, 12), np.float32))
    info = {p.node_name: p for p in request.profiling_info}
    convs = [n for n in model.get_ordered_ops() if n.type_name == "Convolution"]
    relus = [n for n in model.get_ordered_ops() if n.type_name == "Relu"]
    for conv in convs:
        p = info[conv.friendly_name]
        assert p.status == "EXECUTED" and p.real_time.total_seconds() > 0
        assert p.exec_type.startswith(("conv_igemm_relu", "conv_cpu_relu"))
        assert p.exec_type.endswith("__f32")
    assert all(info[r.friendly_name].status == "OPTIMIZED_OUT" for r in relus)
    assert info[model.get_parameters()[0].friendly_name].status == "NOT_RUN"
