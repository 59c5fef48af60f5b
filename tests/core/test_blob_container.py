"""The compiled-blob container (pyvino._blob): a file read with ``read_blob_file`` gives what
``unpack_blob`` gives on its bytes, and every damage is the same typed error from both."""

from __future__ import annotations

import hashlib
import json

import pytest
from pyvino import BlobFormatError
from pyvino._blob import (
    pack_blob,
    pack_sections,
    read_blob_file,
    section_views,
    unpack_blob,
    unpack_sections,
)

PAYLOAD = pack_sections({"meta": b'{"a": 1}', "data": bytes(range(256)) * 40})


def _blob() -> bytes:
    return pack_blob("VPU", PAYLOAD, {"note": "x"})


def _both(tmp_path, blob: bytes, device: str | None = "VPU"):
    """(unpack_blob result or its error message, read_blob_file result or its message)."""
    path = tmp_path / "entry.blob"
    path.write_bytes(blob)
    results = []
    for read in (lambda: unpack_blob(blob, device), lambda: read_blob_file(path, device)):
        try:
            results.append(read())
        except BlobFormatError as exc:
            results.append(str(exc))
    return results


def test_a_good_blob_reads_the_same_from_bytes_and_from_a_file(tmp_path) -> None:
    from_bytes, from_file = _both(tmp_path, _blob())
    assert from_bytes == from_file
    header, payload = from_file
    assert payload == PAYLOAD and type(payload) is bytes
    assert header["device"] == "VPU" and header["meta"] == {"note": "x"}
    assert header["sha256"] == hashlib.sha256(PAYLOAD).hexdigest()


def _flip(blob: bytes, at: int) -> bytes:
    return blob[:at] + bytes([blob[at] ^ 0x40]) + blob[at + 1 :]


def _header_len(blob: bytes) -> int:
    return int.from_bytes(blob[12:16], "little")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b"", "bad magic"),
        (lambda b: b[:10], "bad magic"),
        (lambda b: _flip(b, 0), "bad magic"),
        (lambda b: b[:20], "truncated (header)"),
        (lambda b: b[: 16 + _header_len(b) + 3], "truncated (header)"),
        (lambda b: b[:-1], "truncated or has trailing bytes"),
        (lambda b: b + b"x", "truncated or has trailing bytes"),
        (lambda b: _flip(b, len(b) - 7), "checksum mismatch"),
        (lambda b: _flip(b, 17), "header is corrupted"),
        (lambda b: b[:8] + (99).to_bytes(4, "little") + b[12:], "newer than this pyvino"),
    ],
    ids=[
        "empty", "short", "magic", "cut-in-header", "cut-in-length", "cut-payload",
        "trailing", "payload-bit", "header-bit", "version",
    ],
)
def test_damage_is_the_same_typed_error_from_bytes_and_from_a_file(
    tmp_path, damage, message
) -> None:
    from_bytes, from_file = _both(tmp_path, damage(_blob()))
    assert isinstance(from_bytes, str) and message in from_bytes
    assert from_file == from_bytes


def test_a_blob_for_another_device_is_refused(tmp_path) -> None:
    from_bytes, from_file = _both(tmp_path, _blob(), device="GPU")
    assert from_bytes == from_file == "this blob was compiled for device VPU, not GPU"


def test_a_declared_payload_larger_than_the_file_is_refused_before_reading(tmp_path) -> None:
    blob = bytearray(_blob())
    at = 16 + _header_len(blob)
    blob[at : at + 8] = (1 << 60).to_bytes(8, "little")  # would be an exabyte allocation
    _, from_file = _both(tmp_path, bytes(blob))
    assert "payload of 1152921504606846976 bytes declared" in from_file


def test_a_missing_file_is_an_os_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        read_blob_file(tmp_path / "nothing.blob")


def test_section_views_are_read_only_views_of_the_sections() -> None:
    views = section_views(PAYLOAD)
    assert {k: bytes(v) for k, v in views.items()} == unpack_sections(PAYLOAD)
    assert json.loads(bytes(views["meta"])) == {"a": 1}
    assert views["data"].readonly and views["data"].obj is not None
