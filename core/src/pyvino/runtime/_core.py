"""Core: the entry point of the runtime API (read, compile, query, import, properties)."""

from __future__ import annotations

import importlib
import importlib.util
import io
import os
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from pyvino._blob import read_blob_file, unpack_blob
from pyvino._device import DevicePlugin
from pyvino._errors import (
    DeviceNotFoundError,
    ModelReadError,
    PluginError,
    PropertyError,
    PyvinoError,
)
from pyvino._model import Model
from pyvino._node import Op
from pyvino._opset import Opset
from pyvino._plugins import PluginManager, default_manager
from pyvino._properties import STANDARD_PROPERTIES, validate
from pyvino._specs import hookimpl
from pyvino.runtime import _cache
from pyvino.runtime._compiled import CompiledModel
from pyvino.runtime._devices import install_hint, parse_device

# Properties that belong to the Core itself rather than to one device.
CORE_PROPERTIES = {k: STANDARD_PROPERTIES[k] for k in ("CACHE_DIR", "CACHE_MODE", "LOG_LEVEL")}
# Order used for available_devices and for choosing a default device.
_DEVICE_ORDER = ("CPU", "GPU", "VPU")


class Core:
    """Finds device plugins, reads models and compiles them (``openvino.Core``)."""

    def __init__(self, xml_config_file: str = "", *, manager: PluginManager | None = None) -> None:
        self._pm = (manager or default_manager()).child()
        self._plugins: dict[str, DevicePlugin] = {}
        self._failed: dict[str, str] = {}
        self._config: dict[str, Any] = {}
        self._lock = threading.RLock()

    @property
    def plugin_manager(self) -> PluginManager:
        return self._pm

    # ----------------------------------------------------------------- devices
    def _device_names(self) -> list[str]:
        names = list(self._pm.devices())
        return sorted(names, key=lambda n: (_DEVICE_ORDER.index(n) if n in _DEVICE_ORDER
                                            else len(_DEVICE_ORDER), n))

    def get_device_plugin(self, name: str) -> DevicePlugin:
        """The plugin object for a device prefix (``CPU``, ``GPU``), created on first use."""
        name = name.upper()
        with self._lock:
            if name in self._plugins:
                return self._plugins[name]
            devices = self._pm.devices()
            if name not in devices:
                installed = ", ".join(self._device_names()) or "none"
                raise DeviceNotFoundError(
                    f"device {name!r} is not registered (installed devices: {installed}); "
                    + install_hint(name)
                )
            spec, dist = devices[name]
            try:
                plugin = spec.factory()
            except Exception as exc:
                raise PluginError(
                    f"device {name} from {dist} failed to initialise: {type(exc).__name__}: {exc}"
                ) from exc
            if not isinstance(plugin, DevicePlugin):
                raise PluginError(f"device {name} from {dist}: factory returned {plugin!r}, "
                                  "not a pyvino.DevicePlugin")
            plugin.core = self
            self._plugins[name] = plugin
            return plugin

    @property
    def available_devices(self) -> list[str]:
        found: list[str] = []
        for name in self._device_names():
            try:
                plugin = self.get_device_plugin(name)
            except PluginError:
                continue
            if not plugin.is_meta:
                found.extend(plugin.available_devices())
        return found

    def get_available_devices(self) -> list[str]:
        return self.available_devices

    def get_versions(self, device: str) -> dict[str, str]:
        name, _ = parse_device(device)
        self.get_device_plugin(name)
        dist = self._pm.devices()[name][1]
        version = next((r.version for r in self._pm.records if r.distribution == dist), "")
        return {name: f"{dist} {version}".strip()}

    def _resolve(self, device: str | None) -> tuple[DevicePlugin, dict[str, Any]]:
        if device is None:
            names = self._device_names()
            if "AUTO" in names:
                device = "AUTO"
            else:
                available = self.available_devices
                if not available:
                    raise DeviceNotFoundError(
                        "no device plugin is installed or available; install pyvino-cpu "
                        "(pip install pyvino-cpu)"
                    )
                device = available[0]
        name, implied = parse_device(device)
        return self.get_device_plugin(name), implied

    # ----------------------------------------------------------------- properties
    def set_property(self, device_or_props: Any, props: dict[str, Any] | None = None) -> None:
        if props is None:
            props = dict(device_or_props)
            core_keys = {k: v for k, v in props.items() if str(k) in CORE_PROPERTIES}
            self._config.update(validate(CORE_PROPERTIES, core_keys, "Core"))
            rest = {k: v for k, v in props.items() if str(k) not in CORE_PROPERTIES}
            for name in self._device_names() if rest else ():
                plugin = self.get_device_plugin(name)
                supported = plugin.supported_properties()
                plugin.set_property({k: v for k, v in rest.items() if supported.get(k) == "RW"})
            unknown = [k for k in rest if not any(
                self.get_device_plugin(n).supported_properties().get(k) == "RW"
                for n in self._device_names())]
            if unknown:
                raise PropertyError(f"Core: unsupported property {unknown[0]!r}")
            return
        name, implied = parse_device(device_or_props)
        self.get_device_plugin(name).set_property({**implied, **props})

    def get_property(self, device: str, key: str | None = None) -> Any:
        if key is None:
            key, device = device, ""
        key = str(getattr(key, "value", key))
        if not device:
            if key in CORE_PROPERTIES:
                return self._config.get(key, "")
            raise PropertyError(f"Core: unsupported property {key!r}")
        name, _ = parse_device(device)
        if key in CORE_PROPERTIES and key not in self.get_device_plugin(name).supported_properties():
            return self._config.get(key, "")
        return self.get_device_plugin(name).get_property(key)

    # ----------------------------------------------------------------- models
    def read_model(self, model: Any, weights: Any = None, **options: Any) -> Model:
        """Read IR (``.xml`` + ``.bin``), or any format a frontend claims (``.onnx``)."""
        from pyvino.ir import read_ir, read_ir_bytes

        if isinstance(model, Model):
            return model
        if isinstance(model, (str, os.PathLike)) and not str(model).lstrip().startswith("<"):
            path = Path(model)
            if path.suffix.lower() == ".xml":
                return read_ir(path, Path(weights) if weights else None, self._pm.registry)
            for frontend in self._pm.frontends():
                if path.suffix.lower() in frontend.suffixes:
                    return frontend.load(path, manager=self._pm, **options)
            if not path.exists():
                raise ModelReadError(f"{path}: no such file")
            raise ModelReadError(f"{path}: no frontend reads files of type {path.suffix!r}")
        if isinstance(model, (str, bytes)):
            data = weights.data if hasattr(weights, "data") else weights
            raw = None if data is None else np.asarray(data).tobytes()
            return read_ir_bytes(model, raw, self._pm.registry)
        for frontend in self._pm.frontends():
            if frontend.accepts(model):
                return frontend.load(model, manager=self._pm, **options)
        raise ModelReadError(f"cannot read a model from {type(model).__name__}")

    def compile_model(self, model: Any, device_name: str | None = None,
                      config: dict[str, Any] | None = None) -> CompiledModel:
        """Compile a Model (or a model path) for a device; no device means AUTO.

        With ``CACHE_DIR`` (core property or in ``config``) and a device that can export, the
        compiled blob is cached and later compiles import it (``LOADED_FROM_CACHE``). Given a
        model *file* (IR or ONNX), the entry is keyed on the files' bytes and a hit does not
        read the model at all.
        """
        config = dict(config or {})
        cache_dir = config.pop("CACHE_DIR", None) or self._config.get("CACHE_DIR")
        plugin, implied = self._resolve(device_name)
        full = {**implied, **config}
        if cache_dir and _cache.supports_cache(plugin):
            return self._compile_cached(model, plugin, full, Path(cache_dir))
        model = self.read_model(model)
        return CompiledModel(plugin.compile_model(model, full), plugin.name)

    def _compile_cached(self, model: Any, plugin: DevicePlugin, config: dict[str, Any],
                        cache_dir: Path) -> CompiledModel:
        key = None
        if _is_model_path(model):
            key = _cache.file_cache_key(
                Path(model), plugin.name, config, plugin, cache_dir / _cache.DIGESTS_DIR
            )
        if key is None:
            model = self.read_model(model)
            key = _cache.cache_key(model, plugin.name, config, plugin)
        path = cache_dir / f"{key}.blob"
        cached = _load_cached(path, plugin, config)
        if cached is not None:
            return cached
        model = self.read_model(model)
        compiled = CompiledModel(plugin.compile_model(model, config), plugin.name)
        _cache.store(path, compiled.export_model())
        return compiled

    def query_model(self, model: Model, device_name: str,
                    config: dict[str, Any] | None = None) -> dict[str, str]:
        plugin, implied = self._resolve(device_name)
        return plugin.query_model(model, {**implied, **(config or {})})

    def import_model(self, model_stream: Any, device_name: str,
                     config: dict[str, Any] | None = None) -> CompiledModel:
        """Run a blob from ``CompiledModel.export_model()`` without the original model."""
        if isinstance(model_stream, (io.IOBase, io.BytesIO)) or hasattr(model_stream, "read"):
            model_stream = model_stream.read()
        if isinstance(model_stream, (str, os.PathLike)):
            model_stream = Path(model_stream).read_bytes()
        plugin, implied = self._resolve(device_name)
        _, payload = unpack_blob(bytes(model_stream), expected_device=plugin.name)
        with _cache.collector_paused():
            backend = plugin.import_model(payload, {**implied, **(config or {})})
        return CompiledModel(backend, plugin.name)

    # ----------------------------------------------------------------- extensions
    def add_extension(self, extension: Any) -> None:
        """Register custom ops / converters / kernels: a plugin module or object, a module
        path (``"my_pkg.ext"``), a ``.py`` file path, an ``Op`` subclass, or a list of these."""
        if isinstance(extension, (list, tuple)):
            ops = [e for e in extension if isinstance(e, type) and issubclass(e, Op)]
            if ops:
                self._pm.register(_OpsExtension(ops), name=f"ops-{id(extension)}")
            for e in extension:
                if not (isinstance(e, type) and issubclass(e, Op)):
                    self.add_extension(e)
            return
        if isinstance(extension, type) and issubclass(extension, Op):
            self._pm.register(_OpsExtension([extension]), name=f"op-{extension.__qualname__}")
            return
        if isinstance(extension, (str, os.PathLike)):
            extension = _import_extension(str(extension))
        self._pm.register(extension, name=getattr(extension, "__name__", None))


def _load_cached(path: Path, plugin: DevicePlugin, config: dict[str, Any]) -> CompiledModel | None:
    """The model cache entry at ``path`` imported, or None (no entry yet; a broken or stale
    entry is removed, to be rebuilt)."""
    try:
        _, payload = read_blob_file(path, expected_device=plugin.name)
        with _cache.collector_paused():
            backend = plugin.import_model(payload, config)
    except FileNotFoundError:
        return None
    except (OSError, PyvinoError) as exc:
        _cache.discard(path, str(exc))
        return None
    backend.config["LOADED_FROM_CACHE"] = True
    return CompiledModel(backend, plugin.name)


class _OpsExtension:
    """A runtime plugin contributing loose Op classes to the ``extension`` opset."""

    def __init__(self, ops: list[type[Op]]) -> None:
        self.ops = ops

    @hookimpl
    def pyvino_opsets(self) -> list[Opset]:
        return [Opset("extension", self.ops)]


def _is_model_path(model: Any) -> bool:
    """A path to a model file (not IR text given as a string)."""
    return isinstance(model, (str, os.PathLike)) and not str(model).lstrip().startswith("<")


def _import_extension(spec: str) -> ModuleType:
    try:
        if spec.endswith(".py"):
            path = Path(spec)
            module_spec = importlib.util.spec_from_file_location(path.stem, path)
            if module_spec is None or module_spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
            return module
        return importlib.import_module(spec)
    except Exception as exc:
        raise PluginError(f"extension {spec!r} failed to load: {type(exc).__name__}: {exc}") from exc
