"""Reading an ONNX model: a path, serialized bytes or a ModelProto, with its external data.

External data is read here rather than by ``onnx.load`` so that every defect (missing file, a
location outside the model's folder, a range past the end of the file) becomes a
``ConversionError`` naming the tensor and the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from google.protobuf.message import DecodeError
from onnx import AttributeProto, GraphProto, ModelProto, TensorProto

from pyvino._errors import ConversionError

Source = str | os.PathLike | ModelProto | bytes


def load_model(source: Source) -> tuple[ModelProto, str]:
    """The ModelProto of ``source`` with external data resolved, and a label for messages."""
    if isinstance(source, ModelProto):
        model, label, base = source, "<ModelProto>", None
        if any(_is_external(t) for t in iter_tensors(model.graph)):
            model = ModelProto()
            model.CopyFrom(source)  # never mutate the caller's proto
    elif isinstance(source, (bytes, bytearray, memoryview)):
        model, label, base = _parse(bytes(source), "<bytes>"), "<bytes>", None
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        label = str(path)
        if not path.is_file():
            raise ConversionError(f"ONNX model file {label!r} does not exist or is not a file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConversionError(f"cannot read ONNX model file {label!r}: {exc}") from None
        model, base = _parse(data, label), path.resolve().parent
    else:
        raise ConversionError(
            f"cannot convert a {type(source).__name__}: expected a path, bytes or onnx.ModelProto"
        )
    _check_structure(model, label)
    _load_external_data(model, base, label)
    return model, label


def _parse(data: bytes, label: str) -> ModelProto:
    try:
        return ModelProto.FromString(data)
    except (DecodeError, RuntimeError, ValueError) as exc:
        raise ConversionError(
            f"{label}: not a valid ONNX model (protobuf parsing failed: the file is truncated, "
            f"corrupted or of another format): {exc}"
        ) from None


def _check_structure(model: ModelProto, label: str) -> None:
    if not model.HasField("graph") or model.ir_version <= 0:
        raise ConversionError(
            f"{label}: not a valid ONNX model (expected an ir_version and a graph; "
            f"got ir_version={model.ir_version}, graph={'present' if model.HasField('graph') else 'missing'})"
        )


def iter_tensors(graph: GraphProto) -> Iterator[TensorProto]:
    """Every TensorProto of ``graph``: initializers, sparse parts, node attributes, subgraphs."""
    yield from graph.initializer
    for sparse in graph.sparse_initializer:
        yield sparse.values
        yield sparse.indices
    for node in graph.node:
        for attr in node.attribute:
            yield from _attribute_tensors(attr)


def _attribute_tensors(attr: AttributeProto) -> Iterator[TensorProto]:
    if attr.type == AttributeProto.TENSOR:
        yield attr.t
    elif attr.type == AttributeProto.TENSORS:
        yield from attr.tensors
    elif attr.type == AttributeProto.SPARSE_TENSOR:
        yield attr.sparse_tensor.values
        yield attr.sparse_tensor.indices
    elif attr.type == AttributeProto.GRAPH:
        yield from iter_tensors(attr.g)
    elif attr.type == AttributeProto.GRAPHS:
        for g in attr.graphs:
            yield from iter_tensors(g)


def _is_external(tensor: TensorProto) -> bool:
    return tensor.data_location == TensorProto.EXTERNAL


def _load_external_data(model: ModelProto, base: Path | None, label: str) -> None:
    for tensor in iter_tensors(model.graph):
        if not _is_external(tensor):
            continue
        info = {e.key: e.value for e in tensor.external_data}
        where = f"{label}: tensor {tensor.name!r}"
        location = info.get("location", "")
        if base is None:
            raise ConversionError(
                f"{where} keeps its data in external file {location!r}, but the model was given "
                "in memory; pass the model's path so the file can be found next to it"
            )
        tensor.raw_data = _read_range(base, location, info, where)
        tensor.data_location = TensorProto.DEFAULT
        del tensor.external_data[:]


def _read_range(base: Path, location: str, info: dict[str, str], where: str) -> bytes:
    if not location:
        raise ConversionError(f"{where} refers to external data without a 'location'")
    rel = Path(location)
    target = (base / rel).resolve()
    if rel.is_absolute() or not target.is_relative_to(base):
        raise ConversionError(
            f"{where}: external data location {location!r} must be a relative path inside "
            f"the model's folder {str(base)!r}"
        )
    if not target.is_file():
        raise ConversionError(
            f"{where}: external data file {location!r} not found (looked for {str(target)!r})"
        )
    try:
        offset = int(info.get("offset", "0"))
        length = int(info["length"]) if "length" in info else None
    except ValueError:
        raise ConversionError(f"{where}: external data offset/length are not integers") from None
    size = target.stat().st_size
    end = size if length is None else offset + length
    if offset < 0 or end > size or end < offset:
        raise ConversionError(
            f"{where}: external data range [{offset}, {end}) lies outside file {location!r} "
            f"of {size} bytes"
        )
    with open(target, "rb") as f:
        f.seek(offset)
        return f.read(end - offset)


def opset_versions(model: ModelProto) -> dict[str, int]:
    """The opset version imported for each domain ("" stands for ai.onnx)."""
    versions: dict[str, int] = {}
    for entry in model.opset_import:
        versions[normalize_domain(entry.domain)] = int(entry.version)
    if "" not in versions and model.ir_version < 3:
        versions[""] = 1  # IR 1-2 models had no opset_import
    return versions


def normalize_domain(domain: str) -> str:
    return "" if domain in ("", "ai.onnx") else domain


__all__ = ["Source", "iter_tensors", "load_model", "normalize_domain", "opset_versions"]
