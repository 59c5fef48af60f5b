"""The compiled plan: tensors, kernel launches, weights and the program source.

A plan is plain data (JSON + raw weight bytes), so the same object comes from compiling a model
or from importing an exported blob, and nothing in a blob is ever executed as Python.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from pyvino._errors import BlobFormatError

from pyvino_gpu._memory import Lifetime
from pyvino_gpu.kernels._common import NUMPY_OF_CTYPE, TensorInfo

PLAN_FORMAT = 1


@dataclass(frozen=True)
class Launch:
    """One kernel launch; its arguments are the buffers of ``writes`` then ``reads``."""

    kernel: str
    global_size: tuple[int, ...]
    local_size: tuple[int, ...] | None
    writes: tuple[int, ...]
    reads: tuple[int, ...]
    node: str
    node_type: str
    exec_type: str
    fused: tuple[tuple[str, str], ...] = ()
    program: int = 0  # 0: the model's program; k > 0: an extension kernel's own program


@dataclass(frozen=True)
class PortInfo:
    """A model input or output as the runtime model shows it. A data-dependent output
    (NonMaxSuppression's rows) has ``shape`` = its upper bound and ``valid_rows`` = the tensor
    whose single value is the number of leading rows to return; -1 for a static output."""

    name: str
    tensor_names: tuple[str, ...]
    etype: str
    shape: tuple[int, ...]
    tensor: int
    valid_rows: int = -1


@dataclass
class Plan:
    precision: str
    sources: list[str]  # program texts: [0] the model's kernels, then extension kernels
    tensors: dict[int, TensorInfo]
    launches: list[Launch]
    inputs: list[PortInfo]
    outputs: list[PortInfo]
    constants: dict[int, np.ndarray]  # buffer id -> storage-typed value (weights, host values)
    passive: list[tuple[str, str, str]] = field(default_factory=list)  # (node, type, status)

    def activation_lifetimes(self) -> list[Lifetime]:
        """Every activation buffer's lifetime over the launches (inputs live from -1)."""
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        size: dict[int, int] = {}
        end = len(self.launches)

        def touch(tid: int, step: int, write: bool) -> None:
            t = self.tensors[tid]
            if t.kind != "activation":
                return
            size[t.buffer] = max(size.get(t.buffer, 0), t.nbytes)
            if write:
                first[t.buffer] = min(first.get(t.buffer, step), step)
            last[t.buffer] = max(last.get(t.buffer, step), step)

        for p in self.inputs:
            touch(p.tensor, -1, True)
        for step, launch in enumerate(self.launches):
            for tid in launch.writes:
                touch(tid, step, True)
            for tid in launch.reads:
                touch(tid, step, False)
        for p in self.outputs:
            touch(p.tensor, end, False)
            if p.valid_rows >= 0:
                touch(p.valid_rows, end, False)
        return [Lifetime(b, size[b], first.get(b, -1), last[b]) for b in size]

    # ----------------------------------------------------------------- serialisation
    def to_json(self) -> tuple[dict[str, Any], bytes]:
        """(JSON-able metadata, concatenated constant bytes)."""
        blobs: list[bytes] = []
        table = []
        offset = 0
        for buf, arr in self.constants.items():
            data = np.ascontiguousarray(arr).tobytes()
            table.append(
                {
                    "buffer": buf,
                    "offset": offset,
                    "nbytes": len(data),
                    "dtype": arr.dtype.str,
                    "shape": list(arr.shape),
                }
            )
            blobs.append(data)
            offset += len(data)
        meta = {
            "format": PLAN_FORMAT,
            "precision": self.precision,
            "tensors": [asdict(t) for t in self.tensors.values()],
            "launches": [asdict(x) for x in self.launches],
            "inputs": [asdict(p) for p in self.inputs],
            "outputs": [asdict(p) for p in self.outputs],
            "constants": table,
            "passive": [list(p) for p in self.passive],
        }
        return meta, b"".join(blobs)

    @staticmethod
    def from_json(meta: dict[str, Any], sources: list[str], data: bytes) -> Plan:
        if meta.get("format") != PLAN_FORMAT:
            raise BlobFormatError(
                f"GPU plan format {meta.get('format')!r} is not supported (expected {PLAN_FORMAT})"
            )
        try:
            tensors = {}
            for t in meta["tensors"]:
                if t["ctype"] not in NUMPY_OF_CTYPE:
                    raise ValueError(f"unknown storage type {t['ctype']!r}")
                info = TensorInfo(
                    int(t["id"]),
                    tuple(int(d) for d in t["shape"]),
                    str(t["etype"]),
                    str(t["ctype"]),
                    int(t["buffer"]),
                    str(t["kind"]),
                )
                tensors[info.id] = info
            launches = [
                Launch(
                    str(x["kernel"]),
                    tuple(x["global_size"]),
                    tuple(x["local_size"]) if x["local_size"] else None,
                    tuple(x["writes"]),
                    tuple(x["reads"]),
                    str(x["node"]),
                    str(x["node_type"]),
                    str(x["exec_type"]),
                    tuple((str(a), str(b)) for a, b in x["fused"]),
                    int(x.get("program", 0)),
                )
                for x in meta["launches"]
            ]
            if any(not 0 <= x.program < len(sources) for x in launches):
                raise ValueError("a launch refers to a program the blob does not hold")
            ports = [
                [
                    PortInfo(
                        str(p["name"]),
                        tuple(p["tensor_names"]),
                        str(p["etype"]),
                        tuple(int(d) for d in p["shape"]),
                        int(p["tensor"]),
                        int(p.get("valid_rows", -1)),
                    )
                    for p in meta[key]
                ]
                for key in ("inputs", "outputs")
            ]
            constants = {}
            for c in meta["constants"]:
                start, n = int(c["offset"]), int(c["nbytes"])
                if start < 0 or start + n > len(data):
                    raise ValueError(f"constant of buffer {c['buffer']} lies outside the data")
                dtype = np.dtype(str(c["dtype"]))
                if dtype.kind not in "fiub":
                    raise ValueError(f"unsupported constant dtype {dtype}")
                arr = np.frombuffer(
                    data, dtype=dtype, count=n // max(1, dtype.itemsize), offset=start
                )
                constants[int(c["buffer"])] = arr.reshape([int(d) for d in c["shape"]])
            passive = [(str(a), str(b), str(c)) for a, b, c in meta.get("passive", [])]
            referenced = {t for x in launches for t in x.writes + x.reads}
            referenced |= {p.tensor for p in ports[0] + ports[1]}
            referenced |= {p.valid_rows for p in ports[1] if p.valid_rows >= 0}
            unknown = referenced - set(tensors)
            if unknown:
                raise ValueError(f"launches refer to unknown tensors {sorted(unknown)[:5]}")
        except (KeyError, TypeError, ValueError) as exc:
            raise BlobFormatError(f"GPU blob plan is malformed: {exc}") from None
        return Plan(
            str(meta["precision"]),
            sources,
            tensors,
            launches,
            ports[0],
            ports[1],
            constants,
            passive,
        )


def dumps(meta: dict[str, Any]) -> bytes:
    return json.dumps(meta, separators=(",", ":")).encode()
