"""One OpenCL program per model, built once and cached on disk as a driver binary.

The cache lives in ``$XDG_CACHE_HOME/pyvino/gpu`` (``~/.cache/pyvino/gpu``); an entry is keyed by
the sha256 of the program source, the build options and the device identity (platform, name,
OpenCL version, driver version). Loading a binary the driver rejects falls back to a source
build. The entry is written after the model's first inference, because some drivers (PoCL)
generate per-work-group-size code lazily at the first launch and include it in the binary only
then. PoCL keeps its own kernel cache (unless ``POCL_KERNEL_CACHE=0``) and fetching its binaries
compiles every kernel again (seconds per model), so on PoCL with its cache on we rely on it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyvino import CompilationError

from pyvino_gpu._devices import DeviceInfo

BUILD_OPTIONS = "-cl-mad-enable"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pyvino" / "gpu"


def program_key(source: str, info: DeviceInfo, options: str = BUILD_OPTIONS) -> str:
    h = hashlib.sha256()
    for part in (source, options, info.cache_identity):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class BuiltProgram:
    """A built program and how it came to be (``how``: cache, binary, source)."""

    program: Any
    key: str
    how: str
    seconds: float
    info: DeviceInfo

    def binary(self) -> bytes:
        return bytes(self.program.binaries[0])


def _build_from_source(ctx: Any, source: str, options: str) -> Any:
    import pyopencl as cl

    try:
        # cache_dir=False: pyopencl's own cache would duplicate ours.
        return cl.Program(ctx, source).build(options=options, cache_dir=False)
    except cl.Error as exc:
        raise CompilationError(f"GPU: the OpenCL program failed to build: {exc}") from None


def _build_from_binary(ctx: Any, info: DeviceInfo, binary: bytes, options: str) -> Any | None:
    import pyopencl as cl

    try:
        return cl.Program(ctx, [info.device], [binary]).build(options=options)
    except Exception:  # the driver rejects binaries of another version or device
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full cache only costs build time


def build(ctx: Any, info: DeviceInfo, source: str, binary: bytes | None = None) -> BuiltProgram:
    """Build ``source``: from ``binary`` if given and accepted, else the disk cache, else source."""
    start = time.perf_counter()
    key = program_key(source, info)
    path = cache_dir() / f"{key}.bin"
    if binary is not None:
        prg = _build_from_binary(ctx, info, binary, BUILD_OPTIONS)
        if prg is not None:
            return BuiltProgram(prg, key, "binary", time.perf_counter() - start, info)
    if path.is_file():
        prg = _build_from_binary(ctx, info, path.read_bytes(), BUILD_OPTIONS)
        if prg is not None:
            return BuiltProgram(prg, key, "cache", time.perf_counter() - start, info)
        path.unlink(missing_ok=True)
    prg = _build_from_source(ctx, source, BUILD_OPTIONS)
    return BuiltProgram(prg, key, "source", time.perf_counter() - start, info)


def driver_caches(info: DeviceInfo) -> bool:
    """Whether the driver keeps its own kernel cache that we rely on (PoCL, unless disabled)."""
    return (
        "Portable Computing Language" in info.platform
        and os.environ.get("POCL_KERNEL_CACHE", "1") != "0"
    )


def builds_at_first_launch(info: DeviceInfo) -> bool:
    """Whether the driver generates each kernel's code at its first launch rather than in
    clBuildProgram (PoCL: per work-group size; answered from its kernel cache when warm)."""
    return "Portable Computing Language" in info.platform


_store_lock = threading.Lock()


def store(built: BuiltProgram) -> bool:
    """Write the cache entry of a program built from source (call after its first launch)."""
    if built.how != "source" or driver_caches(built.info):
        return False
    path = cache_dir() / f"{built.key}.bin"
    with _store_lock:
        if not path.is_file():
            _write_atomic(path, built.binary())
    return True
