"""Plugin loading: entry points in the ``pyvino`` group, loaded in our own loop.

A plugin that fails to import, or whose hook raises, is recorded and skipped, never fatal.
Contributions are validated here, in one place: wrong record types, and duplicate device or
op names, give one error naming both distributions.
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pluggy

from pyvino import hookspecs
from pyvino._errors import PluginError
from pyvino._opset import Opset, OpsetRegistry
from pyvino._specs import DeviceSpec, FrontendSpec, KernelSpec, OnnxConverterSpec, PassSpec

ENTRY_POINT_GROUP = "pyvino"
# Built-in features are plugins of the same API, registered without an entry point.
BUILTIN_PLUGINS = {"onnx": "pyvino.frontend.onnx._plugin"}


@dataclass
class PluginRecord:
    """What ``pyvino plugins`` shows for one plugin."""

    name: str
    distribution: str
    version: str
    status: str  # "loaded", "failed" or "disabled"
    error: str = ""
    module: str = ""


def _dist_of(ep: metadata.EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "<unknown>", ""
    return dist.metadata["Name"], dist.version


class PluginManager:
    """Loads plugins and serves their validated contributions (cached until a new registration)."""

    def __init__(self, autoload: bool | None = None) -> None:
        self._pm = pluggy.PluginManager("pyvino")
        self._pm.add_hookspecs(hookspecs)
        self.records: list[PluginRecord] = []
        self._lock = threading.RLock()
        self._cache: dict[Any, Any] = {}
        for name, module in BUILTIN_PLUGINS.items():
            self._load(name, lambda m=module: importlib.import_module(m), "pyvino", _version())
        if autoload is None:
            autoload = os.environ.get("PYVINO_DISABLE_PLUGIN_AUTOLOAD", "") in ("", "0")
        if autoload:
            self.load_entry_points()

    # ----------------------------------------------------------------- loading
    def load_entry_points(self) -> None:
        allow = os.environ.get("PYVINO_PLUGINS", "").strip()
        allowed = {a.strip() for a in allow.split(",") if a.strip()} if allow else None
        eps = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
        for ep in eps:
            dist, version = _dist_of(ep)
            if allowed is not None and ep.name not in allowed and dist not in allowed:
                self.records.append(PluginRecord(ep.name, dist, version, "disabled",
                                                 "not in PYVINO_PLUGINS", ep.value))
                continue
            if any(r.name == ep.name and r.status == "loaded" for r in self.records):
                continue
            self._load(ep.name, ep.load, dist, version, ep.value)

    def _load(self, name: str, load: Callable[[], Any], dist: str, version: str,
              module: str = "") -> None:
        try:
            plugin = load()
            self._pm.register(plugin, name=name)
        except Exception as exc:  # a broken plugin must never take pyvino down
            self.records.append(PluginRecord(name, dist, version, "failed",
                                             f"{type(exc).__name__}: {exc}", module))
            return
        self.records.append(PluginRecord(name, dist, version, "loaded", "", module))
        self._cache.clear()

    def register(self, plugin: ModuleType | object, name: str | None = None,
                 distribution: str = "<runtime>") -> str:
        """Register a plugin object or module at runtime (``Core.add_extension``)."""
        if self._pm.is_registered(plugin):  # adding the same extension twice is harmless
            return self._pm.get_name(plugin) or ""
        name = name or getattr(plugin, "__name__", None) or f"runtime-{id(plugin)}"
        if self._pm.has_plugin(name):
            raise PluginError(f"a plugin named {name!r} is already registered")
        with self._lock:
            self._pm.register(plugin, name=name)
            self.records.append(PluginRecord(name, distribution, "", "loaded"))
            self._cache.clear()
        return name

    def _distribution(self, plugin_name: str) -> str:
        for r in self.records:
            if r.name == plugin_name:
                return r.distribution
        return "<runtime>"

    def _fail(self, plugin_name: str, exc: BaseException) -> None:
        for r in self.records:
            if r.name == plugin_name:
                r.status = "failed"
                r.error = f"{type(exc).__name__}: {exc}"
        plugin = self._pm.get_plugin(plugin_name)
        if plugin is not None:
            self._pm.unregister(plugin)
        self._cache.clear()

    # ----------------------------------------------------------------- collecting
    def _collect(self, hook: str, record_type: type, **kwargs: Any) -> list[tuple[Any, str]]:
        """(record, distribution) for every contribution to ``hook``, validated."""
        key = (hook, tuple(sorted(kwargs.items())))
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            out: list[tuple[Any, str]] = []
            retry = True
            while retry:
                retry = False
                out = []
                for impl in getattr(self._pm.hook, hook).get_hookimpls():
                    dist = self._distribution(impl.plugin_name)
                    try:
                        items = impl.function(**{k: kwargs[k] for k in impl.argnames}) or []
                        items = list(items)
                        for item in items:
                            if not isinstance(item, record_type):
                                raise PluginError(
                                    f"hook {hook} of plugin {impl.plugin_name!r} ({dist}) returned "
                                    f"{item!r}; expected {record_type.__name__} records"
                                )
                    except Exception as exc:
                        self._fail(impl.plugin_name, exc)
                        retry = True
                        break
                    out.extend((item, dist) for item in items)
            self._cache[key] = out
            return out

    @property
    def registry(self) -> OpsetRegistry:
        with self._lock:
            if "registry" not in self._cache:
                reg = OpsetRegistry()
                for opset, dist in self._collect("pyvino_opsets", Opset):
                    reg.add(opset, dist)
                self._cache["registry"] = reg
            return self._cache["registry"]

    def devices(self) -> dict[str, tuple[DeviceSpec, str]]:
        found: dict[str, tuple[DeviceSpec, str]] = {}
        for spec, dist in self._collect("pyvino_devices", DeviceSpec):
            if spec.name in found and found[spec.name][0] != spec \
                    and found[spec.name][1] != dist:
                raise PluginError(
                    f"device {spec.name!r} is provided by two distributions: "
                    f"{found[spec.name][1]} and {dist}"
                )
            found[spec.name] = (spec, dist)
        return found

    def kernels(self, device: str) -> dict[tuple[str, str], KernelSpec]:
        found: dict[tuple[str, str], tuple[KernelSpec, str]] = {}
        for spec, dist in self._collect("pyvino_kernels", KernelSpec, device=device):
            if spec.op in found and found[spec.op][0] != spec and found[spec.op][1] != dist:
                raise PluginError(
                    f"kernel for {spec.op[0]} ({spec.op[1]}) on {device} is provided by two "
                    f"distributions: {found[spec.op][1]} and {dist}"
                )
            found[spec.op] = (spec, dist)
        return {k: v[0] for k, v in found.items()}

    def frontends(self) -> list[FrontendSpec]:
        return [spec for spec, _ in self._collect("pyvino_frontends", FrontendSpec)]

    def onnx_converters(self) -> list[tuple[OnnxConverterSpec, str]]:
        found: dict[tuple[str, str, int], tuple[OnnxConverterSpec, str]] = {}
        for spec, dist in self._collect("pyvino_onnx_converters", OnnxConverterSpec):
            key = (spec.domain, spec.op_type, spec.since_version)
            if key in found and found[key][0] != spec and found[key][1] != dist:
                raise PluginError(
                    f"ONNX converter {spec.domain or 'ai.onnx'}::{spec.op_type} "
                    f"(since {spec.since_version}) is provided by {found[key][1]} and by {dist}"
                )
            found.setdefault(key, (spec, dist))
        return list(found.values())

    def passes(self, device: str) -> list[PassSpec]:
        return [spec for spec, _ in self._collect("pyvino_passes", PassSpec, device=device)]

    def child(self) -> PluginManager:
        """A manager with the same plugins, to which runtime extensions can be added privately."""
        other = PluginManager.__new__(PluginManager)
        other._pm = pluggy.PluginManager("pyvino")
        other._pm.add_hookspecs(hookspecs)
        other._lock = threading.RLock()
        other._cache = {}
        other.records = [PluginRecord(**vars(r)) for r in self.records]
        for name, plugin in self._pm.list_name_plugin():
            other._pm.register(plugin, name=name)
        return other


def _version() -> str:
    from pyvino import __version__

    return __version__


_default: PluginManager | None = None
_default_lock = threading.Lock()


def default_manager() -> PluginManager:
    """The process-wide plugin manager (loaded on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = PluginManager()
        return _default


def reset_default_manager() -> None:
    """Forget the process-wide manager (tests that change PYVINO_PLUGINS use this)."""
    global _default
    with _default_lock:
        _default = None
