"""Saves a screenshot of the whole X display in $DISPLAY (the demo's Xvfb) as a PNG.

DISPLAY=:N .venv/bin/python scripts/demo/screenshot.py shot.png
"""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QGuiApplication


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if not os.environ.get("DISPLAY"):
        print("DISPLAY is not set: name the demo's display, e.g. DISPLAY=:99", file=sys.stderr)
        return 2
    os.environ["QT_QPA_PLATFORM"] = "xcb"  # the real display, not offscreen
    app = QGuiApplication(sys.argv[:1])
    screen = app.primaryScreen()
    # Window id 0 is the root window: everything on the display.
    if not screen.grabWindow(0).save(sys.argv[1], "PNG"):
        print(f"Could not write {sys.argv[1]}", file=sys.stderr)
        return 1
    print(sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
