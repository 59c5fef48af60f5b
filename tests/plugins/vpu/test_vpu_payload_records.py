"""Blob format 2: the runtime graph as JSON records + raw constants, checked on import."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import pyvino
from pyvino import BlobFormatError
from pyvino._blob import pack_blob, pack_sections, unpack_blob, unpack_sections


def sections_of(blob: bytes) -> dict[str, bytes]:
    return unpack_sections(unpack_blob(blob, "VPU")[1])


def with_graph(sections: dict[str, bytes], edit) -> bytes:
    """A blob whose graph records were changed by ``edit`` (meta checksums updated)."""
    import hashlib

    graph = json.loads(sections["graph"])
    edit(graph)
    edited = dict(sections, graph=json.dumps(graph).encode())
    meta = json.loads(edited["meta"])
    meta["sha256"]["graph"] = hashlib.sha256(edited["graph"]).hexdigest()
    return pack_blob("VPU", pack_sections({**edited, "meta": json.dumps(meta).encode()}))


def node(graph: dict, name: str) -> dict:
    return next(n for n in graph["nodes"] if n["name"] == name)


def inputs_for(compiled) -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    return [
        rng.standard_normal(p.get_partial_shape().to_shape()).astype(np.float32)
        for p in compiled.inputs
    ]


def assert_same_runs(core, model, config=None) -> None:
    compiled = core.compile_model(model, "VPU", config or {})
    imported = core.import_model(compiled.export_model(), "VPU")
    x = inputs_for(compiled)
    for got, want in zip(imported(x).values(), compiled(x).values()):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    ours = [
        (n.friendly_name, n.type_name, n.format_attrs())
        for n in imported.get_runtime_model().get_ordered_ops()
    ]
    theirs = [
        (n.friendly_name, n.type_name, n.format_attrs())
        for n in compiled.get_runtime_model().get_ordered_ops()
    ]
    assert ours == theirs


@pytest.mark.parametrize(
    "config", [{}, {"VPU_HW_STAGES_OPTIMIZATION": False}, {"VPU_OUTPUT_PRECISION": "f16"}]
)
def test_imported_small_models_run_bit_identically(core, cnn, tiny, config):
    assert_same_runs(core, cnn(), config)
    assert_same_runs(core, cnn(size=8, seed=4), config)
    assert_same_runs(core, tiny((3, 5)), config)


def test_imported_zoo_cnn_runs_bit_identically(core):
    zoo = pytest.importorskip("pyvino.zoo")
    assert_same_runs(core, pyvino.convert_model(zoo.build("mobilenet_v2")))


def test_constants_are_stored_as_fp16_raw_values(core, cnn):
    compiled = core.compile_model(cnn(), "VPU")
    sections = sections_of(compiled.export_model())
    graph = json.loads(sections["graph"])
    weights = next(
        n
        for n in graph["nodes"]
        if n["type"] == "Constant" and n["outputs"][0]["shape"] == [8, 3, 3, 3]
    )
    offset, length = weights["data"]
    stored = np.frombuffer(sections["data"], "<f2", length // 2, offset)
    runtime = compiled.get_runtime_model()
    const = next(n for n in runtime.get_ordered_ops() if n.friendly_name == weights["name"])
    np.testing.assert_array_equal(stored.reshape(8, 3, 3, 3), const.get_data())
    # the oracle: the original f32 weights rounded through numpy's float16
    original = next(
        n
        for n in cnn().get_ordered_ops()
        if n.type_name == "Constant" and n.get_data().shape == (8, 3, 3, 3)
    )
    np.testing.assert_array_equal(stored, original.get_data().astype(np.float16).reshape(-1))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda g: node(g, "fc").__setitem__("type", "Erf"), "not on the VPU op list"),
        (
            lambda g: node(g, "relu6").__setitem__("inputs", [[99, 0]]),
            "reads node #99, not an earlier node",
        ),
        (
            lambda g: node(g, "relu6").__setitem__("inputs", [[0, 3]]),
            "reads output 3 of 'image', which has 1 output",
        ),
        (
            lambda g: node(g, "conv")["outputs"][0].__setitem__("shape", [1, 8, 15, 15]),
            r"'conv' \(Convolution\): output 0 is declared .*15, 15.* but is",
        ),
        (lambda g: g.__setitem__("results", [0]), "results entry 0 is not a Result"),
        (lambda g: g.__setitem__("nodes", {}), "nodes is dict, not a list"),
    ],
)
def test_damaged_graph_records_are_typed_errors(core, cnn, edit, message):
    sections = sections_of(core.compile_model(cnn(), "VPU").export_model())
    with pytest.raises(BlobFormatError, match=message):
        core.import_model(with_graph(sections, edit), "VPU")


def _weights(graph: dict) -> dict:
    return next(
        n
        for n in graph["nodes"]
        if n["type"] == "Constant" and "data" in n and n["outputs"][0]["shape"] == [8, 3, 3, 3]
    )


def test_damaged_constant_records_name_the_problem(core, cnn):
    sections = sections_of(core.compile_model(cnn(), "VPU").export_model())
    size = len(sections["data"])

    def past_the_end(g):
        _weights(g)["data"] = [size - 10, 432]

    def wrong_length(g):
        _weights(g)["data"][1] -= 2

    def wrong_shape(g):
        _weights(g)["outputs"][0]["shape"] = [8, 3, 3, 4]

    def negative_offset(g):
        _weights(g)["data"][0] = -64

    def not_an_integer(g):
        _weights(g)["data"] = ["0", 432]

    cases = [
        (
            past_the_end,
            rf"data bytes {size - 10}\.\.{size + 422} lie outside the data section "
            rf"\({size} bytes\)",
        ),
        (wrong_length, r"holds 430 bytes, but f16\[8, 3, 3, 3\] needs 432"),
        (wrong_shape, r"holds 432 bytes, but f16\[8, 3, 3, 4\] needs 576"),
        (negative_offset, "lie outside the data section"),
        (not_an_integer, "data is '0', not an integer"),
    ]
    for edit, message in cases:
        with pytest.raises(BlobFormatError, match=message):
            core.import_model(with_graph(sections, edit), "VPU")


def test_unknown_format_version_is_rebuilt_by_the_model_cache(core, cnn, tmp_path):
    config = {"CACHE_DIR": str(tmp_path)}
    model = cnn()
    want = core.compile_model(model, "VPU", config)(inputs_for_shape())[0]
    (entry,) = [p for p in tmp_path.iterdir() if p.suffix == ".blob"]
    sections = sections_of(entry.read_bytes())
    meta = json.loads(sections["meta"])
    meta["format"] = 99
    entry.write_bytes(
        pack_blob("VPU", pack_sections({**sections, "meta": json.dumps(meta).encode()}))
    )
    with pytest.raises(BlobFormatError, match="format version 99 .* newer"):
        core.import_model(entry.read_bytes(), "VPU")
    again = pyvino.Core().compile_model(model, "VPU", config)
    assert again.get_property("LOADED_FROM_CACHE") is False  # rebuilt, not a crash
    np.testing.assert_array_equal(again(inputs_for_shape())[0], want)


def inputs_for_shape() -> np.ndarray:
    return np.random.default_rng(5).standard_normal((1, 3, 16, 16)).astype(np.float32)


_HIT = textwrap.dedent(
    """
    import sys, numpy as np, pyvino
    path, cache, out = sys.argv[1:4]
    compiled = pyvino.Core().compile_model(path, "VPU", {"CACHE_DIR": cache})
    loaded = compiled.get_property("LOADED_FROM_CACHE")
    numba_after_compile = "numba" in sys.modules
    x = np.random.default_rng(5).standard_normal((1, 3, 16, 16)).astype(np.float32)
    np.save(out, compiled(x)[0])
    print(loaded, numba_after_compile)
    """
)


def test_cache_hit_does_not_import_numba(cnn, tmp_path):
    pytest.importorskip("numba")  # with numba absent the check would be vacuous
    path = tmp_path / "small.xml"
    pyvino.save_model(cnn(), path)  # its depthwise layer runs on the numba kernel

    def run(out: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", _HIT, str(path), str(tmp_path / "cache"), str(tmp_path / out)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert run("first.npy") == ["False", "False"]  # the compile itself needs no numba either
    assert run("hit.npy") == ["True", "False"]
    np.testing.assert_array_equal(np.load(tmp_path / "hit.npy"), np.load(tmp_path / "first.npy"))
