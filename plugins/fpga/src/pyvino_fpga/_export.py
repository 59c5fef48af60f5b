"""Export/import: the compiled model as named byte sections, with no code in them.

Payload (little-endian): u32 section count, then per section u32 name length, name (UTF-8),
u64 data length, data. Sections: ``meta`` (JSON: format, bitstream, properties), ``xml`` and
``bin`` (the model as IR v11). The core wraps the payload in its blob header (magic, version,
device, checksum) and checks that before ``import_model`` sees it; this module checks the rest.
Nothing here is pickled or executed, so a blob from anywhere is safe to read.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np
from pyvino import BlobFormatError
from pyvino.ir import serialize_ir

from pyvino_fpga.bitstreams import BITSTREAMS

EXPORT_FORMAT = 1


def pack(sections: dict[str, bytes]) -> bytes:
    parts = [struct.pack("<I", len(sections))]
    for name, data in sections.items():
        encoded = name.encode()
        parts += [struct.pack("<I", len(encoded)), encoded, struct.pack("<Q", len(data)), data]
    return b"".join(parts)


def unpack(payload: bytes) -> dict[str, bytes]:
    sections: dict[str, bytes] = {}
    try:
        (count,) = struct.unpack_from("<I", payload, 0)
        pos = 4
        for _ in range(count):
            (size,) = struct.unpack_from("<I", payload, pos)
            name, pos = payload[pos + 4 : pos + 4 + size].decode(), pos + 4 + size
            (size,) = struct.unpack_from("<Q", payload, pos)
            if pos + 8 + size > len(payload):
                raise ValueError(f"section {name!r} runs past the end")
            sections[name], pos = payload[pos + 8 : pos + 8 + size], pos + 8 + size
    except (struct.error, UnicodeDecodeError, ValueError) as exc:
        raise BlobFormatError(f"FPGA blob is malformed: {exc}") from None
    return sections


def export_payload(compiled: Any) -> bytes:
    xml, weights = serialize_ir(compiled.model, compress_to_fp16=False)
    config = {k: v for k, v in compiled.config.items() if isinstance(v, (str, int, float, bool))}
    meta = {"format": EXPORT_FORMAT, "bitstream": compiled.bitstream.name, "config": config}
    return pack({"meta": json.dumps(meta).encode(), "xml": xml, "bin": weights})


def import_payload(plugin: Any, payload: bytes, config: dict[str, Any]) -> Any:
    from pyvino_fpga._compiled import FPGACompiledModel

    sections = unpack(payload)
    missing = {"meta", "xml", "bin"} - set(sections)
    if missing:
        raise BlobFormatError(f"FPGA blob lacks section(s): {', '.join(sorted(missing))}")
    try:
        meta = json.loads(sections["meta"])
    except ValueError as exc:
        raise BlobFormatError(f"FPGA blob metadata is corrupted: {exc}") from None
    if meta.get("format") != EXPORT_FORMAT or meta.get("bitstream") not in BITSTREAMS:
        raise BlobFormatError(
            f"FPGA blob format {meta.get('format')!r} with bitstream "
            f"{meta.get('bitstream')!r} is not supported"
        )
    # The blob was compiled for its bitstream: importing reprograms the board with it.
    writable = {k for k, mode in plugin.supported_properties().items() if mode == "RW"}
    saved = plugin.validate_config({k: v for k, v in meta["config"].items() if k in writable})
    config = {**saved, **config, "FPGA_BITSTREAM": meta["bitstream"]}
    model = plugin.core.read_model(sections["xml"], np.frombuffer(sections["bin"], np.uint8))
    return FPGACompiledModel(model, config, BITSTREAMS[meta["bitstream"]], plugin.kernels())
