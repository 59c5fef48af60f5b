"""Model cache (``CACHE_DIR``): compiled blobs keyed by model, device and compile properties.

A hit imports the blob instead of compiling; a corrupt, truncated or stale entry is removed and
rebuilt, never a crash. Entries are written to a temporary file and renamed into place, so
processes writing the same entry at once never leave a torn file.

Two kinds of key, as in OpenVINO: a ``Model`` object is keyed on its serialised IR, a model
*file* (``.xml`` + weights, ``.onnx`` + its external-data files) on the bytes of those files, so
a hit never reads the model. The files' digests are remembered under ``CACHE_DIR/files`` with
the files' identities (size, times, inode), so an unchanged file is not hashed again
(``_digest_memo``). A file key does not cover extensions added to the Core (a custom converter
changes the model read from the same file, not the key): clear the cache after changing them.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._types import Type
from pyvino.runtime import _digest_memo
from pyvino.runtime._digest_memo import FileDigest

log = logging.getLogger("pyvino.cache")
# Device properties that make a blob valid only on that kind of device.
CACHING_PROPERTIES = ("FULL_DEVICE_NAME", "DEVICE_ARCHITECTURE")
# Sub-folder of CACHE_DIR with the remembered model-file digests (``_digest_memo``).
DIGESTS_DIR = "files"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Type):
        return value.name
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def cache_key(model: Model, device: str, config: dict[str, Any], plugin: Any) -> str:
    """Key of a Model object: its serialised IR, device, config, device info, pyvino version."""
    from pyvino.ir import serialize_ir

    xml, weights = serialize_ir(model, compress_to_fp16=False)
    h = hashlib.sha256(b"model\0")
    h.update(xml)
    h.update(hashlib.sha256(weights).digest())
    _add_compile_context(h, device, config, plugin)
    return h.hexdigest()


def file_cache_key(
    path: Path, device: str, config: dict[str, Any], plugin: Any, memo_dir: Path | None = None
) -> str | None:
    """Key of a model file from its bytes and those of every file it reads, without reading
    the model; None where this format's companion files are not known (read the model then).
    With ``memo_dir``, digests of files unchanged since an earlier compile are not computed
    again (``_digest_memo``)."""
    files = _model_files(path, memo_dir)
    if files is None:
        return None
    h = hashlib.sha256(b"file\0")
    h.update(path.suffix.lower().encode())
    for file in files:
        h.update(f"\0{file.role}\0".encode())
        h.update(file.sha256 or b"missing")
    _add_compile_context(h, device, config, plugin)
    return h.hexdigest()


def _model_files(path: Path, memo_dir: Path | None) -> list[FileDigest] | None:
    if memo_dir is not None:
        remembered = _digest_memo.recall(memo_dir, path)
        if remembered is not None:
            return remembered
    started = time.time_ns()
    files = model_file_digests(path)
    if files is not None and memo_dir is not None:
        _digest_memo.remember(memo_dir, path, files, started)
    return files


def model_file_digests(path: Path) -> list[FileDigest] | None:
    """Every file the model at ``path`` is read from, with its sha256; None if unknown.

    A role names the file relative to the model (``model``, ``weights``, an ONNX external-data
    location), so an identical copy of the files at another path gets the same key.
    """
    suffix = path.suffix.lower()
    identity = _digest_memo.identity(path)
    data = _read(path) if suffix in (".xml", ".onnx") else None
    if data is None:
        return None
    files = [FileDigest("model", path, hashlib.sha256(data).digest(), identity)]
    if suffix == ".xml":
        return [*files, _file_digest("weights", path.with_suffix(".bin"))]
    locations = _onnx_external_locations(data)
    if locations is None:
        return None
    return files + [_file_digest(f"external:{loc}", path.parent / loc) for loc in locations]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _onnx_external_locations(data: bytes) -> list[str] | None:
    """Sorted external-data locations named in a serialised ONNX model; None if it does not
    parse (the reader reports that). Every external tensor has a ``location`` entry, so a model
    without that word is not parsed at all."""
    if b"location" not in data:
        return []
    from google.protobuf.message import DecodeError
    from onnx import ModelProto, TensorProto

    from pyvino.frontend.onnx._load import iter_tensors

    try:
        model = ModelProto.FromString(data)
    except (DecodeError, RuntimeError, ValueError):
        return None
    locations = set()
    for tensor in iter_tensors(model.graph):
        if tensor.data_location == TensorProto.EXTERNAL:
            locations.update(e.value for e in tensor.external_data if e.key == "location")
    return sorted(locations)


def _file_digest(role: str, path: Path) -> FileDigest:
    """sha256 of a file's bytes; None for a missing or unreadable file (the reader reports
    that on a miss)."""
    identity = _digest_memo.identity(path)
    try:
        with open(path, "rb") as f:
            return FileDigest(role, path, hashlib.file_digest(f, "sha256").digest(), identity)
    except OSError:
        return FileDigest(role, path, None, identity)


def _add_compile_context(h: Any, device: str, config: dict[str, Any], plugin: Any) -> None:
    """Everything besides the model that a compiled blob depends on."""
    from pyvino import __version__

    device_info = {}
    for key in CACHING_PROPERTIES:
        try:
            device_info[key] = plugin.get_property(key)
        except PyvinoError:
            continue
    h.update(
        json.dumps(
            {
                "device": device,
                "config": _jsonable(config),
                "pyvino": __version__,
                "device_info": _jsonable(device_info),
            },
            sort_keys=True,
        ).encode()
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a plugin imports a blob.

    An import builds a whole runtime graph (ResNet-50: 700+ nodes, each with its ports, shapes
    and attributes), which triggers collections that find nothing to free: 10-15 ms of an
    80 ms MobileNetV2 cache hit. Bulk loaders commonly pause it the same way; the previous
    state comes back afterwards, even on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def supports_cache(plugin: Any) -> bool:
    try:
        return "EXPORT_IMPORT" in plugin.get_property("OPTIMIZATION_CAPABILITIES")
    except PyvinoError:
        return False


def discard(path: Path, reason: str) -> None:
    log.warning("model cache: ignoring %s (%s); rebuilding", path, reason)
    try:
        path.unlink()
    except OSError:
        pass


def store(path: Path, blob: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("model cache: cannot write %s: %s", path, exc)
        try:
            os.unlink(tmp)
        except OSError:
            pass
