"""The program's language chosen in the set-up dialog over the real engine: kept in the
profile's settings for the next start, and not changeable where the administrator's site
settings fix it (the dialog shows it fixed, the engine refuses with a sentence)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.windows import shown_dialog
from zivverdesk import config
from zivverdesk.config import ConfigError
from zivverdesk.gui.engine_backend import EngineBackend
from zivverdesk.gui.setup_dialog import SetupDialog

pytestmark = pytest.mark.gui


def _dialog(qtbot: QtBot, engine: EngineBackend) -> SetupDialog:
    dialog = SetupDialog(engine)
    return shown_dialog(qtbot, dialog, ready=lambda: dialog.state is not None)


def test_english_chosen_in_the_dialog_is_the_next_starts_language(
    qtbot: QtBot, engine: EngineBackend, home: Path
) -> None:
    dialog = _dialog(qtbot, engine)
    assert dialog.language_box.currentData() == "nl"  # Dutch first
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("en"))
    dialog.language_box.activated.emit(dialog.language_box.currentIndex())
    qtbot.waitUntil(lambda: dialog.language_box.isEnabled() and not dialog.busy())
    assert config.Settings(config.profile_paths(home)).get("language") == "en"


def test_a_language_fixed_by_the_site_settings_is_shown_fixed(qtbot: QtBot, home: Path) -> None:
    paths = config.profile_paths(home)
    paths.site_config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.site_config_file.write_text(
        'locked = ["language"]\n[settings]\nlanguage = "en"\n', encoding="utf-8"
    )
    engine = EngineBackend(home)
    try:
        state = engine.setup_state()
        assert (state.language, state.language_locked) == ("en", True)
        with pytest.raises(ConfigError, match="fixed by your administrator"):
            engine.set_language("nl")
        dialog = _dialog(qtbot, engine)
        assert dialog.language_box.currentData() == "en"
        assert not dialog.language_box.isEnabled()
    finally:
        engine.close()
