"""``convert_model`` and ``save_model``: framework model -> Model (+ common passes) -> IR files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pyvino._errors import ConversionError
from pyvino._model import Model
from pyvino._plugins import PluginManager, default_manager


def _manager(extension: Any) -> PluginManager:
    if extension is None:
        return default_manager()
    from pyvino.runtime import Core

    core = Core()
    for ext in extension if isinstance(extension, (list, tuple)) else [extension]:
        core.add_extension(ext)
    return core.plugin_manager


def convert_model(
    input_model: Any,
    *,
    input: Any = None,
    output: Any = None,
    compress_to_fp16: bool = False,
    extension: Any = None,
    manager: PluginManager | None = None,
) -> Model:
    """Convert an ONNX file / ``onnx.ModelProto`` (or any frontend's format) to a Model.

    ``input`` overrides input shapes (``{"x": [1, 3, 224, 224]}``, ``[[1, 3, "?", "1..8"]]``),
    ``output`` cuts the model to the named tensors, ``extension`` registers custom-layer
    extensions for this conversion, ``compress_to_fp16`` stores f32 weights as f16 with
    decompression Converts (``save_model`` does that by default, as in OpenVINO).
    """
    from pyvino.passes import compress_weights_to_fp16, run_common_passes

    pm = manager or _manager(extension)
    if isinstance(input_model, Model):
        model = input_model
    else:
        frontend = _find_frontend(pm, input_model)
        model = frontend.load(input_model, manager=pm, input=input, output=output)
    run_common_passes(model, pm.registry)
    for spec in pm.passes(""):
        spec.run(model)
    if compress_to_fp16:
        compress_weights_to_fp16(model, pm.registry)
    return model


def _find_frontend(pm: PluginManager, source: Any) -> Any:
    frontends = pm.frontends()
    if isinstance(source, (str, os.PathLike)):
        suffix = Path(source).suffix.lower()
        for fe in frontends:
            if suffix in fe.suffixes:
                return fe
        raise ConversionError(
            f"{source}: no frontend converts {suffix or 'extensionless'} files "
            f"(frontends: {', '.join(f.name for f in frontends) or 'none'})"
        )
    for fe in frontends:
        if fe.accepts(source):
            return fe
    raise ConversionError(f"no frontend accepts a {type(source).__name__}")


def save_model(model: Model, output_model: str | os.PathLike, compress_to_fp16: bool = True) -> None:
    """Write ``model`` as IR v11 (``.xml`` + ``.bin`` beside it), f32 weights as f16 by default."""
    from pyvino.ir import write_ir

    write_ir(model, Path(output_model), compress_to_fp16=compress_to_fp16,
             registry=default_manager().registry)
