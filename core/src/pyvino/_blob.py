"""Compiled-blob container: a versioned, code-free header around a device plugin's payload.

Layout (little-endian): magic ``PYVINOBL`` | u32 format version | u32 header length |
header (UTF-8 JSON: device, pyvino version, payload sha256, plugin metadata) |
u64 payload length | payload. Reading never executes anything and never reads past the buffer.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyvino._errors import BlobFormatError

MAGIC = b"PYVINOBL"
FORMAT_VERSION = 1


def pack_blob(device: str, payload: bytes, meta: dict[str, Any] | None = None) -> bytes:
    from pyvino import __version__

    header = json.dumps(
        {
            "device": device,
            "pyvino": __version__,
            "sha256": hashlib.sha256(payload).hexdigest(),
            "meta": meta or {},
        },
        sort_keys=True,
    ).encode()
    return b"".join(
        [
            MAGIC,
            struct.pack("<II", FORMAT_VERSION, len(header)),
            header,
            struct.pack("<Q", len(payload)),
            payload,
        ]
    )


def unpack_blob(blob: bytes, expected_device: str | None = None) -> tuple[dict[str, Any], bytes]:
    """(header, payload); raises BlobFormatError for anything malformed or mismatched."""
    data = memoryview(blob if isinstance(blob, bytes) else bytes(blob))
    header, start = _header(data[:16], lambda n: data[16 : 16 + n])
    (plen,) = struct.unpack_from("<Q", data, start - 8) if start <= len(data) else (0,)
    _check_length(plen, len(data) - start)
    # the one integrity check of the payload, hashed in place before its single copy
    return _checked(header, bytes(data[start:]), expected_device)


def read_blob_file(path: Path, expected_device: str | None = None) -> tuple[dict[str, Any], bytes]:
    """``unpack_blob`` of a file, reading the payload straight into its one buffer (a cache
    hit on a 50 MB blob then copies it once, not twice). OSError if the file can't be read."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        header, start = _header(f.read(16), f.read)
        (plen,) = struct.unpack("<Q", f.read(8)) if start <= size else (0,)
        _check_length(plen, size - start)
        payload = f.read(plen)
    _check_length(plen, len(payload))  # the file shrank while it was read
    return _checked(header, payload, expected_device)


def _header(
    prefix: bytes | memoryview, read: Callable[[int], bytes | memoryview]
) -> tuple[dict[str, Any], int]:
    """The JSON header after the 16-byte ``prefix`` (its bytes come from ``read``) and the
    offset of the payload."""
    if len(prefix) < 16 or bytes(prefix[:8]) != MAGIC:
        raise BlobFormatError("not a pyvino compiled blob (bad magic bytes)")
    version, hlen = struct.unpack_from("<II", prefix, 8)
    if version > FORMAT_VERSION:
        raise BlobFormatError(
            f"blob format version {version} is newer than this pyvino supports ({FORMAT_VERSION})"
        )
    raw = bytes(read(hlen))
    if len(raw) != hlen:
        raise BlobFormatError("compiled blob is truncated (header)")
    try:
        header = json.loads(raw.decode())
        if not isinstance(header, dict) or not isinstance(header.get("device"), str):
            raise ValueError("header is not a dict with a device")
    except ValueError as exc:
        raise BlobFormatError(f"compiled blob header is corrupted: {exc}") from None
    return header, 16 + hlen + 8


def _check_length(declared: int, present: int) -> None:
    if present < 0:
        raise BlobFormatError("compiled blob is truncated (header)")
    if declared != present:
        raise BlobFormatError(
            f"compiled blob is truncated or has trailing bytes: payload of {declared} bytes "
            f"declared, {present} present"
        )


def _checked(
    header: dict[str, Any], payload: bytes, expected_device: str | None
) -> tuple[dict[str, Any], bytes]:
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise BlobFormatError("compiled blob is corrupted (checksum mismatch)")
    if expected_device is not None and header["device"] != expected_device:
        raise BlobFormatError(
            f"this blob was compiled for device {header['device']}, not {expected_device}"
        )
    return header, payload


def pack_sections(sections: dict[str, bytes]) -> bytes:
    """Named byte sections: u32 count, then (u32 name length, name, u64 length, data) each."""
    parts = [struct.pack("<I", len(sections))]
    for name, data in sections.items():
        encoded = name.encode()
        parts += [struct.pack("<I", len(encoded)), encoded, struct.pack("<Q", len(data)), data]
    return b"".join(parts)


def unpack_sections(payload: bytes) -> dict[str, bytes]:
    """The sections of ``pack_sections``, each its own bytes."""
    return {name: bytes(view) for name, view in section_views(payload).items()}


def section_views(payload: bytes) -> dict[str, memoryview]:
    """The sections of ``pack_sections`` as read-only views into ``payload`` (no copy)."""
    data = memoryview(payload).toreadonly()
    out: dict[str, memoryview] = {}
    try:
        (count,) = struct.unpack_from("<I", data, 0)
        pos = 4
        for _ in range(count):
            (nlen,) = struct.unpack_from("<I", data, pos)
            pos += 4
            if pos + nlen > len(data):
                raise struct.error("name past end")
            name = bytes(data[pos : pos + nlen]).decode()
            pos += nlen
            (dlen,) = struct.unpack_from("<Q", data, pos)
            pos += 8
            if pos + dlen > len(data):
                raise struct.error("section past end")
            out[name] = data[pos : pos + dlen]
            pos += dlen
    except (struct.error, UnicodeDecodeError) as exc:
        raise BlobFormatError(f"compiled blob payload is malformed: {exc}") from None
    return out
