"""``pyvino quantize`` on a folder of .npy files, and the calibration data forms."""

from __future__ import annotations

import argparse

import numpy as np
import pytest
import pyvino
from pyvino import Model
from pyvino.cli import _quantize
from pyvino.quantization import Dataset
from pyvino.quantization._dataset import to_inputs

RNG = np.random.default_rng(4)


def conv_model() -> Model:
    ops = pyvino.opset15
    x = ops.parameter([1, 3, 8, 8], "f32", name="x")
    w = (RNG.standard_normal((16, 3, 3, 3)) * 0.2).astype(np.float32)
    y = ops.convolution(
        x, w, strides=[1, 1], dilations=[1, 1], pads_begin=[0, 0], pads_end=[0, 0], name="conv"
    )
    y = ops.reduce_mean(ops.relu(y), np.array([2, 3]), keep_dims=False, name="gap")
    y = ops.matmul(
        y,
        RNG.standard_normal((16, 10)).astype(np.float32),
        transpose_a=False,
        transpose_b=False,
        name="fc",
    )
    y.output(0).set_names(["logits"])
    return Model([y], [x], "net")


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    _quantize.add_arguments(parser)
    return _quantize.run(parser.parse_args(list(argv)))


def test_cli_quantizes_with_a_folder_and_reports(tmp_path, capsys):
    pyvino.save_model(conv_model(), tmp_path / "net.xml", compress_to_fp16=False)
    data = tmp_path / "data"
    data.mkdir()
    for i in range(12):  # without the batch axis: it is added
        np.save(data / f"{i:03d}.npy", RNG.standard_normal((3, 8, 8)).astype(np.float32))
    out = tmp_path / "net_int8.xml"
    code = cli(
        "-m",
        str(tmp_path / "net.xml"),
        "--data",
        str(data),
        "--subset-size",
        "8",
        "--eval-size",
        "4",
        "-o",
        str(out),
        "--ignored-names",
        "fc",
        "--progress",
        "false",
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "calibration: 8 sample(s)" in text and "ignored scope" in text and "fc" in text
    assert "FakeQuantize: 1 on activations, 1 on weights" in text
    assert "top-1 agreement with fp32" in text and "4 held-out sample(s)" in text
    assert "smaller" in text and "median latency" in text
    model = pyvino.Core().read_model(out)
    assert sum(n.type_name == "FakeQuantize" for n in model.get_ordered_ops()) == 2


def test_cli_without_data_uses_random_inputs(tmp_path, capsys):
    pyvino.save_model(conv_model(), tmp_path / "net.xml", compress_to_fp16=False)
    assert (
        cli(
            "-m",
            str(tmp_path / "net.xml"),
            "--subset-size",
            "3",
            "--eval-size",
            "2",
            "-o",
            str(tmp_path / "q.xml"),
            "--preset",
            "mixed",
            "--range-estimator",
            "percentile",
        )
        == 0
    )
    assert "seeded random inputs" in capsys.readouterr().out


def test_items_as_dicts_tuples_and_bare_arrays():
    ports = conv_model().inputs
    a = RNG.standard_normal((1, 3, 8, 8))
    for item in ({"x": a}, {0: a}, (a,), a, a[0]):
        arrays = to_inputs(item, ports)
        assert arrays[0].dtype == np.float32 and arrays[0].shape == (1, 3, 8, 8)
    with pytest.raises(pyvino.PyvinoError, match="does not fit"):
        to_inputs(RNG.standard_normal((2, 8, 8)), ports)
    with pytest.raises(pyvino.PyvinoError, match="no entry"):
        to_inputs({"y": a}, ports)


def test_folder_with_npz_and_transform(tmp_path):
    np.savez(tmp_path / "a.npz", x=np.ones((1, 3, 8, 8)))
    dataset = Dataset(tmp_path, lambda item: {"x": item["x"] * 2})
    items = list(dataset.items(conv_model().inputs))
    assert len(items) == 1 and float(items[0]["x"].max()) == 2.0
    with pytest.raises(pyvino.PyvinoError, match="not a folder"):
        list(Dataset(tmp_path / "a.npz").items(conv_model().inputs))
    (tmp_path / "empty").mkdir()
    with pytest.raises(pyvino.PyvinoError, match="no .npy"):
        list(Dataset(tmp_path / "empty").items(conv_model().inputs))
