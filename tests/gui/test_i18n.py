"""Every shipped language loads, and no translation changes a placeholder."""

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from zivverdesk.gui.i18n import LANGUAGES, compiled_translation, install_translator
from zivverdesk.gui.resources import translations_dir

pytestmark = pytest.mark.gui

PLACEHOLDER = re.compile(r"%n|%\d|\{[a-z_]*\}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_loads_and_translates(qapp: QApplication, language: str) -> None:
    translator = install_translator(qapp, language)
    try:
        text = QCoreApplication.translate("ComposerDialog", "Send securely")
        assert text == {"nl": "Veilig verzenden", "en": "Send securely"}[language]
    finally:
        qapp.removeTranslator(translator)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(language: str) -> None:
    tree = ET.parse(translations_dir() / f"zivverdesk_{language}.ts")
    messages = list(tree.iter("message"))
    assert messages
    for message in messages:
        source = message.findtext("source")
        assert source is not None, "a message without a source"
        translation = message.find("translation")
        assert translation is not None, f"no translation element for {source!r}"
        assert translation.get("type") != "unfinished", f"untranslated: {source!r}"
        forms: list[str | None]
        forms = [f.text or "" for f in translation.findall("numerusform")] or [translation.text]
        for form in forms:
            assert form, f"empty translation for {source!r}"
            assert sorted(PLACEHOLDER.findall(form)) == sorted(PLACEHOLDER.findall(source)), (
                f"placeholders differ in {language}: {source!r} -> {form!r}"
            )


def test_dutch_and_english_cover_the_same_messages() -> None:
    def sources(language: str) -> set[str | None]:
        tree = ET.parse(translations_dir() / f"zivverdesk_{language}.ts")
        return {(m.findtext("source")) for m in tree.iter("message")}

    assert sources("nl") == sources("en")


def test_compiled_translation_is_rebuilt_when_missing(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout with only the `.ts` sources gets its `.qm` built on first use, and Dutch
    shows from it."""
    shutil.copy(translations_dir() / "zivverdesk_nl.ts", tmp_path)
    monkeypatch.setattr("zivverdesk.gui.i18n.translations_dir", lambda: tmp_path)
    path = compiled_translation("nl")
    assert path == tmp_path / "zivverdesk_nl.qm" and path.stat().st_size > 0
    translator = QTranslator()
    assert translator.load(str(path))
    assert translator.translate("ComposerDialog", "Send securely") == "Veilig verzenden"


def test_a_stale_compiled_translation_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Path(shutil.copy(translations_dir() / "zivverdesk_nl.ts", tmp_path))
    stale = tmp_path / "zivverdesk_nl.qm"
    stale.write_bytes(b"stale")
    os.utime(stale, (source.stat().st_mtime - 60, source.stat().st_mtime - 60))
    monkeypatch.setattr("zivverdesk.gui.i18n.translations_dir", lambda: tmp_path)
    assert compiled_translation("nl").read_bytes() != b"stale"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_source_text_was_taken_for_a_context(language: str) -> None:
    """`tr = QCoreApplication.translate; tr("Ctx", "Text")` makes lupdate read "Ctx" as the
    source and "Text" as a comment; the GUI must call `QCoreApplication.translate` directly."""
    tree = ET.parse(translations_dir() / f"zivverdesk_{language}.ts")
    contexts = {c.findtext("name") for c in tree.iter("context")}
    for message in tree.iter("message"):
        assert message.find("comment") is None, message.findtext("source")
        assert message.findtext("source") not in contexts
