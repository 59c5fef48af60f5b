"""Constant data in an IR ``.bin``: packing numpy values to bytes and back, per element type.

Layouts follow OpenVINO's element iterator (``element_iterator.hpp``):

- byte types (f32, i8, bf16, f8*, ...): little-endian, row-major, no padding; ``boolean`` is
  one byte per value (0 or 1).
- nibble types (u4, i4, nf4, f4e2m1): two values per byte, the *first* value in the low nibble
  (u4 ``[1, 2, 3]`` -> ``21 03``).
- bit types (u1, u2): 8 or 4 values per byte, the first value in the *most* significant bits
  (u1 ``[1, 0, 1, 1]`` -> ``b0``).
- split types (u3, u6): groups of 3 bytes holding 8 (u3) or 4 (u6) values. Bytes 0-1, read as a
  big-endian 16-bit word, hold the low 2 (u3) or 4 (u6) bits of each value, first value in the
  top bits; byte 2 holds the remaining high bit(s), first value in the top bits. A partial last
  group still takes 3 bytes.
- string: ``int32 n``, ``int32 ends[n + 1]`` (``ends[0] == 0``), then the UTF-8 bytes of all
  strings concatenated; string ``i`` is ``chars[ends[i]:ends[i + 1]]``.
"""

from __future__ import annotations

import sys

import numpy as np

from pyvino._types import Type

_NIBBLE = {"u4", "i4", "nf4", "f4e2m1"}
_BITS = {"u1": 1, "u2": 2}
_SPLIT = {"u3": (8, 2), "u6": (4, 4)}  # values per 3-byte group, low bits per value


class BinFormatError(ValueError):
    """Bytes that do not form a valid tensor of the given type; the reader adds file/layer."""


def byte_size(element_type: Type, count: int) -> int:
    """Bytes ``count`` values of ``element_type`` take in a ``.bin`` (not valid for strings)."""
    return element_type.byte_size(count)


# ------------------------------------------------------------------------------- unpacking
def unpack(buf: bytes | memoryview, element_type: Type, shape: tuple[int, ...]) -> np.ndarray:
    """The array of ``shape`` stored in ``buf`` (exactly ``byte_size`` bytes, or a string blob)."""
    count = int(np.prod(shape, dtype=np.int64))
    name = element_type.name
    if name == "string":
        return _unpack_strings(bytes(buf), count).reshape(shape)
    if len(buf) != byte_size(element_type, count):
        raise BinFormatError(
            f"{len(buf)} bytes cannot hold {count} values of {name} "
            f"(expected {byte_size(element_type, count)})"
        )
    raw = np.frombuffer(buf, dtype=np.uint8)
    if name in _NIBBLE:
        codes = np.empty(raw.size * 2, dtype=np.uint8)
        codes[0::2] = raw & 0x0F
        codes[1::2] = raw >> 4
        return _from_codes(codes[:count], element_type).reshape(shape)
    if name in _BITS:
        bits = _BITS[name]
        per_byte = 8 // bits
        shifts = np.arange(8 - bits, -1, -bits, dtype=np.uint8)
        codes = ((raw[:, None] >> shifts) & ((1 << bits) - 1)).reshape(raw.size * per_byte)
        return _from_codes(codes[:count], element_type).reshape(shape)
    if name in _SPLIT:
        return _unpack_split(raw, name, count).astype(element_type.dtype).reshape(shape)
    if name == "boolean":
        return (raw != 0).reshape(shape)
    size = element_type.bitwidth // 8
    words = np.frombuffer(buf, dtype=f"<u{size}")
    if sys.byteorder != "little":
        words = words.astype(f"=u{size}")
    return words.view(element_type.dtype).reshape(shape)


def _from_codes(codes: np.ndarray, element_type: Type) -> np.ndarray:
    """Sub-byte codes (one per uint8) as values in the type's numpy dtype."""
    name = element_type.name
    if name == "i4":
        return (
            np.where(codes >= 8, codes.astype(np.int8) - 16, codes)
            .astype(np.int8)
            .astype(element_type.dtype)
        )
    if name == "f4e2m1":
        return codes.view(element_type.dtype)
    if name == "u1":
        return codes.astype(bool)
    return codes.astype(element_type.dtype)


def _unpack_split(raw: np.ndarray, name: str, count: int) -> np.ndarray:
    per_group, low_bits = _SPLIT[name]
    high_bits = 8 // per_group
    groups = raw.reshape(-1, 3).astype(np.uint16)
    word = (groups[:, 0] << 8) | groups[:, 1]
    k = np.arange(per_group - 1, -1, -1, dtype=np.uint16)  # shift slot of value 0 first
    low = (word[:, None] >> (k * low_bits)) & ((1 << low_bits) - 1)
    high = (groups[:, 2:3] >> (k * high_bits)) & ((1 << high_bits) - 1)
    return (low | (high << low_bits)).reshape(-1)[:count].astype(np.uint8)


def _unpack_strings(blob: bytes, count: int) -> np.ndarray:
    if len(blob) < 4:
        raise BinFormatError(f"a string tensor needs at least 4 bytes, got {len(blob)}")
    n = int(np.frombuffer(blob[:4], dtype="<i4")[0])
    if n != count:
        raise BinFormatError(f"the string blob holds {n} strings, the shape has {count}")
    header = 4 * (n + 2)
    if len(blob) < header:
        raise BinFormatError(f"a blob of {n} strings needs a {header}-byte header, got {len(blob)}")
    ends = np.frombuffer(blob[4:header], dtype="<i4").astype(np.int64)
    chars = blob[header:]
    if ends[0] != 0 or np.any(np.diff(ends) < 0) or ends[-1] != len(chars):
        raise BinFormatError(
            f"string offsets must rise from 0 to the {len(chars)} bytes of text, got "
            f"{ends[0]}..{ends[-1]}"
        )
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = chars[ends[i] : ends[i + 1]].decode("utf-8", errors="surrogateescape")
    return out


# ------------------------------------------------------------------------------- packing
def pack(values: np.ndarray, element_type: Type) -> bytes:
    """The ``.bin`` bytes of ``values`` (held in the type's numpy dtype)."""
    name = element_type.name
    flat = np.ascontiguousarray(values).reshape(-1)
    if name == "string":
        return _pack_strings(flat)
    if name in _NIBBLE:
        codes = _to_codes(flat, element_type)
        codes = np.concatenate([codes, np.zeros(codes.size % 2, np.uint8)])
        return (codes[0::2] | (codes[1::2] << 4)).astype(np.uint8).tobytes()
    if name in _BITS:
        bits = _BITS[name]
        per_byte = 8 // bits
        codes = _to_codes(flat, element_type)
        codes = np.concatenate([codes, np.zeros(-codes.size % per_byte, np.uint8)])
        shifts = np.arange(8 - bits, -1, -bits, dtype=np.uint8)
        return (
            np.bitwise_or.reduce(codes.reshape(-1, per_byte) << shifts, axis=1)
            .astype(np.uint8)
            .tobytes()
        )
    if name in _SPLIT:
        return _pack_split(_to_codes(flat, element_type), name)
    if name == "boolean":
        return flat.astype(bool).astype(np.uint8).tobytes()
    data = flat.astype(element_type.dtype, copy=False)
    size = element_type.bitwidth // 8
    return data.view(f"=u{size}").astype(f"<u{size}", copy=False).tobytes()


def _to_codes(flat: np.ndarray, element_type: Type) -> np.ndarray:
    name = element_type.name
    mask = (1 << element_type.bitwidth) - 1
    if name == "f4e2m1":
        return flat.astype(element_type.dtype).view(np.uint8) & mask
    if name == "i4":
        return flat.astype(np.int8).view(np.uint8) & mask
    return flat.astype(np.uint8) & mask


def _pack_split(codes: np.ndarray, name: str) -> bytes:
    per_group, low_bits = _SPLIT[name]
    high_bits = 8 // per_group
    codes = np.concatenate([codes, np.zeros(-codes.size % per_group, np.uint8)])
    groups = codes.reshape(-1, per_group).astype(np.uint16)
    k = np.arange(per_group - 1, -1, -1, dtype=np.uint16)
    word = np.bitwise_or.reduce((groups & ((1 << low_bits) - 1)) << (k * low_bits), axis=1)
    high = np.bitwise_or.reduce((groups >> low_bits) << (k * high_bits), axis=1)
    out = np.stack([word >> 8, word & 0xFF, high], axis=1).astype(np.uint8)
    return out.tobytes()


def _pack_strings(flat: np.ndarray) -> bytes:
    encoded = [
        v if isinstance(v, bytes) else str(v).encode("utf-8", errors="surrogateescape")
        for v in flat
    ]
    ends = np.zeros(len(encoded) + 1, dtype="<i4")
    ends[1:] = np.cumsum([len(e) for e in encoded], dtype=np.int64)
    header = np.array([len(encoded)], dtype="<i4").tobytes() + ends.tobytes()
    return header + b"".join(encoded)
