"""The ONNX backend test cases, materialised once into a cache folder.

Node cases are Python generators in ``onnx.backend.test.case.node``: each yields a model, its
inputs and expected outputs. Generating them takes ~10 s, so they are written to disk (model.onnx
+ test_data_set_N/{input,output}_K.pb, as ``onnx``'s own generate-data tool lays them out) and
later runs read the manifest. The data categories shipped with onnx (pytorch-converted,
pytorch-operator, simple, real) are read in place; "real" cases point at the small "light"
models, whose inputs are made as onnx's runner makes them.
"""

from __future__ import annotations

import glob
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

DATA_DIR = Path(os.path.dirname(onnx.__file__)) / "backend" / "test" / "data"
DATA_KINDS = ("pytorch-converted", "pytorch-operator", "simple", "real")
_CACHE_VERSION = 1


@dataclass(frozen=True)
class Case:
    """One backend test: the model file and its (inputs, expected outputs) data sets."""

    name: str
    kind: str
    model: str
    data_sets: tuple[str, ...]
    rtol: float
    atol: float


def _write_value(path: Path, value: object, type_proto: onnx.TypeProto, name: str) -> None:
    if type_proto.HasField("sequence_type"):
        proto = numpy_helper.from_list(value, name)
    elif type_proto.HasField("optional_type"):
        proto = numpy_helper.from_optional(value, name)
    elif isinstance(value, onnx.TensorProto):
        proto = value
    else:
        proto = numpy_helper.from_array(np.asarray(value), name)
    path.write_bytes(proto.SerializeToString())


def _generate_node_cases(root: Path) -> list[dict]:
    from onnx.backend.test.loader import load_model_tests

    entries = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = load_model_tests(kind="node")
    for case in cases:
        folder = root / "node" / case.name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "model.onnx").write_bytes(case.model.SerializeToString())
        graph = case.model.graph
        for k, (inputs, outputs) in enumerate(case.data_sets):
            ds = folder / f"test_data_set_{k}"
            ds.mkdir(exist_ok=True)
            for j, value in enumerate(inputs):
                _write_value(ds / f"input_{j}.pb", value, graph.input[j].type, graph.input[j].name)
            for j, value in enumerate(outputs):
                _write_value(
                    ds / f"output_{j}.pb", value, graph.output[j].type, graph.output[j].name
                )
        entries.append(
            dict(
                name=case.name,
                kind="node",
                model=str(folder / "model.onnx"),
                data_sets=len(case.data_sets),
                rtol=case.rtol,
                atol=case.atol,
            )
        )
    return entries


def _light_data(root: Path, name: str, model_path: Path) -> str:
    """Inputs as onnx's runner makes them (arange / n) and the shipped expected output."""
    folder = root / "real" / name / "test_data_set_0"
    folder.mkdir(parents=True, exist_ok=True)
    model = onnx.load(str(model_path))
    inits = {i.name for i in model.graph.initializer}
    n_input = 0
    for info in model.graph.input:
        if info.name in inits:
            continue
        shape = tuple(
            d.dim_value if d.HasField("dim_value") else 1 for d in info.type.tensor_type.shape.dim
        )
        n = int(np.prod(shape))
        value = (np.arange(n).reshape(shape) / n).astype(np.float32)
        (folder / f"input_{n_input}.pb").write_bytes(
            numpy_helper.from_array(value).SerializeToString()
        )
        n_input += 1
    prefix = str(model_path)[: -len(".onnx")]
    for i in range(len(model.graph.output)):
        (folder / f"output_{i}.pb").write_bytes(Path(f"{prefix}_output_{i}.pb").read_bytes())
    return str(folder)


def _data_cases(root: Path) -> list[dict]:
    entries = []
    for kind in DATA_KINDS:
        for case_dir in sorted((DATA_DIR / kind).iterdir()):
            if not case_dir.is_dir():
                continue
            meta = (
                json.loads((case_dir / "data.json").read_text())
                if (case_dir / "data.json").exists()
                else {}
            )
            entry = dict(
                name=case_dir.name,
                kind=kind,
                rtol=meta.get("rtol", 1e-3),
                atol=meta.get("atol", 1e-7),
            )
            if (case_dir / "model.onnx").exists():
                sets = sorted(glob.glob(str(case_dir / "test_data_set*")))
                entry.update(model=str(case_dir / "model.onnx"), data_sets=sets)
            else:  # a "real" case: the light model named by its url
                model_path = DATA_DIR.parent.parent.parent.parent / meta["url"]
                entry.update(
                    model=str(model_path), data_sets=[_light_data(root, case_dir.name, model_path)]
                )
            entries.append(entry)
    return entries


def load_cases(cache_dir: Path) -> list[Case]:
    """Every case, generating the cache under ``cache_dir`` on first use."""
    root = cache_dir / f"onnx-{onnx.__version__}-v{_CACHE_VERSION}"
    manifest = root / "manifest.json"
    if not manifest.exists():
        root.mkdir(parents=True, exist_ok=True)
        entries = _generate_node_cases(root) + _data_cases(root)
        tmp = root / "manifest.json.tmp"
        tmp.write_text(json.dumps(entries))
        tmp.replace(manifest)
    cases = []
    for e in json.loads(manifest.read_text()):
        sets = e["data_sets"]
        if isinstance(sets, int):
            sets = [str(Path(e["model"]).parent / f"test_data_set_{k}") for k in range(sets)]
        cases.append(Case(e["name"], e["kind"], e["model"], tuple(sets), e["rtol"], e["atol"]))
    return cases


def load_data_set(model: onnx.ModelProto, folder: str) -> tuple[list, list]:
    """(inputs, expected outputs) of one data set, read as onnx's runner reads them."""

    def read(prefix: str, infos: list) -> list:
        values = []
        count = len(glob.glob(os.path.join(folder, f"{prefix}_*.pb")))
        for i in range(count):
            data = Path(folder, f"{prefix}_{i}.pb").read_bytes()
            type_proto = infos[i].type
            if type_proto.HasField("sequence_type"):
                values.append(numpy_helper.to_list(onnx.SequenceProto.FromString(data)))
            elif type_proto.HasField("optional_type"):
                values.append(numpy_helper.to_optional(onnx.OptionalProto.FromString(data)))
            else:
                values.append(numpy_helper.to_array(onnx.TensorProto.FromString(data)))
        return values

    return read("input", list(model.graph.input)), read("output", list(model.graph.output))
