"""HETERO splits, runs in order, avoids cyclic splits, reports submodels and dumps dot."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import CompilationError, Core, Model, partition_model
from pyvino.testing import FakeDevice, evaluate_model
from pyvino_hetero import dump_dot


def diamond() -> Model:
    """x -> relu(A) -> sigmoid(B) -> add(C) with A -> C too: a naive split makes a cycle."""
    ops = pyvino.opset8
    x = ops.parameter([2, 3], "f32", name="x")
    a = ops.relu(x, name="A")
    b = ops.sigmoid(a, name="B")
    c = ops.add(a, b, name="C")
    return Model([c], [x], "diamond")


@pytest.fixture
def core() -> Core:
    core = Core()
    core.add_extension(FakeDevice.plugin("FAKE", ops={"Relu", "Add"}))
    return core


def test_cyclic_greedy_split_is_made_acyclic(core):
    model = diamond()
    compiled = core.compile_model(model, "HETERO:FAKE,CPU")
    assert compiled.get_property("HETERO_NUMBER_OF_SUBMODELS") == 3
    assert compiled.get_property("EXECUTION_DEVICES") == ["FAKE", "CPU"]
    x = np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3)
    relu = np.maximum(x, 0)
    np.testing.assert_allclose(compiled(x)[0], relu + 1 / (1 + np.exp(-relu)), rtol=1e-6)


def test_partition_stage_order_is_a_valid_schedule():
    model = diamond()
    affinity = {"A": "GPU", "B": "CPU", "C": "GPU"}
    subs = partition_model(model, affinity)
    assert [s.device for s in subs] == ["GPU", "CPU", "GPU"]
    produced = set(model.inputs)
    for sub in subs:  # every subgraph's inputs exist before it runs
        assert all(src in produced for src in sub.inputs)
        produced.update(sub.outputs)


def test_manual_affinity_in_rt_info(core):
    model = diamond()
    for node in model.get_ordered_ops():
        node.rt_info["affinity"] = "CPU"
    compiled = core.compile_model(model, "HETERO:FAKE,CPU")
    assert compiled.get_property("HETERO_NUMBER_OF_SUBMODELS") == 1
    assert compiled.get_property("EXECUTION_DEVICES") == ["CPU"]


def test_unsupported_ops_fall_back_and_match_reference(core):
    ops = pyvino.opset8
    x = ops.parameter([1, 4], "f32", name="x")
    y = ops.add(ops.tanh(ops.relu(x)), np.ones((1, 4), np.float32))
    model = Model([y], [x])
    q = core.query_model(model, "HETERO:FAKE,CPU")
    assert q[y.inputs[0].node.friendly_name] == "CPU"
    data = np.array([[-1, 0.5, 2, 3]], np.float32)
    got = core.compile_model(model, "HETERO:FAKE,CPU")(data)[0]
    np.testing.assert_allclose(got, evaluate_model(model, [data])[0], rtol=1e-6)


def test_unknown_device_in_list_is_a_clear_error(core):
    with pytest.raises(pyvino.DeviceNotFoundError, match="NPU"):
        core.compile_model(diamond(), "HETERO:NPU,CPU")
    with pytest.raises(CompilationError, match="device list"):
        core.compile_model(diamond(), "HETERO")


def test_per_subgraph_profiling_and_dot(core, tmp_path):
    compiled = core.compile_model(diamond(), "HETERO:FAKE,CPU", {"PERF_COUNT": True})
    request = compiled.create_infer_request()
    request.infer([np.ones((2, 3), np.float32)])
    exec_types = {p.node_name: p.exec_type for p in request.get_profiling_info()}
    assert exec_types["B"].startswith("CPU:")
    path = tmp_path / "hetero.dot"
    dump_dot(compiled, path)
    text = path.read_text()
    assert text.startswith('digraph "diamond"') and text.count("subgraph cluster_") == 3
    assert "@FAKE" in text and "@CPU" in text


def test_partition_cli_writes_dot_files(tmp_path, capsys):
    from pyvino.cli import main

    xml = tmp_path / "diamond.xml"
    pyvino.save_model(diamond(), xml)
    # CPU alone: one subgraph; the command reports counts and writes both dot files
    assert main(["partition", "-m", str(xml), "-d", "HETERO:CPU", "--dot", str(tmp_path / "d")]) == 0
    out = capsys.readouterr().out
    assert "subgraph 0: CPU" in out and "subgraph 1" not in out
    assert (tmp_path / "d_affinity.dot").read_text().startswith('digraph "diamond"')
    assert "cluster_0" in (tmp_path / "d_subgraphs.dot").read_text()
