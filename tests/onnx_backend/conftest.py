"""Parametrises test_backend.py over every ONNX backend test case (see backend_cases.py)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from backend_cases import load_cases  # noqa: E402

_RESULTS: dict[str, str] = {}


def _cache_dir(config: pytest.Config) -> Path:
    """pytest's cache folder, or a temporary one when the cache plugin is disabled."""
    cache = getattr(config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("onnx_backend_cases"))
    return Path(tempfile.gettempdir()) / "pyvino-onnx-backend-cases"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend_case" in metafunc.fixturenames:
        cache = _cache_dir(metafunc.config)
        cases = load_cases(cache)
        params = [
            pytest.param(
                c, id=f"{c.kind}/{c.name}", marks=[pytest.mark.slow] if c.kind == "real" else []
            )
            for c in cases
        ]
        metafunc.parametrize("backend_case", params)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    case = getattr(item, "callspec", None) and item.callspec.params.get("backend_case")
    if case is None:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        status = "excluded" if report.skipped else report.outcome
        if hasattr(report, "wasxfail"):
            status = "failed: known: " + report.wasxfail
        elif report.failed:
            status += ": " + _first_line(call.excinfo)
        _RESULTS[f"{case.kind}/{case.name}"] = status


def _first_line(excinfo: pytest.ExceptionInfo | None) -> str:
    if excinfo is None:
        return ""
    text = " ".join(str(excinfo.value).split())
    return f"{excinfo.type.__name__}: {text[:160]}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get("PYVINO_BACKEND_REPORT")
    if path and _RESULTS:
        Path(path).write_text(json.dumps(_RESULTS, indent=1, sort_keys=True))


@pytest.fixture(scope="session")
def backend_case_names(request: pytest.FixtureRequest) -> set[str]:
    """Names of every backend case (for checks on the exclusion list)."""
    return {c.name for c in load_cases(_cache_dir(request.config))}
