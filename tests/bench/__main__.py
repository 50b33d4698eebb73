"""Run benchmark groups: `python -m tests.bench all|crypto|relay|web|sync|gui ...`."""

from __future__ import annotations

import importlib
import sys
import time
import traceback

from tests.bench import RESULTS_FILE, Results, merge_into_file

GROUPS = ("crypto", "relay", "web", "page", "sync", "gui")


def main(argv: list[str]) -> int:
    wanted = argv or ["all"]
    unknown = [g for g in wanted if g != "all" and g not in GROUPS]
    if unknown:
        print(f"unknown benchmark group(s) {unknown}; choose from all, {', '.join(GROUPS)}")
        return 2
    groups = list(GROUPS) if "all" in wanted else wanted
    failed: list[str] = []
    for group in groups:
        try:
            module = importlib.import_module(f"tests.bench.bench_{group}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.bench.bench_{group}":
                raise
            if "all" in wanted:
                print(f"[{group}] no benchmarks yet (tests/bench/bench_{group}.py)")
                continue
            print(f"[{group}] tests/bench/bench_{group}.py does not exist")
            failed.append(group)
            continue
        print(f"[{group}] running", flush=True)
        results = Results()
        started = time.perf_counter()
        try:
            module.run(results)
        except Exception:  # one broken group must not hide the others
            traceback.print_exc()
            failed.append(group)
        merge_into_file(results)  # keep what was measured before a failure
        print(f"[{group}] done in {time.perf_counter() - started:.1f} s", flush=True)
    print(f"results: {RESULTS_FILE}")
    if failed:
        print(f"failed groups: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
