"""Check what a user sees with and without pyvino-ext-fft installed (see the README).

Builds an ONNX model using the ``com.pyvino.fft`` domain, converts it, saves IR into the folder
given (default ``./fft-check``), reads it back and runs it on CPU against numpy.fft. An IR left
by an earlier run (while installed) is read first, to show it reads only while installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyvino
from onnx import TensorProto, helper


def onnx_model() -> object:
    node = helper.make_node("FFT", ["x"], ["y"], domain="com.pyvino.fft", axis=0)
    graph = helper.make_graph(
        [node],
        "fft",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [8, 2])],
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.pyvino.fft", 1)]
    )


def run(core: pyvino.Core, model: pyvino.Model) -> None:
    x = np.random.default_rng(0).standard_normal((8, 2)).astype(np.float32)
    y = core.compile_model(model, "CPU")(x)[0]
    ref = np.fft.fft(x[:, 0] + 1j * x[:, 1])
    print("  max |error| vs numpy.fft:", float(np.abs(y[:, 0] + 1j * y[:, 1] - ref).max()))


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    core = pyvino.Core()
    loaded = [r.name for r in core.plugin_manager.records if r.status == "loaded"]
    print("plugins loaded:", ", ".join(loaded))
    xml = folder / "fft.xml"
    if xml.exists():
        try:
            run(core, core.read_model(xml))
            print("read the IR of an earlier run: OK")
        except pyvino.ModelReadError as exc:
            print("read the IR of an earlier run: ModelReadError:", exc)
    try:
        model = pyvino.convert_model(onnx_model())
    except pyvino.UnsupportedOpError as exc:
        print("convert: UnsupportedOpError:", exc)
        return
    pyvino.save_model(model, xml, compress_to_fp16=False)
    print("convert + save IR: OK ->", xml)
    run(core, core.read_model(xml))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("fft-check"))
