"""Model-cache checks a device plugin's tests can share: count compiles, damage an entry.

``DeviceConformance`` runs them with byte-level damage (truncation, flipped bytes) that the
blob checksums catch; a plugin's own tests pass damage only its import can see (a payload whose
checksums hold but whose content contradicts itself) to ``assert_damaged_entry_is_rebuilt``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pyvino.runtime import Core

Damage = Callable[[bytes], bytes]


def cache_entry(cache_dir: Path) -> Path:
    """The one ``.blob`` entry in ``cache_dir``."""
    entries = [p for p in Path(cache_dir).iterdir() if p.suffix == ".blob"]
    assert len(entries) == 1, f"expected one cache entry in {cache_dir}, found {entries}"
    return entries[0]


def count_compiles(core: Core, device: str, monkeypatch: Any) -> list[str]:
    """Names of the models ``device``'s plugin (in ``core``) compiles from now on.

    Wraps the plugin object's ``_compile`` (the step ``compile_model`` runs after its checks,
    and the one a cache hit must skip) with ``monkeypatch``, so the wrapping ends with the test.
    """
    plugin = core.get_device_plugin(device.split(".")[0].split(":")[0])
    calls: list[str] = []
    real = plugin._compile

    def counting(model: Any, config: dict[str, Any]) -> Any:
        calls.append(model.friendly_name)
        return real(model, config)

    monkeypatch.setattr(plugin, "_compile", counting)
    return calls


def truncated(blob: bytes) -> bytes:
    return blob[: len(blob) // 2]


def flipped(blob: bytes) -> bytes:
    """64 bytes in the middle inverted: the length holds, a checksum does not."""
    middle = len(blob) // 2
    return blob[:middle] + bytes(b ^ 0xFF for b in blob[middle : middle + 64]) + blob[middle + 64 :]


def assert_damaged_entry_is_rebuilt(
    core: Core,
    device: str,
    model: Any,
    inputs: Sequence[np.ndarray],
    config: dict[str, Any],
    damage: Damage,
    compiles: list[str],
) -> None:
    """With a filled ``CACHE_DIR`` (in ``config``), ``damage`` the entry: the next compile must
    ignore it (``LOADED_FROM_CACHE`` False), compile once more with the same results, write the
    good entry back byte for byte, and the compile after that must be a hit again."""
    entry = cache_entry(Path(config["CACHE_DIR"]))
    good = entry.read_bytes()
    before = len(compiles)
    hit = core.compile_model(model, device, config)
    assert hit.get_property("LOADED_FROM_CACHE") is True
    assert len(compiles) == before, "a hit does not compile"
    want = hit(list(inputs))[0]
    entry.write_bytes(damage(good))
    rebuilt = core.compile_model(model, device, config)
    assert rebuilt.get_property("LOADED_FROM_CACHE") is False
    assert len(compiles) == before + 1, "a damaged entry is compiled again, once"
    np.testing.assert_array_equal(rebuilt(list(inputs))[0], want)
    assert cache_entry(Path(config["CACHE_DIR"])).read_bytes() == good, "a good entry is rewritten"
    again = core.compile_model(model, device, config)
    assert again.get_property("LOADED_FROM_CACHE") is True
    assert len(compiles) == before + 1, "a hit does not compile"
    np.testing.assert_array_equal(again(list(inputs))[0], want)


def assert_refused_entry_is_rebuilt(
    core: Core,
    device: str,
    model: Any,
    inputs: Sequence[np.ndarray],
    config: dict[str, Any],
    damage: Damage,
    monkeypatch: Any,
    caplog: Any,
) -> str:
    """Fill ``CACHE_DIR`` (in ``config``) with ``model``, ``damage`` the entry in a way only the
    plugin's import can refuse (checksums intact), and check it is rebuilt as
    ``assert_damaged_entry_is_rebuilt`` says, with exactly two compiles in all. Returns the
    cache's warning log (pytest's ``caplog``), which should say why the import refused it."""
    compiles = count_compiles(core, device, monkeypatch)
    core.compile_model(model, device, config)
    with caplog.at_level("WARNING", logger="pyvino.cache"):
        assert_damaged_entry_is_rebuilt(core, device, model, inputs, config, damage, compiles)
    assert compiles == [model.friendly_name] * 2, compiles
    return caplog.text
