"""Loading the desktop's translations (Dutch first, English second).

Source strings in the code are English; `resources/i18n/zivverdesk_nl.ts` holds the Dutch.
`.qm` files are compiled from the `.ts` files by `pyside6-lrelease` at install time (see the
Makefile) and, if missing, on first use, so a fresh checkout always shows Dutch.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from zivverdesk.gui.resources import translations_dir

log = logging.getLogger(__name__)

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


class TranslationMissing(RuntimeError):
    """A shipped language's translation file could not be found or loaded."""


def compiled_translation(language: str) -> Path:
    """The `.qm` file of `language`, compiled from its `.ts` if it is missing or older."""
    folder = translations_dir()
    source = folder / f"zivverdesk_{language}.ts"
    compiled = folder / f"zivverdesk_{language}.qm"
    if getattr(sys, "frozen", False) and compiled.exists():
        return compiled  # an installed bundle ships compiled translations and no lrelease
    if not source.exists():
        raise TranslationMissing(f"No translation source for language {language!r}: {source}")
    if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
        lrelease = shutil.which("pyside6-lrelease") or _venv_tool("pyside6-lrelease")
        if lrelease is None:
            raise TranslationMissing("pyside6-lrelease is not installed; cannot build translations")
        subprocess.run([lrelease, "-silent", str(source), "-qm", str(compiled)], check=True)
    return compiled


def _venv_tool(name: str) -> str | None:
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else None


def install_translator(app: QCoreApplication, language: str) -> QTranslator:
    """Install the translator for `language` on `app`."""
    if language not in LANGUAGES:
        raise TranslationMissing(f"Unsupported language {language!r}; choose one of {LANGUAGES}")
    translator = QTranslator(app)
    path = compiled_translation(language)
    if not translator.load(str(path)):
        raise TranslationMissing(f"Qt could not load the translation {path}")
    app.installTranslator(translator)
    log.info("language %s loaded", language)
    return translator
