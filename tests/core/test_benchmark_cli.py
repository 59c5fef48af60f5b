"""``pyvino benchmark`` prints benchmark_app's report fields and writes them as JSON."""

from __future__ import annotations

import json

import pyvino
from pyvino.cli import main
from pyvino.testing import conformance_models


def test_report_fields_and_json(tmp_path, capsys):
    xml = tmp_path / "cnn.xml"
    pyvino.save_model(conformance_models()["cnn"](), xml)
    stats = tmp_path / "stats.json"
    rc = main(["benchmark", "-m", str(xml), "-d", "CPU", "-hint", "throughput", "-niter", "20",
               "-pc", "-json_stats", str(stats), "-report_type", "average_counters",
               "-report_folder", str(tmp_path), "-latency_percentile", "90"])
    out = capsys.readouterr().out
    assert rc == 0
    for field in ("[Step 11/11]", "Execution Devices", "Count:", "Duration:", "90 percentile:",
                  "Average:", "Min:", "Max:", "Throughput:", "OPTIMAL_NUMBER_OF_INFER_REQUESTS",
                  "layerType: Convolution"):
        assert field in out, field
    data = json.loads(stats.read_text())
    assert data["count"] == 20 and data["throughput_fps"] > 0
    assert set(data["latency_ms"]) == {"median", "average", "min", "max", "p90"}
    assert data["latency_ms"]["min"] <= data["latency_ms"]["median"] <= data["latency_ms"]["max"]
    assert data["execution_devices"] == ["CPU"]
    assert any(c["layer_type"] == "Convolution" for c in data["counters"])
    assert (tmp_path / "benchmark_average_counters_report.csv").exists()


def test_sync_latency_hint(tmp_path, capsys):
    xml = tmp_path / "cnn.xml"
    pyvino.save_model(conformance_models()["cnn"](), xml)
    assert main(["benchmark", "-m", str(xml), "-hint", "latency", "-niter", "5"]) == 0
    assert "sync inference" in capsys.readouterr().out
