"""Threads and streams: hints, NUM_STREAMS, INFERENCE_NUM_THREADS, the task pool, BLAS kept
single-threaded while requests run, parallel requests, and numba staying unloaded until a
model is compiled."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import pyvino
from pyvino import AsyncInferQueue, Model
from pyvino_cpu._parallel import TaskPool
from pyvino_cpu._streams import BLASLimit, resolve_streams
from threadpoolctl import threadpool_info

from .conftest import rand

ops = pyvino.opset15
# a helper thread that dies (an exception escaping its loop) must fail the test that saw it
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": 8}, (1, 8)),
        ({"PERFORMANCE_HINT": "THROUGHPUT", "INFERENCE_NUM_THREADS": 2}, (2, 1)),
        ({"PERFORMANCE_HINT": "THROUGHPUT", "INFERENCE_NUM_THREADS": 16}, (4, 4)),
        (
            {
                "PERFORMANCE_HINT": "THROUGHPUT",
                "INFERENCE_NUM_THREADS": 16,
                "PERFORMANCE_HINT_NUM_REQUESTS": 2,
            },
            (2, 8),
        ),
        ({"PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": 3, "INFERENCE_NUM_THREADS": 6}, (3, 2)),
    ],
)
def test_hints_resolve_to_streams_and_threads(config, expected):
    s = resolve_streams(config)
    assert (s.streams, s.threads) == expected


def test_compiled_model_reports_its_streams(core):
    x = ops.parameter([1, 4], "f32", name="x")
    model = Model([ops.relu(x)], [x])
    latency = core.compile_model(model, "CPU", {"INFERENCE_NUM_THREADS": 1})
    assert latency.get_property("NUM_STREAMS") == 1
    assert latency.get_property("INFERENCE_NUM_THREADS") == 1
    tput = core.compile_model(
        model, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT", "INFERENCE_NUM_THREADS": 2}
    )
    assert tput.get_property("NUM_STREAMS") == 2
    assert tput.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS") == 2
    assert core.get_property("CPU", "OPTIMAL_NUMBER_OF_INFER_REQUESTS") >= 1


def _blas_threads() -> int:
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def test_blas_is_single_threaded_while_compiled_models_exist(core):
    gc.collect()
    alive_before, threads_before = BLASLimit._models, _blas_threads()
    x = ops.parameter([1, 4], "f32", name="x")
    first = core.compile_model(Model([ops.relu(x)], [x]), "CPU")
    second = core.compile_model(Model([ops.relu(x)], [x]), "CPU")
    assert _blas_threads() == 1 and BLASLimit._models == alive_before + 2
    del first
    gc.collect()
    assert _blas_threads() == 1
    del second
    gc.collect()
    assert BLASLimit._models == alive_before
    if alive_before == 0:  # models of earlier tests may still be alive
        assert _blas_threads() == threads_before


def test_task_pool_covers_the_range_and_reports_errors():
    pool = TaskPool(3)
    seen: list[tuple[int, int]] = []
    pool.split(1000, lambda lo, hi: seen.append((lo, hi)), grain=10)()
    covered = sorted(seen)
    assert covered[0][0] == 0 and covered[-1][1] == 1000 and len(covered) == 12
    assert all(a[1] == b[0] for a, b in zip(covered, covered[1:]))
    assert pool.tiles(1000, 300) == [(0, 333), (333, 666), (666, 1000)]
    assert pool.tiles(1000, 10, per_thread=1) == [(0, 333), (333, 666), (666, 1000)]
    assert TaskPool(1).tiles(1000, 10) == [(0, 1000)]

    def boom(lo: int, hi: int) -> None:
        if lo > 0:
            raise ValueError("tile failed")

    with pytest.raises(ValueError, match="tile failed"):
        pool.split(100, boom)()
    pool.split(10, lambda lo, hi: None)()  # the pool still works after an error


def test_task_pool_threads_work_at_the_same_time():
    pool = TaskPool(2)
    barrier = threading.Barrier(2, timeout=10)
    pool.run([barrier.wait, barrier.wait])  # deadlocks (times out) unless two threads run


def test_back_to_back_batches_reach_a_polling_helper():
    """Batches put while the helper still polls after its last one (~100 us), or after it
    blocked, all run once; each needs both threads at once, so a lost batch times out."""
    pool = TaskPool(2)
    counts = [0] * 400
    barrier = threading.Barrier(2, timeout=10)

    def task(i: int) -> None:
        counts[i] += 1
        barrier.wait()

    for b in range(200):
        pool.run([lambda i=2 * b: task(i), lambda i=2 * b + 1: task(i)])
        pause = (0.0, 2e-5, 5e-5, 0.01)[b % 4]
        start = time.perf_counter()
        while time.perf_counter() - start < pause:
            pass
    assert counts == [1] * 400


def test_wait_for_change_sees_another_threads_write():
    from pyvino_cpu.kernels._jit import wait_for_change

    flag = np.zeros(1, np.int64)
    assert not wait_for_change(flag, 0, 100, 10)
    timer = threading.Timer(0.02, flag.__setitem__, (0, 7))
    timer.start()
    assert wait_for_change(flag, 0, 10**12, 10)  # returns once the write lands, not after 10**12
    timer.join()
    assert wait_for_change(flag, 0, 0, 0) and not wait_for_change(flag, 7, 10, 10)


def test_throughput_requests_run_in_parallel_and_agree(core):
    x = ops.parameter([1, 8, 16, 16], "f32", name="x")
    w = rand(8, 8, 3, 3, seed=1, scale=0.2)
    y = ops.relu(
        ops.convolution(x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1])
    )
    model = Model([y], [x])
    compiled = core.compile_model(
        model, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT", "INFERENCE_NUM_THREADS": 2}
    )
    batches = [rand(1, 8, 16, 16, seed=s) for s in range(8)]
    expected = [compiled(b)[0].copy() for b in batches]
    got: dict[int, np.ndarray] = {}
    queue = AsyncInferQueue(compiled)
    assert len(queue) == 2
    queue.set_callback(lambda request, i: got.__setitem__(i, request.results[0].copy()))
    for i, b in enumerate(batches):
        queue.start_async(b, i)
    queue.wait_all()
    for i, e in enumerate(expected):
        np.testing.assert_array_equal(got[i], e)


def test_numba_loads_only_when_a_model_compiles():
    code = (
        "import sys, pyvino\n"
        "core = pyvino.Core()\n"
        "assert 'CPU' in core.available_devices\n"
        "core.get_property('CPU', 'OPTIMIZATION_CAPABILITIES')\n"
        "print('numba' in sys.modules)\n"
    )
    env = {**os.environ, "PYVINO_PLUGINS": "cpu,opsets"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "False"
