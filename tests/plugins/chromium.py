"""How tests launch Debian's Chromium through Playwright: never a downloaded browser."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"

# Headless and off the network: no background requests, updates, sync or QUIC; no sandbox
# because tests run as root in CI; /dev/shm is small in containers.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
)
