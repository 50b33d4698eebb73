"""Profile paths, typed and versioned settings, site locks and secret-free logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from zivverdesk import config
from zivverdesk.config import ConfigError, ProfilePaths, Settings, profile_paths
from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.secret import Secret


@pytest.fixture
def paths(tmp_path: Path) -> ProfilePaths:
    return profile_paths(tmp_path / "profile").ensure()


def write_site(paths: ProfilePaths, text: str) -> None:
    paths.site_config_dir.mkdir(parents=True, exist_ok=True)
    paths.site_config_file.write_text(text, encoding="utf-8")


# --- paths -----------------------------------------------------------------------------


def test_home_variable_moves_every_folder_below_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path / "home"))
    paths = profile_paths()
    folders = [paths.data_dir, paths.config_dir, paths.log_dir, paths.cache_dir]
    folders.append(paths.site_config_dir)
    assert len(set(folders)) == 5
    for folder in folders:
        assert folder.is_relative_to(tmp_path / "home")
    assert paths.settings_file.parent == paths.config_dir
    assert paths.log_file.parent == paths.log_dir


def test_explicit_home_wins_over_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path / "from-env"))
    assert profile_paths(tmp_path / "explicit").data_dir == (tmp_path / "explicit" / "data")


def test_without_home_the_os_folders_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.HOME_ENV, raising=False)
    paths = profile_paths()
    assert "zivverdesk" in str(paths.data_dir)
    assert "zivverdesk" in str(paths.site_config_dir)
    assert paths.data_dir != paths.config_dir


def test_ensure_creates_the_profile_folders(tmp_path: Path) -> None:
    paths = profile_paths(tmp_path / "new").ensure()
    assert paths.data_dir.is_dir() and paths.config_dir.is_dir() and paths.log_dir.is_dir()


# --- settings --------------------------------------------------------------------------


def test_defaults_come_from_the_single_declaration(paths: ProfilePaths) -> None:
    settings = Settings(paths)
    for setting in config.SETTINGS:
        assert settings.get(setting.key) == setting.default


def test_values_are_stored_with_a_version_and_read_back(paths: ProfilePaths) -> None:
    Settings(paths).set("default_expiry_days", 30)
    Settings(paths).set("relay_url", "https://relay.example.test")
    doc = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    assert doc["version"] == config.SETTINGS_VERSION
    again = Settings(paths)
    assert again.get("default_expiry_days") == 30
    assert again.get("relay_url") == "https://relay.example.test"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("default_expiry_days", "30"),
        ("default_expiry_days", True),  # bool is an int in Python, not a number of days
        ("default_expiry_days", 0),
        ("language", "de"),
        ("relay_url", "ftp://relay"),
        ("share_with_team", 1),
    ],
)
def test_wrongly_typed_or_checked_values_are_refused(
    paths: ProfilePaths, key: str, value: object
) -> None:
    settings = Settings(paths)
    with pytest.raises(ConfigError, match="not a valid value"):
        settings.set(key, value)
    assert not paths.settings_file.exists()


def test_unknown_keys_are_an_error_a_person_can_read(paths: ProfilePaths) -> None:
    settings = Settings(paths)
    with pytest.raises(ConfigError, match="Unknown setting 'colour'"):
        settings.get("colour")
    with pytest.raises(ZivverdeskError):
        settings.set("colour", "blue")


def test_version_0_files_are_migrated_and_unknown_keys_kept(paths: ProfilePaths) -> None:
    paths.settings_file.write_text(
        json.dumps({"language": "en", "from_a_newer_release": 7}), encoding="utf-8"
    )
    settings = Settings(paths)
    assert settings.get("language") == "en"
    settings.set("share_with_team", False)
    doc = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    assert doc == {
        "version": config.SETTINGS_VERSION,
        "values": {"language": "en", "share_with_team": False, "from_a_newer_release": 7},
    }


def test_a_file_from_a_newer_release_is_refused(paths: ProfilePaths) -> None:
    paths.settings_file.write_text(
        json.dumps({"version": config.SETTINGS_VERSION + 1, "values": {}}), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="newer zivverdesk"):
        Settings(paths)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"version": 1, "values": [1]}'])
def test_a_damaged_settings_file_is_reported(paths: ProfilePaths, content: str) -> None:
    paths.settings_file.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"Settings file .*settings\.json"):
        Settings(paths)


def test_an_invalid_stored_value_falls_back_to_the_default(paths: ProfilePaths) -> None:
    paths.settings_file.write_text(
        json.dumps({"version": 1, "values": {"default_expiry_days": -5}}), encoding="utf-8"
    )
    assert Settings(paths).get("default_expiry_days") == 90


def test_site_values_prefill_and_locked_ones_cannot_be_changed(paths: ProfilePaths) -> None:
    Settings(paths).set("relay_url", "https://mine.example.test")
    Settings(paths).set("default_expiry_days", 10)
    write_site(
        paths,
        'locked = ["relay_url", "notification_real_subject"]\n'
        "[settings]\n"
        'relay_url = "https://relay.office.example.test"\n'
        "default_expiry_days = 60\n",
    )
    settings = Settings(paths)
    # Locked: the administrator's value wins over what the user stored earlier.
    assert settings.get("relay_url") == "https://relay.office.example.test"
    # Locked without a site value: the default, not a value the user stored before the lock.
    assert settings.get("notification_real_subject") is False
    # Not locked: the user's own choice wins over the site's pre-filled value.
    assert settings.get("default_expiry_days") == 10
    with pytest.raises(ConfigError, match="fixed by your administrator"):
        settings.set("relay_url", "https://other.example.test")
    assert settings.locked == frozenset({"relay_url", "notification_real_subject"})


def test_site_values_prefill_the_defaults(paths: ProfilePaths) -> None:
    write_site(paths, '[settings]\nlanguage = "en"\n')
    settings = Settings(paths)
    assert settings.get("language") == "en"
    settings.set("language", "nl")
    assert Settings(paths).get("language") == "nl"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[settings\n", "cannot be read"),
        ('[settings]\nlanguage = "fr"\n', "not a valid value"),
        ("[settings]\nshare_with_team = 1\n", "not a valid value"),
        ('[settings]\nfavourite = "x"\n', "unknown setting"),
        ('settings = "x"\n', "must be a table"),
    ],
)
def test_a_wrong_site_configuration_names_the_file(
    paths: ProfilePaths, text: str, message: str
) -> None:
    write_site(paths, text)
    with pytest.raises(ConfigError, match=message) as raised:
        Settings(paths)
    assert str(paths.site_config_file) in str(raised.value)


# --- logging ---------------------------------------------------------------------------


@pytest.fixture
def profile_log(paths: ProfilePaths) -> Iterator[Path]:
    handler = config.setup_logging(paths)
    try:
        yield paths.log_file
    finally:
        logging.getLogger("zivverdesk").removeHandler(handler)
        handler.close()


def test_logs_go_to_the_profile_without_secrets(profile_log: Path) -> None:
    log = logging.getLogger("zivverdesk.test")
    log.info("login password=hunter2hunter2 for %s", "alice@example.test")
    log.info("Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl")
    log.info("opened https://relay.example.test/m/abc#Q1w2E3r4T5y6U7i8O9p0Aa_bCd")
    log.info('json {"access_token": "tok-123456789", "user": "bob"}')
    log.info("secret object %r", Secret("s3cr3t-value"))
    text = profile_log.read_text(encoding="utf-8")
    for leaked in (
        "hunter2hunter2",
        "eyJhbGciOi",
        "Q1w2E3r4T5y6U7i8O9p0Aa_bCd",
        "tok-123456789",
        "s3cr3t-value",
    ):
        assert leaked not in text
    assert "alice@example.test" in text
    assert '"user": "bob"' in text
    assert text.count("\n") == 5


def test_exception_text_in_logs_is_redacted_too(profile_log: Path) -> None:
    log = logging.getLogger("zivverdesk.test")
    try:
        raise RuntimeError("server said: token=abcdef0123456789")
    except RuntimeError:
        log.exception("sending failed")
    text = profile_log.read_text(encoding="utf-8")
    assert "sending failed" in text
    assert "RuntimeError" in text
    assert "abcdef0123456789" not in text


def test_setting_up_logging_twice_keeps_one_file_handler(paths: ProfilePaths) -> None:
    first = config.setup_logging(paths)
    second = config.setup_logging(paths)
    try:
        handlers = logging.getLogger("zivverdesk").handlers
        assert second in handlers
        assert first not in handlers
        logging.getLogger("zivverdesk.test").warning("once")
        assert paths.log_file.read_text(encoding="utf-8").count("once") == 1
    finally:
        logging.getLogger("zivverdesk").removeHandler(second)
        second.close()
