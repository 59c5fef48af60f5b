"""Compiled-blob container: a versioned, code-free header around a device plugin's payload.

Layout (little-endian): magic ``PYVINOBL`` | u32 format version | u32 header length |
header (UTF-8 JSON: device, pyvino version, payload sha256, plugin metadata) |
u64 payload length | payload. Reading never executes anything and never reads past the buffer.
"""

from __future__ import annotations

import hashlib
import json
import struct
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
    if len(data) < 16 or bytes(data[:8]) != MAGIC:
        raise BlobFormatError("not a pyvino compiled blob (bad magic bytes)")
    version, hlen = struct.unpack_from("<II", data, 8)
    if version > FORMAT_VERSION:
        raise BlobFormatError(
            f"blob format version {version} is newer than this pyvino supports ({FORMAT_VERSION})"
        )
    if 16 + hlen + 8 > len(data):
        raise BlobFormatError("compiled blob is truncated (header)")
    try:
        header = json.loads(bytes(data[16 : 16 + hlen]).decode())
        if not isinstance(header, dict) or not isinstance(header.get("device"), str):
            raise ValueError("header is not a dict with a device")
    except ValueError as exc:
        raise BlobFormatError(f"compiled blob header is corrupted: {exc}") from None
    (plen,) = struct.unpack_from("<Q", data, 16 + hlen)
    start = 16 + hlen + 8
    if start + plen != len(data):
        raise BlobFormatError(
            f"compiled blob is truncated or has trailing bytes: payload of {plen} bytes "
            f"declared, {len(data) - start} present"
        )
    # the one integrity check of the payload, hashed in place before its single copy
    if hashlib.sha256(data[start:]).hexdigest() != header.get("sha256"):
        raise BlobFormatError("compiled blob is corrupted (checksum mismatch)")
    payload = bytes(data[start:])
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
    data = memoryview(payload)
    out: dict[str, bytes] = {}
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
            out[name] = bytes(data[pos : pos + dlen])
            pos += dlen
    except (struct.error, UnicodeDecodeError) as exc:
        raise BlobFormatError(f"compiled blob payload is malformed: {exc}") from None
    return out
