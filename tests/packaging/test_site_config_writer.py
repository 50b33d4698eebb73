"""The installer's site-config writer: what the MSI's properties turn into, read back by the
application's own settings code."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.packaging.writer import load_writer
from tests.plugins.availability import REPO_ROOT
from zivverdesk.config import ConfigError, ProfilePaths, Settings

writer = load_writer()
EXAMPLE = REPO_ROOT / "packaging" / "site-config.example.toml"


def settings_for(site_file: Path, home: Path) -> Settings:
    """The settings a user with profile `home` sees under the site file `site_file`."""
    return Settings(
        ProfilePaths(
            data_dir=home / "data",
            config_dir=home / "config",
            log_dir=home / "logs",
            cache_dir=home / "cache",
            site_config_dir=site_file.parent,
        )
    )


def test_properties_become_site_settings_the_application_applies(tmp_path: Path) -> None:
    site = tmp_path / "site" / "site.toml"
    code = writer.main(
        [
            "--file", str(site),
            "--relay-url", "https://relay.praktijk.example",
            "--imap-host", "imap.praktijk.example",
            "--smtp-host", "",
            "--oauth-client-id", "11111111-2222-3333-4444-555555555555",
            "--oauth-tenant", "praktijk.example",
            "--lock", "relay_url, share_with_team",
        ]
    )  # fmt: skip
    assert code == 0
    doc = tomllib.loads(site.read_text(encoding="utf-8"))
    assert doc["mail"] == {"imap_host": "imap.praktijk.example"}  # empty SMTPHOST: not written
    assert doc["oauth"]["microsoft"]["tenant"] == "praktijk.example"
    settings = settings_for(site, tmp_path / "user")
    assert settings.get("relay_url") == "https://relay.praktijk.example"
    assert settings.locked == {"relay_url", "share_with_team"}
    with pytest.raises(ConfigError, match="fixed by your administrator"):
        settings.set("relay_url", "https://elsewhere.example")


def test_repair_without_properties_keeps_the_administrators_file(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    before = site.read_bytes()
    assert writer.main(["--file", str(site), "--relay-url", "", "--lock", ""]) == 0
    assert site.read_bytes() == before  # untouched, comments and all


def test_update_keeps_keys_the_installer_does_not_know(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    original = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert writer.main(["--file", str(site), "--relay-url", "https://nieuw.example"]) == 0
    updated = tomllib.loads(site.read_text(encoding="utf-8"))
    assert updated["settings"]["relay_url"] == "https://nieuw.example"
    original["settings"]["relay_url"] = "https://nieuw.example"
    assert updated == original


def test_invalid_relay_url_fails_and_leaves_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[settings]\nrelay_url = "https://ok.example"\n', encoding="utf-8")
    assert writer.main(["--file", str(site), "--relay-url", "relay.example"]) == 1
    err = capsys.readouterr().err
    assert "'relay.example' is not a valid value for 'Relay address'" in err
    assert str(site) in err  # names the real file, not the scratch copy it checked
    assert "https://ok.example" in site.read_text(encoding="utf-8")


def test_unknown_locked_setting_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site.toml"
    assert writer.main(["--file", str(site), "--lock", "relay_url,colour"]) == 1
    assert "Cannot lock unknown setting 'colour'" in capsys.readouterr().err
    assert not site.exists()


def test_values_with_quotes_and_backslashes_round_trip(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    host = 'mail "main" \\ server'
    assert writer.main(["--file", str(site), "--imap-host", host]) == 0
    assert tomllib.loads(site.read_text(encoding="utf-8"))["mail"]["imap_host"] == host


def test_the_example_is_a_valid_site_configuration(tmp_path: Path) -> None:
    site = tmp_path / "site" / "site.toml"
    site.parent.mkdir()
    site.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    settings = settings_for(site, tmp_path / "user")
    assert settings.get("relay_url") == "https://relay.praktijk.example"
    assert settings.locked == {"relay_url", "share_with_team"}
