"""Remembered model-file digests (runtime/_digest_memo.py): a hit on an unchanged model file
does not hash it again; any change to the model or a companion file still misses."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest
from pyvino import Core
from pyvino.runtime import _cache, _digest_memo

from tests.core.test_model_cache import _add_model_onnx, _weights

HOUR_NS = 3600 * 10**9


def _age(*paths) -> None:
    """Set the files' modification time an hour back (their change time stays now)."""
    old = time.time_ns() - HOUR_NS
    for p in paths:
        os.utime(p, ns=(old, old))


@pytest.fixture
def hashed(monkeypatch):
    """The files ``model_file_digests`` hashes, in order; no racy window (the test files are
    seconds old)."""
    monkeypatch.setattr(_digest_memo, "RACY_NS", 0)
    seen: list[str] = []
    original = _cache.model_file_digests

    def counting(path):
        seen.append(path.name)
        return original(path)

    monkeypatch.setattr(_cache, "model_file_digests", counting)
    return seen


def _compile(path, cache):
    return Core().compile_model(str(path), "CPU", {"CACHE_DIR": str(cache)})


def test_an_unchanged_model_file_is_hashed_once(tmp_path, hashed) -> None:
    path = _add_model_onnx(tmp_path / "add.onnx", _weights(1), external="add.weights")
    cache = tmp_path / "cache"
    assert _compile(path, cache).get_property("LOADED_FROM_CACHE") is False
    for _ in range(2):
        hit = _compile(path, cache)
        assert hit.get_property("LOADED_FROM_CACHE") is True
    assert hashed == ["add.onnx"]
    x = np.zeros((2, 3), np.float32)
    np.testing.assert_array_equal(hit(x)[0], _weights(1))


@pytest.mark.parametrize("changed", ["add.onnx", "add.weights"])
def test_a_rewrite_with_the_same_size_and_mtime_still_misses(tmp_path, hashed, changed) -> None:
    path = _add_model_onnx(tmp_path / "add.onnx", _weights(1), external="add.weights")
    _age(path, tmp_path / "add.weights")
    mtimes = {p: os.stat(p).st_mtime_ns for p in (path, tmp_path / "add.weights")}
    cache = tmp_path / "cache"
    _compile(path, cache)
    time.sleep(0.05)  # past the file system's timestamp tick: the rewrite gets a new ctime
    if changed == "add.onnx":
        _add_model_onnx(path, _weights(2), external="add.weights")
    else:
        (tmp_path / "add.weights").write_bytes(_weights(2).tobytes())
    for p, mtime in mtimes.items():
        os.utime(p, ns=(mtime, mtime))  # what a copy preserving times would leave
    again = _compile(path, cache)
    assert again.get_property("LOADED_FROM_CACHE") is False
    np.testing.assert_array_equal(again(np.zeros((2, 3), np.float32))[0], _weights(2))
    assert hashed == ["add.onnx", "add.onnx"]


def test_a_freshly_changed_file_is_not_remembered(tmp_path, hashed, monkeypatch) -> None:
    monkeypatch.setattr(_digest_memo, "RACY_NS", HOUR_NS)
    path = _add_model_onnx(tmp_path / "add.onnx", _weights(1))
    cache = tmp_path / "cache"
    _compile(path, cache)
    assert _compile(path, cache).get_property("LOADED_FROM_CACHE") is True
    assert hashed == ["add.onnx", "add.onnx"]
    assert not (cache / _cache.DIGESTS_DIR).exists()


@pytest.mark.parametrize(
    "damage",
    [
        b"not json",
        b"[]",
        json.dumps({"format": 1, "model": "x", "files": [{"role": "model"}]}).encode(),
        b"",
    ],
    ids=["garbage", "list", "missing-fields", "empty"],
)
def test_a_damaged_record_is_ignored_and_rewritten(tmp_path, hashed, damage) -> None:
    path = _add_model_onnx(tmp_path / "add.onnx", _weights(1))
    cache = tmp_path / "cache"
    _compile(path, cache)
    (record,) = (cache / _cache.DIGESTS_DIR).iterdir()
    record.write_bytes(damage)
    assert _compile(path, cache).get_property("LOADED_FROM_CACHE") is True
    assert hashed == ["add.onnx", "add.onnx"]
    assert json.loads(record.read_bytes())["format"] == _digest_memo.FORMAT
    assert _compile(path, cache).get_property("LOADED_FROM_CACHE") is True
    assert hashed == ["add.onnx", "add.onnx"]


def test_a_record_for_another_path_is_not_used(tmp_path, hashed) -> None:
    a = _add_model_onnx(tmp_path / "a.onnx", _weights(1))
    b = _add_model_onnx(tmp_path / "b.onnx", _weights(2))
    cache = tmp_path / "cache"
    _compile(a, cache)
    memo = cache / _cache.DIGESTS_DIR
    # b's record slot holding a's record: the model path inside does not match
    _digest_memo.record_path(memo, a).replace(_digest_memo.record_path(memo, b))
    got = _compile(b, cache)
    assert got.get_property("LOADED_FROM_CACHE") is False
    np.testing.assert_array_equal(got(np.zeros((2, 3), np.float32))[0], _weights(2))
