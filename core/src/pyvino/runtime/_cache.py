"""Model cache (``CACHE_DIR``): compiled blobs keyed by model, device and compile properties.

A hit imports the blob instead of compiling; a corrupt, truncated or stale entry is removed and
rebuilt, never a crash. Entries are written to a temporary file and renamed into place, so
processes writing the same entry at once never leave a torn file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._types import Type

log = logging.getLogger("pyvino.cache")
# Device properties that make a blob valid only on that kind of device.
CACHING_PROPERTIES = ("FULL_DEVICE_NAME", "DEVICE_ARCHITECTURE")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Type):
        return value.name
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def cache_key(model: Model, device: str, config: dict[str, Any], plugin: Any) -> str:
    from pyvino import __version__
    from pyvino.ir import serialize_ir

    xml, weights = serialize_ir(model, compress_to_fp16=False)
    h = hashlib.sha256()
    h.update(xml)
    h.update(hashlib.sha256(weights).digest())
    device_info = {}
    for key in CACHING_PROPERTIES:
        try:
            device_info[key] = plugin.get_property(key)
        except PyvinoError:
            continue
    h.update(json.dumps({"device": device, "config": _jsonable(config), "pyvino": __version__,
                         "device_info": _jsonable(device_info)}, sort_keys=True).encode())
    return h.hexdigest()


def supports_cache(plugin: Any) -> bool:
    try:
        return "EXPORT_IMPORT" in plugin.get_property("OPTIMIZATION_CAPABILITIES")
    except PyvinoError:
        return False


def load(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


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
