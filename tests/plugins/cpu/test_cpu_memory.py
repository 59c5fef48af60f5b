"""The memory plan: buffers alive at the same time never overlap, dead ones are reused, and an
inference allocates nothing beyond the outputs it hands back."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pyvino
from pyvino import Model
from pyvino_cpu._memory import ALIGN, Buffer, plan_offsets

from .conftest import rand

ops = pyvino.opset15


def test_live_buffers_never_overlap_and_dead_ones_are_reused():
    rng = np.random.default_rng(0)
    buffers = []
    for key in range(300):
        first = int(rng.integers(0, 100))
        buffers.append(
            Buffer(key, int(rng.integers(1, 10_000)), first, first + int(rng.integers(0, 8)))
        )
    offsets, total = plan_offsets(buffers)
    for a in buffers:
        assert offsets[a.key] % ALIGN == 0
        for b in buffers:
            if a.key < b.key and a.first <= b.last and b.first <= a.last:
                a0, b0 = offsets[a.key], offsets[b.key]
                assert a0 + a.size <= b0 or b0 + b.size <= a0, (a, b)
    assert total < sum(b.size for b in buffers) / 4


def chain(depth: int) -> Model:
    x = ops.parameter([1, 16, 32, 32], "f32", name="x")
    y = x
    for i in range(depth):
        w = rand(16, 16, 3, 3, seed=i, scale=0.1)
        y = ops.relu(
            ops.convolution(
                y, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1]
            )
        )
    return Model([y], [x])


def test_arena_does_not_grow_with_depth(core):
    small = core.compile_model(chain(2), "CPU").backend.plan.arena_bytes
    deep = core.compile_model(chain(12), "CPU").backend.plan.arena_bytes
    assert deep == small


def test_inference_allocates_only_its_outputs(core):
    compiled = core.compile_model(chain(6), "CPU")
    request = compiled.create_infer_request()
    data = rand(1, 16, 32, 32, seed=1)
    request.infer([data])
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        request.infer([data])
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    output_bytes = 16 * 32 * 32 * 4
    assert peak < output_bytes + 64 * 1024
