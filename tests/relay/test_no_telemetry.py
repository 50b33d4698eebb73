"""The relay sends nothing about its requests to an OpenTelemetry collector, also when the
process has a tracer provider and `FASTAPI_OTEL_AUTO_CONFIGURE` asks for exporters: request
paths carry message and recipient ids, and error records carry messages and stack traces."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.plugins.relay import RelayFactory
from tests.relay.helpers import new_id

# Loaded by the relay process at start (`sitecustomize` on PYTHONPATH): a tracer provider
# of the kind an SDK installs, which notes every tracer asked of it.
SITECUSTOMIZE = """
import os
from opentelemetry import trace

class RecordingProvider(trace.TracerProvider):
    def get_tracer(self, name, *args, **kwargs):
        with open(os.environ["ZV_TEST_OTEL_RECORD"], "a", encoding="utf-8") as fh:
            fh.write(f"tracer {name}\\n")
        return trace.NoOpTracer()

trace.set_tracer_provider(RecordingProvider())
with open(os.environ["ZV_TEST_OTEL_RECORD"], "a", encoding="utf-8") as fh:
    fh.write("provider installed\\n")
"""


def test_no_request_reaches_a_configured_tracer(
    relay_factory: RelayFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    record = tmp_path / "otel.txt"
    monkeypatch.setenv("PYTHONPATH", str(hook))
    monkeypatch.setenv("ZV_TEST_OTEL_RECORD", str(record))
    monkeypatch.setenv("FASTAPI_OTEL_AUTO_CONFIGURE", "true")
    relay = relay_factory()
    with httpx.Client(base_url=relay.url, timeout=10) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get(f"/api/v1/r/{new_id()}/{new_id()}").status_code == 404  # fast path
        assert client.get("/api/v1/events").status_code == 401  # FastAPI's routes
        assert client.post("/api/v1/enroll", json={"code": 1}).status_code == 400  # invalid
    relay.stop()
    assert record.read_text(encoding="utf-8").splitlines() == ["provider installed"]
