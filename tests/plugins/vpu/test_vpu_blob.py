"""VPU blobs: self-contained export/import, version and device checks, pyvino compile."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import pyvino
from pyvino import BlobFormatError, CompilationError
from pyvino._blob import pack_blob, pack_sections, unpack_blob, unpack_sections

IMPORT_AND_RUN = textwrap.dedent("""
    import sys
    import numpy as np
    from pyvino import Core
    blob_path, input_path, output_path = sys.argv[1:]
    with open(blob_path, "rb") as f:
        compiled = Core().import_model(f.read(), "VPU")
    np.save(output_path, compiled(np.load(input_path))[0])
    print(compiled.get_property("EXECUTION_DEVICES")[0])
""")


def image(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((1, 3, 16, 16)).astype(np.float32)


def payload_of(blob: bytes) -> dict[str, bytes]:
    return unpack_sections(unpack_blob(blob, "VPU")[1])


def reblob(sections: dict[str, bytes], fix_digests: bool = True) -> bytes:
    """A blob from edited sections (with the meta checksums updated, so our checks run)."""
    import hashlib

    meta = json.loads(sections["meta"])
    if fix_digests:
        meta["sha256"] = {
            k: hashlib.sha256(v).hexdigest() for k, v in sections.items() if k != "meta"
        }
    return pack_blob("VPU", pack_sections({**sections, "meta": json.dumps(meta).encode()}))


def test_import_in_a_fresh_process_is_bit_identical(core, cnn, tmp_path):
    compiled = core.compile_model(cnn(), "VPU")
    x = image(4)
    (tmp_path / "model.blob").write_bytes(compiled.export_model())
    np.save(tmp_path / "x.npy", x)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            IMPORT_AND_RUN,
            str(tmp_path / "model.blob"),
            str(tmp_path / "x.npy"),
            str(tmp_path / "y.npy"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "VPU.0"
    imported = np.load(tmp_path / "y.npy")
    assert imported.dtype == np.float32
    np.testing.assert_array_equal(imported, compiled(x)[0])


def test_blob_is_self_contained_and_stable(core, cnn):
    compiled = core.compile_model(cnn(), "VPU", {"VPU_OUTPUT_PRECISION": "f16"})
    blob = compiled.export_model()
    imported = core.import_model(blob, "VPU")
    assert imported.export_model() == blob
    assert imported.outputs[0].element_type == pyvino.Type.f16  # compile-time choice kept
    meta = json.loads(payload_of(blob)["meta"])
    assert meta["format"] == 2 and meta["device"] == "VPU"
    assert meta["pyvino"] == pyvino.__version__ and "pyvino_vpu" in meta
    plan = json.loads(payload_of(blob)["plan"])
    assert [s["name"] for s in plan["steps"]][:3] == ["conv", "bias", "relu6"]
    floats = 8 * 3 * 9 + 8 + 8 * 9 + 8 * 8 * 8 * 10  # conv, bias, depthwise, fc
    graph = json.loads(payload_of(blob)["graph"])
    stored = sum(node["data"][1] for node in graph["nodes"] if "data" in node)
    assert stored == 2 * floats + 2 * 8  # fp16 weights + the i64 shape of the Reshape


def test_import_chooses_a_stick_and_checks_the_budget(core, cnn):
    core.set_property("VPU", {"VPU_NUMBER_OF_DEVICES": 2})
    blob = core.compile_model(cnn(), "VPU").export_model()
    assert core.import_model(blob, "VPU.1").get_property("EXECUTION_DEVICES") == ["VPU.1"]
    with pytest.raises(CompilationError, match="VPU_MEMORY_BUDGET is 1000 bytes"):
        core.import_model(blob, "VPU", {"VPU_MEMORY_BUDGET": 1000})


def test_corrupted_and_truncated_blobs_are_rejected(core, cnn):
    blob = core.compile_model(cnn(), "VPU").export_model()
    damaged = bytearray(blob)
    damaged[len(blob) // 2] ^= 0x01
    with pytest.raises(BlobFormatError, match="corrupted"):
        core.import_model(bytes(damaged), "VPU")
    with pytest.raises(BlobFormatError, match="truncated"):
        core.import_model(blob[:-100], "VPU")
    with pytest.raises(BlobFormatError, match="not a pyvino compiled blob"):
        core.import_model(b"MYRIAD blob", "VPU")


def test_payload_checks_format_device_sections_and_plan(core, cnn):
    sections = payload_of(core.compile_model(cnn(), "VPU").export_model())
    newer = dict(sections, meta=json.dumps({**json.loads(sections["meta"]), "format": 3}).encode())
    with pytest.raises(BlobFormatError, match="format version 3 .* newer"):
        core.import_model(reblob(newer), "VPU")
    older = dict(sections, meta=json.dumps({**json.loads(sections["meta"]), "format": 1}).encode())
    with pytest.raises(BlobFormatError, match="format version 1 .* older"):
        core.import_model(reblob(older), "VPU")
    other = dict(
        sections, meta=json.dumps({**json.loads(sections["meta"]), "device": "GPU"}).encode()
    )
    with pytest.raises(BlobFormatError, match="compiled for device 'GPU', not VPU"):
        core.import_model(reblob(other), "VPU")
    with pytest.raises(BlobFormatError, match="'graph' is corrupted"):
        core.import_model(reblob(dict(sections, graph=b"{}"), False), "VPU")
    with pytest.raises(BlobFormatError, match="lacks section.*plan"):
        core.import_model(reblob({k: v for k, v in sections.items() if k != "plan"}), "VPU")
    plan = json.loads(sections["plan"])
    plan["steps"][0]["name"] = "no_such_node"
    bad = dict(sections, plan=json.dumps(plan).encode())
    with pytest.raises(BlobFormatError, match="plan does not match its graph.*no_such_node"):
        core.import_model(reblob(bad), "VPU")
    plan = json.loads(sections["plan"])
    plan["steps"][1]["inputs"] = [plan["results"][0], *plan["steps"][1]["inputs"][1:]]
    rewired = dict(sections, plan=json.dumps(plan).encode())
    with pytest.raises(BlobFormatError, match="plan does not match its graph.*'bias' input 0"):
        core.import_model(reblob(rewired), "VPU")
    with pytest.raises(BlobFormatError, match="plan is malformed"):
        core.import_model(reblob(dict(sections, plan=b"{}")), "VPU")


def test_blobs_of_one_device_are_refused_by_another(core, cnn):
    vpu_blob = core.compile_model(cnn(), "VPU").export_model()
    with pytest.raises(BlobFormatError, match="compiled for device VPU, not CPU"):
        core.import_model(vpu_blob, "CPU")
    cpu_blob = core.compile_model(cnn(), "CPU").export_model()
    with pytest.raises(BlobFormatError, match="compiled for device CPU, not VPU"):
        core.import_model(cpu_blob, "VPU")


def test_compile_command_writes_a_blob(core, cnn, tmp_path, capsys):
    from pyvino.cli import _compile

    xml = tmp_path / "small.xml"
    pyvino.save_model(cnn(), xml)
    (tmp_path / "vpu.cfg").write_text("# compile_tool config\nVPU_OUTPUT_PRECISION f16\n")
    parser = argparse.ArgumentParser()
    _compile.add_arguments(parser)
    out = tmp_path / "out" / "small.blob"
    args = parser.parse_args(
        [
            "-m",
            str(xml),
            "-d",
            "VPU",
            "-o",
            str(out),
            "-c",
            str(tmp_path / "vpu.cfg"),
            "-p",
            "VPU_LAYER_OVERHEAD_US=0",
        ]
    )
    assert _compile.run(args) == 0
    assert "[ SUCCESS ] Blob:" in capsys.readouterr().out
    compiled = core.import_model(out.read_bytes(), "VPU")
    assert compiled(image())[0].dtype == np.float16
    reference = core.compile_model(core.read_model(xml), "VPU", {"VPU_OUTPUT_PRECISION": "f16"})
    np.testing.assert_array_equal(compiled(image())[0], reference(image())[0])


def test_compile_command_reports_bad_config(tmp_path):
    from pyvino import PyvinoError
    from pyvino.cli import _compile

    with pytest.raises(PyvinoError, match="--property:1: expected 'KEY VALUE'"):
        _compile.parse_config_text("JUSTAKEY", "--property")
