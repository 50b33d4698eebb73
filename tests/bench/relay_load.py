"""The recipient load generator of the relay benchmark: `relay_load.c`, built here with the
system's C compiler and run as its own process, so that it shares neither the relay's nor
the benchmark runner's GIL. Why it is C, and what it checks, is said at the top of that file.

Plan (the dict `generate` takes): {"host", "port", "mode": "burst" | "open" | "closed", "clients",
"seconds", "payload_seed", "payload_size", "recipients": [[message_id, recipient_id,
auth_b64, blob_id], ...]}.
- burst: `clients` recipients connect first, then all start at the same moment.
- open: as burst, but each waits after the link info until every page is loaded; then all
  send their code at the same moment ("elapsed" and "cpu" count from that moment).
- closed: `clients` loops run for `seconds`; each takes the next recipient (wrapping around
  when the list runs out), opens a new connection (a new browser) and runs the flow.
Result: {"latencies": [seconds per flow, ...], "opens": [seconds from sending verify to the
blob's last byte, per flow: what a recipient waits for after entering the code], "requests":
{step: [seconds per request, ...]} for the steps info, verify and blob, "errors": int,
"elapsed": seconds, "cpu": CPU seconds of the generator from the start of the flows to the
end of the last (no start-up, no connecting of the burst), "error_samples": [text, ...]}.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.bench import BUILD_DIR

STEPS = ("info", "verify", "blob")
SOURCE = Path(__file__).with_name("relay_load.c")
BINARY = BUILD_DIR / "relay_load"


class GeneratorError(RuntimeError):
    """The generator could not be built or did not run to its end."""


def payload(seed: int, size: int) -> bytes:
    """The benchmark message's content; the benchmark runner uploads the same bytes."""
    return random.Random(seed).randbytes(size)


def build() -> Path:
    """The generator's binary, compiled again whenever its source is newer."""
    if BINARY.exists() and BINARY.stat().st_mtime >= SOURCE.stat().st_mtime:
        return BINARY
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise GeneratorError("no C compiler (cc or gcc) to build the load generator")
    BINARY.parent.mkdir(parents=True, exist_ok=True)
    partial = BINARY.with_suffix(".partial")
    out = subprocess.run(
        [compiler, "-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o", partial, SOURCE],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise GeneratorError(f"building the load generator failed:\n{out.stderr[-3000:]}")
    partial.replace(BINARY)  # a build cut short never leaves a binary that looks current
    return BINARY


def generate(plan: dict[str, Any], *, timeout: float = 600) -> dict[str, Any]:
    """Run one round of the plan; returns the result described in the module docstring."""
    binary = build()
    with tempfile.TemporaryDirectory(prefix="relay-load-") as folder:
        plan_file, payload_file = Path(folder, "plan.txt"), Path(folder, "payload.bin")
        lines = [
            f"{plan['mode']} {plan['clients']} {plan.get('seconds', 0)} "
            f"{plan['host']} {plan['port']}",
            *(" ".join(recipient) for recipient in plan["recipients"]),
        ]
        plan_file.write_text("\n".join(lines) + "\n", encoding="ascii")
        payload_file.write_bytes(payload(plan["payload_seed"], plan["payload_size"]))
        out = subprocess.run(
            [binary, plan_file, payload_file],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    if out.returncode != 0:
        raise GeneratorError(f"the load generator failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return parse(out.stdout)


def parse(text: str) -> dict[str, Any]:
    """The generator's output (one `NAME VALUE` per line) as a result dict."""
    result: dict[str, Any] = {
        "latencies": [],
        "opens": [],
        "requests": {step: [] for step in STEPS},
        "error_samples": [],
    }
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == "flow":
            result["latencies"].append(float(value))
        elif name == "open":
            result["opens"].append(float(value))
        elif name in STEPS:
            result["requests"][name].append(float(value))
        elif name == "sample":
            result["error_samples"].append(value)
        elif name == "errors":
            result["errors"] = int(value)
        elif name in ("elapsed", "cpu"):
            result[name] = float(value)
        else:
            raise GeneratorError(f"the load generator wrote an unknown line: {line[:120]!r}")
    if not {"errors", "elapsed", "cpu"} <= result.keys():
        raise GeneratorError("the load generator's output ended early")
    return result
