"""pyvino.zoo: every model builds, is valid ONNX, is deterministic and runs in onnx.reference."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import pytest
import pyvino
from onnx import numpy_helper
from onnx.reference import ReferenceEvaluator
from pyvino import zoo

NAMES = [entry.name for entry in zoo.list_models()]
CNNS = ["mobilenet_v2", "resnet18", "resnet50", "yolo_detector", "unet"]


@pytest.fixture(scope="module")
def models() -> dict[str, onnx.ModelProto]:
    """Each zoo model built once with seed 0 (resnet50 takes a couple of seconds)."""
    return {name: zoo.build(name, seed=0) for name in NAMES}


@pytest.fixture(scope="module")
def reference_outputs(models: dict[str, onnx.ModelProto]) -> Callable[[str], list[np.ndarray]]:
    """`reference_outputs(name)`: the model's outputs on `random_inputs`, computed once."""
    cache: dict[str, list[np.ndarray]] = {}

    def run(name: str) -> list[np.ndarray]:
        if name not in cache:
            feeds = random_inputs(zoo.get_entry(name))
            cache[name] = list(ReferenceEvaluator(models[name]).run(None, feeds))
        return cache[name]

    return run


def random_inputs(entry: zoo.ZooEntry, seed: int = 1) -> dict[str, np.ndarray]:
    """N(0, 1) floats; token ids in BERT's vocabulary; an attention mask with padding."""
    rng = np.random.default_rng(seed)
    feeds: dict[str, np.ndarray] = {}
    for spec in entry.inputs:
        if spec.name == "input_ids":
            feeds[spec.name] = rng.integers(0, 30522, spec.shape, dtype=np.int64)
        elif spec.name == "attention_mask":
            mask = np.ones(spec.shape, np.int64)
            mask[:, 100:] = 0
            feeds[spec.name] = mask
        else:
            feeds[spec.name] = rng.standard_normal(spec.shape, dtype=np.float32)
    return feeds


def test_the_zoo_lists_every_architecture() -> None:
    assert NAMES == [
        "mobilenet_v2",
        "resnet18",
        "resnet50",
        "bert_encoder",
        "yolo_detector",
        "unet",
        "lstm_seq",
    ]
    for entry in zoo.list_models():
        assert entry.description and entry.inputs and entry.outputs


def test_unknown_model_names_the_known_ones() -> None:
    with pytest.raises(pyvino.PyvinoError, match="resnet50"):
        zoo.build("resnet51")


@pytest.mark.parametrize("name", NAMES)
def test_model_passes_the_full_checker(name: str, models: dict[str, onnx.ModelProto]) -> None:
    model = models[name]
    onnx.checker.check_model(model, full_check=True)
    assert model.ir_version in (8, 9)
    assert [(o.domain, o.version) for o in model.opset_import] == [("", 17)]
    assert model.doc_string and model.graph.doc_string


@pytest.mark.parametrize("name", NAMES)
def test_inputs_and_outputs_match_the_entry(name: str, models: dict[str, onnx.ModelProto]) -> None:
    entry, graph = zoo.get_entry(name), models[name].graph
    for specs, values in ((entry.inputs, graph.input), (entry.outputs, graph.output)):
        got = [(v.name, _dtype(v), _shape(v)) for v in values]
        assert got == [(s.name, s.dtype, s.shape) for s in specs]


@pytest.mark.parametrize("name", NAMES)
def test_every_intermediate_shape_is_inferred(
    name: str, models: dict[str, onnx.ModelProto]
) -> None:
    inferred = {v.name: v for v in models[name].graph.value_info}
    produced = [o for n in models[name].graph.node for o in n.output]
    outputs = {o.name for o in models[name].graph.output}
    for tensor in produced:
        if tensor in outputs:
            continue
        assert tensor in inferred, f"{name}: no inferred type for {tensor}"
        assert all(isinstance(d, int) for d in _shape(inferred[tensor])), tensor


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_model_other_seed_other_weights(
    name: str, models: dict[str, onnx.ModelProto]
) -> None:
    again = zoo.build(name, seed=0)
    assert again.SerializeToString() == models[name].SerializeToString()
    if name in ("lstm_seq", "mobilenet_v2"):  # cheap enough to build a third time
        other = zoo.build(name, seed=1)
        first = numpy_helper.to_array(other.graph.initializer[0])
        assert not np.array_equal(first, numpy_helper.to_array(models[name].graph.initializer[0]))


@pytest.mark.parametrize("name", CNNS)
def test_batchnorm_statistics_are_not_trivial(
    name: str, models: dict[str, onnx.ModelProto]
) -> None:
    weights = {t.name: numpy_helper.to_array(t) for t in models[name].graph.initializer}
    bns = [n for n in models[name].graph.node if n.op_type == "BatchNormalization"]
    assert bns
    for node in bns:
        scale, bias, mean, var = (weights[i] for i in node.input[1:])
        assert np.all(var > 0) and np.std(var) > 0 and np.std(mean) > 0, node.name
        assert np.std(scale) > 0 and np.std(bias) > 0, node.name


@pytest.mark.parametrize("name", NAMES)
def test_runs_in_the_reference_evaluator(name: str, reference_outputs: Callable) -> None:
    entry = zoo.get_entry(name)
    for spec, value in zip(entry.outputs, reference_outputs(name), strict=True):
        assert value.dtype == np.dtype(spec.dtype), spec.name
        assert all(
            d == s for d, s in zip(value.shape, spec.shape, strict=True) if isinstance(s, int)
        )
        assert np.all(np.isfinite(value)), spec.name
        if value.dtype == np.float32:
            assert 1e-2 < float(np.std(value)) < 1e3, f"{name}.{spec.name} std {np.std(value)}"


def test_detector_selects_valid_boxes(reference_outputs: Callable) -> None:
    boxes, scores, selected = reference_outputs("yolo_detector")
    assert selected.ndim == 2 and selected.shape[1] == 3 and len(selected) > 0
    assert np.all(selected[:, 0] == 0)
    assert np.all((selected[:, 1] >= 0) & (selected[:, 1] < scores.shape[1]))
    assert np.all((selected[:, 2] >= 0) & (selected[:, 2] < boxes.shape[1]))
    assert np.all(scores[0, selected[:, 1], selected[:, 2]] > 0.4)  # the score threshold
    assert np.all(boxes[..., 2:] > boxes[..., :2])  # corners (x1, y1) < (x2, y2)


def test_bert_attention_mask_hides_padding(
    models: dict[str, onnx.ModelProto], reference_outputs: Callable
) -> None:
    hidden, _ = reference_outputs("bert_encoder")
    feeds = random_inputs(zoo.get_entry("bert_encoder"))
    feeds["input_ids"][:, 100:] = 7  # change only tokens the mask hides
    changed, _ = ReferenceEvaluator(models["bert_encoder"]).run(None, feeds)
    np.testing.assert_allclose(changed[:, :100], hidden[:, :100], atol=1e-6)


def test_build_saves_a_loadable_file(tmp_path: Path) -> None:
    path = tmp_path / "lstm_seq.onnx"
    model = zoo.build("lstm_seq", path, seed=3)
    assert onnx.load(str(path)).SerializeToString() == model.SerializeToString()


def _dtype(value: onnx.ValueInfoProto) -> str:
    return onnx.helper.tensor_dtype_to_np_dtype(value.type.tensor_type.elem_type).name


def _shape(value: onnx.ValueInfoProto) -> tuple[int | str, ...]:
    dims = value.type.tensor_type.shape.dim
    return tuple(d.dim_value if d.HasField("dim_value") else d.dim_param for d in dims)
