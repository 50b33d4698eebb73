"""Where the desktop finds its icons and translations.

In a source checkout or an editable install they are in the repository's `resources/`; in a
PyInstaller bundle they are unpacked beside the program (`sys._MEIPASS`).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon


@cache
def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def icon_path(name: str) -> Path:
    return resources_dir() / "icons" / f"{name}.svg"


@cache
def icon(name: str) -> QIcon:
    path = icon_path(name)
    if not path.exists():
        raise FileNotFoundError(f"Icon {name!r} is missing from {path.parent}")
    return QIcon(str(path))


def translations_dir() -> Path:
    return resources_dir() / "i18n"
