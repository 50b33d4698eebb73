"""Benchmarks: `python -m tests.bench all|crypto|relay|web|sync|gui` (also `make bench`).

Contract for a group `<g>`: a module `tests/bench/bench_<g>.py` with a function
`run(results: Results) -> None` that measures and calls `results.record(...)` once per
number. The runner writes `build/bench/results.json`, an object that maps each result name
(prefix it with the group, e.g. "crypto.encrypt_throughput") to

    {"value": float, "unit": str, "anchor": str | null, "anchor_value": float | null,
     "ratio": float | null, "target": float | null, "meets": bool | null}

`ratio` is value / anchor_value (the same-run reference measurement, e.g. `cp` of the same
file) unless the group passes its own (such as a median of per-round ratios); `target`
applies to the ratio when there is an anchor, else to the value; `meets` says whether the
target was met (`higher_is_better` picks the direction). Entries of groups
that did not run are kept, so running one group updates only its own entries. Benchmarks
are measurements, not tests: they never fail on a missed target, they report it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = ROOT / "build" / "bench"
RESULTS_FILE = BUILD_DIR / "results.json"


@dataclass
class Results:
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        anchor: str | None = None,
        anchor_value: float | None = None,
        target: float | None = None,
        higher_is_better: bool = True,
        ratio: float | None = None,
    ) -> dict[str, Any]:
        """Record one number; pass `ratio` when it is not simply value / anchor_value (e.g.
        the median of per-round ratios, which cancels load that varies between rounds)."""
        if ratio is None and anchor_value:
            ratio = value / anchor_value
        compared = ratio if ratio is not None else value
        meets: bool | None = None
        if target is not None:
            meets = compared >= target if higher_is_better else compared <= target
        entry = {
            "value": round(value, 4),
            "unit": unit,
            "anchor": anchor,
            "anchor_value": round(anchor_value, 4) if anchor_value is not None else None,
            "ratio": round(ratio, 4) if ratio is not None else None,
            "target": target,
            "meets": meets,
        }
        self.entries[name] = entry
        shown = f"{name}: {entry['value']} {unit}"
        if anchor is not None:
            shown += f" (anchor {anchor}: {entry['anchor_value']} {unit}, ratio {entry['ratio']})"
        if target is not None:
            shown += f" target {'≥' if higher_is_better else '≤'} {target}: "
            shown += "met" if meets else "NOT met"
        print(shown, flush=True)
        return entry


def merge_into_file(results: Results, path: Path = RESULTS_FILE) -> dict[str, Any]:
    """Add or replace this run's entries in the results file, keeping the others."""
    existing: dict[str, Any] = {}
    if path.exists():
        existing = json.loads(path.read_text(encoding="utf-8"))
    existing.update(results.entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return existing
