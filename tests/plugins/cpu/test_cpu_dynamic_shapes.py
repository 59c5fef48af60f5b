"""Dynamic shapes on the CPU plugin: each request's input shapes run a specialised static plan.

The oracle is onnx.reference.ReferenceEvaluator on the same ONNX model; the plan compilations
are counted through ``compiled.backend.specialisations``.
"""

from __future__ import annotations

import threading

import numpy as np
import onnx
import pytest
import pyvino
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator
from pyvino import AsyncInferQueue, Core, InferenceError, Model, PropertyError, zoo
from pyvino.testing import evaluate_model
from pyvino_cpu._packing import packed
from pyvino_cpu._specialise import DEFAULT_CAPACITY, SpecialisationCache

SPATIAL = 64  # resnet18 at 64x64 keeps the reference evaluator fast


def _rand(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _assert_close(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    scale = max(float(np.max(np.abs(expected))), 1.0)
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5 * scale)


class Oracle:
    """onnx.reference outputs of one model, memoised by input shape and seed."""

    def __init__(self, model: onnx.ModelProto) -> None:
        self._evaluator = ReferenceEvaluator(model)
        self._input = model.graph.input[0].name
        self._seen: dict[tuple, np.ndarray] = {}

    def __call__(self, x: np.ndarray, seed: int) -> np.ndarray:
        key = (x.shape, seed)
        if key not in self._seen:
            self._seen[key] = self._evaluator.run(None, {self._input: x})[0]
        return self._seen[key]


# ----------------------------------------------------------------- models
@pytest.fixture(scope="module")
def resnet18(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Oracle]:
    """resnet18 from the zoo with a symbolic batch (as exported classifiers have)."""
    proto = zoo.build("resnet18")
    proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    path = str(tmp_path_factory.mktemp("zoo") / "resnet18.onnx")
    onnx.save(proto, path)
    return path, Oracle(proto)


def _small_cnn_proto() -> onnx.ModelProto:
    """conv 3x3 (pad 1) + bias -> relu -> maxpool 2x2 -> flatten: [1, 3, H, W] -> [1, 4*H*W/4]."""
    w = numpy_helper.from_array(_rand((4, 3, 3, 3), 1), "w")
    b = numpy_helper.from_array(_rand((4,), 2), "b")
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["y"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "small_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "H", "W"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [w, b],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


@pytest.fixture(scope="module")
def small_cnn(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Oracle]:
    proto = _small_cnn_proto()
    path = str(tmp_path_factory.mktemp("small") / "small_cnn.onnx")
    onnx.save(proto, path)
    return path, Oracle(proto)


def _executed(request: pyvino.InferRequest) -> list[tuple[str, str]]:
    """Sorted (node type, exec_type) of the steps the last profiled run executed."""
    infos = request.get_profiling_info()
    return sorted((p.node_type, p.exec_type) for p in infos if p.status == "EXECUTED")


def _compile(core: Core, path: str, shape: str, config: dict | None = None):
    model = core.read_model(path)
    model.reshape({0: shape})
    return core.compile_model(model, "CPU", config or {})


# ----------------------------------------------------------------- resnet18, batch 1..4
def test_resnet18_batches_alternate_on_one_request(core, resnet18):
    path, oracle = resnet18
    compiled = _compile(core, path, f"1..4,3,{SPATIAL},{SPATIAL}", {"PERF_COUNT": True})
    request = compiled.create_infer_request()
    for batch in (1, 3, 1, 3, 2, 1):
        x = _rand((batch, 3, SPATIAL, SPATIAL), batch)
        _assert_close(request.infer([x])[0], oracle(x, batch))
        assert request.get_output_tensor(0).data.shape == (batch, 1000)
    # three shapes, three plans: the repeats reused theirs
    assert compiled.backend.specialisations.compilations == 3
    # the last run (batch 1) used the kernels a static compile for batch 1 chooses
    static = _compile(core, path, f"1,3,{SPATIAL},{SPATIAL}", {"PERF_COUNT": True})
    static_request = static.create_infer_request()
    static_request.infer([_rand((1, 3, SPATIAL, SPATIAL), 1)])
    executed = _executed(request)
    assert executed == _executed(static_request)
    assert {"winograd_FP32", "im2col_gemm_FP32", "gemm_FP32"} <= {kind for _, kind in executed}


def test_resnet18_runtime_model_shows_the_last_shapes(core, resnet18):
    path, _ = resnet18
    compiled = _compile(core, path, f"1..4,3,{SPATIAL},{SPATIAL}")
    request = compiled.create_infer_request()
    before = compiled.get_runtime_model().get_results()[0].get_output_partial_shape(0)
    assert before.is_dynamic  # nothing ran yet: the dynamic graph
    for batch in (3, 1):
        request.infer([_rand((batch, 3, SPATIAL, SPATIAL), batch)])
        runtime = compiled.get_runtime_model()
        assert runtime.get_results()[0].get_output_partial_shape(0).to_shape() == (batch, 1000)


def test_resnet18_batches_on_an_async_queue(core, resnet18):
    path, oracle = resnet18
    compiled = _compile(core, path, f"1..4,3,{SPATIAL},{SPATIAL}", {"NUM_STREAMS": 2})
    queue = AsyncInferQueue(compiled, 3)
    results: dict[int, np.ndarray] = {}
    queue.set_callback(lambda req, i: results.__setitem__(i, req.get_output_tensor(0).data.copy()))
    batches = [1, 2, 3, 2, 1, 3, 2, 1]
    for i, batch in enumerate(batches):
        queue.start_async([_rand((batch, 3, SPATIAL, SPATIAL), batch)], userdata=i)
    queue.wait_all()
    for i, batch in enumerate(batches):
        _assert_close(results[i], oracle(_rand((batch, 3, SPATIAL, SPATIAL), batch), batch))
    # requests asking for the same new shape at once share one plan
    assert compiled.backend.specialisations.compilations == 3


def test_resnet18_batch_outside_the_bounds_names_input_shape_and_bounds(core, resnet18):
    path, _ = resnet18
    compiled = _compile(core, path, f"1..4,3,{SPATIAL},{SPATIAL}")
    with pytest.raises(InferenceError, match=r"input 'input'.*\[5, 3, 64, 64\].*1\.\.4"):
        compiled([_rand((5, 3, SPATIAL, SPATIAL), 0)])
    assert compiled.backend.specialisations.compilations == 0


# ----------------------------------------------------------------- dynamic spatial dims
SPATIAL_SHAPES = [(8, 8), (12, 10), (8, 8), (16, 6), (12, 10)]


def test_dynamic_spatial_dims_alternate_on_one_request(core, small_cnn):
    path, oracle = small_cnn
    compiled = _compile(core, path, "1,3,-1,-1")
    request = compiled.create_infer_request()
    for h, w in SPATIAL_SHAPES:
        x = _rand((1, 3, h, w), h * w)
        result = request.infer([x])[0]
        assert result.shape == (1, 4 * (h // 2) * (w // 2))
        _assert_close(result, oracle(x, h * w))
    assert compiled.backend.specialisations.compilations == 3


def test_dynamic_spatial_dims_on_an_async_queue(core, small_cnn):
    path, oracle = small_cnn
    compiled = _compile(core, path, "1,3,4..32,4..32", {"PERFORMANCE_HINT": "THROUGHPUT"})
    queue = AsyncInferQueue(compiled, 2)
    results: dict[int, np.ndarray] = {}
    queue.set_callback(lambda req, i: results.__setitem__(i, req.get_output_tensor(0).data.copy()))
    shapes = SPATIAL_SHAPES * 3
    for i, (h, w) in enumerate(shapes):
        queue.start_async([_rand((1, 3, h, w), h * w)], userdata=i)
    queue.wait_all()
    for i, (h, w) in enumerate(shapes):
        _assert_close(results[i], oracle(_rand((1, 3, h, w), h * w), h * w))
    assert compiled.backend.specialisations.compilations == 3


def test_spatial_dims_outside_the_interval_are_refused(core, small_cnn):
    path, _ = small_cnn
    compiled = _compile(core, path, "1,3,4..32,4..32")
    with pytest.raises(InferenceError, match=r"input 'x'.*\[1, 3, 40, 8\].*4\.\.32"):
        compiled([_rand((1, 3, 40, 8), 0)])


# ----------------------------------------------------------------- the cache
def test_least_recently_used_shape_is_evicted(core, small_cnn):
    path, oracle = small_cnn
    compiled = _compile(core, path, "1,3,?,?", {"CPU_RUNTIME_CACHE_CAPACITY": 2})
    cache = compiled.backend.specialisations
    request = compiled.create_infer_request()

    def run(h: int, w: int) -> None:
        x = _rand((1, 3, h, w), h * w)
        _assert_close(request.infer([x])[0], oracle(x, h * w))

    a, b, c = ((1, 3, 8, 8),), ((1, 3, 10, 10),), ((1, 3, 12, 6),)
    for shape in (a, b, a, c):  # c evicts b, the least recently used
        run(*shape[0][2:])
    assert (cache.compilations, cache.shapes) == (3, [a, c])
    run(*b[0][2:])  # planned again, evicting a
    assert (cache.compilations, cache.shapes) == (4, [c, b])
    run(*c[0][2:])  # still cached
    assert (cache.compilations, cache.shapes) == (4, [b, c])


def test_capacity_zero_runs_the_dynamic_graph_on_reference_kernels(core, small_cnn):
    path, oracle = small_cnn
    compiled = _compile(core, path, "1,3,?,?", {"CPU_RUNTIME_CACHE_CAPACITY": 0, "PERF_COUNT": 1})
    assert compiled.backend.specialisations is None
    request = compiled.create_infer_request()
    for h, w in SPATIAL_SHAPES[:2]:
        x = _rand((1, 3, h, w), h * w)
        _assert_close(request.infer([x])[0], oracle(x, h * w))
    kinds = {p.node_type: p.exec_type for p in request.get_profiling_info()}
    assert kinds["Convolution"].startswith("ref_any")


def test_concurrent_requests_for_a_new_shape_plan_it_once(core, small_cnn):
    path, _ = small_cnn
    model = core.read_model(path)
    model.reshape({0: "1,3,?,?"})
    cache = SpecialisationCache(model, {}, capacity=4)
    shapes = ((1, 3, 8, 8),)
    found = []
    threads = [threading.Thread(target=lambda: found.append(cache.get(shapes))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.compilations == 1
    assert len(found) == 6 and all(f is found[0] for f in found)
    assert found[0].model.get_parameters()[0].get_output_partial_shape(0).to_shape() == (1, 3, 8, 8)


def test_cache_refuses_shapes_outside_the_bounds(core, small_cnn):
    path, _ = small_cnn
    model = core.read_model(path)
    model.reshape({0: "1,3,4..32,4..32"})
    cache = SpecialisationCache(model, {}, capacity=4)
    with pytest.raises(InferenceError, match=r"input 'x': shape \[1, 3, 2, 8\].*4\.\.32"):
        cache.get(((1, 3, 2, 8),))
    assert cache.compilations == 0


def test_cache_capacity_property(core):
    assert core.get_property("CPU", "CPU_RUNTIME_CACHE_CAPACITY") == DEFAULT_CAPACITY
    with pytest.raises(PropertyError, match="CPU_RUNTIME_CACHE_CAPACITY"):
        core.compile_model(_relu_model(), "CPU", {"CPU_RUNTIME_CACHE_CAPACITY": -1})


def _relu_model() -> Model:
    x = pyvino.opset8.parameter("?,4", "f32", name="x")
    return Model([pyvino.opset8.relu(x)], [x])


# ----------------------------------------------------------------- packed weights
def test_specialisations_share_packed_winograd_weights(core):
    ops = pyvino.opset8
    x = ops.parameter("1,32,?,?", "f32", name="x")
    w = _rand((32, 32, 3, 3), 5)
    y = ops.convolution(x, w, strides=[1, 1], dilations=[1, 1], pads_begin=[1, 1], pads_end=[1, 1])
    model = Model([ops.relu(y)], [x])
    compiled = core.compile_model(model, "CPU")
    for h in (8, 12):
        data = _rand((1, 32, h, h), h)
        _assert_close(compiled([data])[0], evaluate_model(model, [data])[0])
    cache = compiled.backend.specialisations
    plans = [cache.get(shapes).plan for shapes in cache.shapes]
    kernels = [s.kernel for p in plans for s in p.steps if s.kernel.exec_type == "winograd"]
    assert len(kernels) == 2 and kernels[0].u is kernels[1].u


def test_packing_is_computed_once_per_array_and_kind():
    calls = []

    def pack(w: np.ndarray) -> np.ndarray:
        calls.append(w.shape)
        return w * 2

    weights = _rand((4, 6), 0)
    first = packed(weights, "test", pack)
    assert packed(weights, "test", pack) is first
    assert packed(weights.reshape(6, 4), "test", pack).shape == (6, 4)  # another view
    assert packed(weights, "other", pack) is not first
    assert packed(weights.copy(), "test", pack) is not first  # other memory
    assert calls == [(4, 6), (6, 4), (4, 6), (4, 6)]
    np.testing.assert_array_equal(first, weights * 2)
