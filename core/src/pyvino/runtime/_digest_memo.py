"""Remembered model-file digests: a cache hit need not hash a 100 MB model file again.

A model file is keyed by its bytes (``_cache.file_cache_key``), which costs reading and hashing
every file the model is made of on each compile: a quarter of a cache hit for ResNet-50. So
``CACHE_DIR/files/<sha256 of the absolute path>.json`` remembers, for the files of one model
path, their identity (size, modification and change times in ns, inode, device) and their
sha256. A later compile whose files all still have that identity reuses the digests, as git's
index does; anything else (rewritten, touched, replaced, moved) hashes again. OpenVINO keys a
model path by its name and checks the file's size and modification time; pyvino keeps content
keys and only skips re-hashing files it has seen.

A file changed twice within one tick of the file system's clock keeps its times, so a record is
written only when every file's last change is at least ``RACY_NS`` older than the start of the
hashing (git's "racily clean" rule). Records are JSON, checked field by field when read; a
malformed or foreign one is ignored and overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1
# Files changed less than this before they were hashed are hashed again next time.
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class FileDigest:
    """One file a model is read from: its role (``model``, ``weights``, ``external:<loc>``),
    its path, the sha256 of its bytes (``None`` when it is missing or unreadable) and its
    ``identity()`` taken before it was read."""

    role: str
    path: Path
    sha256: bytes | None
    identity: list[int] | None


def identity(path: Path) -> list[int] | None:
    """(size, mtime_ns, ctime_ns, inode, device) of ``path``; None if it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def record_path(memo_dir: Path, model_path: Path) -> Path:
    name = hashlib.sha256(os.fsencode(model_path.absolute())).hexdigest()[:32]
    return memo_dir / f"{name}.json"


def recall(memo_dir: Path, model_path: Path) -> list[FileDigest] | None:
    """The digests remembered for ``model_path`` if none of its files changed since."""
    try:
        record = json.loads(record_path(memo_dir, model_path).read_bytes())
    except (OSError, ValueError):
        return None
    if not _well_formed(record) or record["model"] != str(model_path.absolute()):
        return None
    files = []
    for entry in record["files"]:
        path = Path(entry["path"])
        if identity(path) != entry["identity"]:
            return None
        sha256 = bytes.fromhex(entry["sha256"])
        files.append(FileDigest(entry["role"], path, sha256, entry["identity"]))
    return files


def _well_formed(record: object) -> bool:
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return False
    if not isinstance(record.get("model"), str) or not isinstance(record.get("files"), list):
        return False
    return all(_well_formed_entry(e) for e in record["files"])


def _well_formed_entry(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    if not all(isinstance(entry.get(k), str) for k in ("role", "path", "sha256")):
        return False
    ident = entry.get("identity")
    if not isinstance(ident, list) or len(ident) != 5:
        return False
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in ident):
        return False
    try:
        return len(bytes.fromhex(entry["sha256"])) == hashlib.sha256().digest_size
    except ValueError:
        return False


def remember(
    memo_dir: Path, model_path: Path, files: list[FileDigest], hashed_from_ns: int
) -> None:
    """Record ``files`` (hashed from ``hashed_from_ns`` on) unless one is missing or was
    changed too shortly before that (see ``RACY_NS``)."""
    from pyvino.runtime._cache import store

    entries = []
    for file in files:
        ident = file.identity
        if (
            file.sha256 is None
            or ident is None
            or max(ident[1], ident[2]) > hashed_from_ns - RACY_NS
        ):
            return
        entries.append(
            {
                "role": file.role,
                "path": str(file.path.absolute()),
                "identity": ident,
                "sha256": file.sha256.hex(),
            }
        )
    record = {"format": FORMAT, "model": str(model_path.absolute()), "files": entries}
    store(record_path(memo_dir, model_path), json.dumps(record).encode())
