"""Paths, user settings and administrator (site) settings of a desktop profile.

Every path comes from `platformdirs` so that Windows gets `%APPDATA%`/`%LOCALAPPDATA%` and
Linux the XDG folders. `ZIVVERDESK_HOME` (or an explicit profile directory) redirects all of a
profile's folders below one directory: tests and the demo never touch the real profile.

Settings are declared once (`SETTINGS`), typed, and stored as JSON with a version number so
that later releases can migrate them. Secrets are never settings: they live in the OS keyring.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "zivverdesk"
APP_AUTHOR = "zivverdesk"
HOME_ENV = "ZIVVERDESK_HOME"
SETTINGS_VERSION = 1


class ConfigError(Exception):
    """A setting or a settings file is unusable; the message says which and why."""


@dataclass(frozen=True, kw_only=True)
class ProfilePaths:
    """The folders of one profile. Created on demand by `ensure()`."""

    data_dir: Path
    config_dir: Path
    log_dir: Path
    cache_dir: Path
    site_config_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def site_config_file(self) -> Path:
        return self.site_config_dir / "site.toml"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "zivverdesk.log"

    def ensure(self) -> ProfilePaths:
        for folder in (self.data_dir, self.config_dir, self.log_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def profile_paths(home: Path | str | None = None) -> ProfilePaths:
    """The profile's folders: below `home` or `$ZIVVERDESK_HOME` if given, else per-OS."""
    root = home if home is not None else os.environ.get(HOME_ENV)
    if root:
        base = Path(root).expanduser().resolve()
        return ProfilePaths(
            data_dir=base / "data",
            config_dir=base / "config",
            log_dir=base / "logs",
            cache_dir=base / "cache",
            site_config_dir=base / "site",
        )
    return ProfilePaths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)),
        site_config_dir=Path(platformdirs.site_config_dir(APP_NAME, APP_AUTHOR)),
    )


# --- settings -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Setting:
    """One user setting: declared once with its type, default and a check."""

    key: str
    kind: type
    default: Any
    title: str
    check: Callable[[Any], bool] | None = None


def _is_url(value: Any) -> bool:
    return value == "" or bool(re.match(r"^https?://[^\s/]+", str(value)))


SETTINGS: tuple[Setting, ...] = (
    Setting(key="relay_url", kind=str, default="", title="Relay address", check=_is_url),
    Setting(
        key="language", kind=str, default="nl", title="Language", check=lambda v: v in ("nl", "en")
    ),
    Setting(
        key="notification_real_subject",
        kind=bool,
        default=False,
        title="Show the real subject in notification mails",
    ),
    Setting(
        key="share_with_team",
        kind=bool,
        default=True,
        title="Share secure conversations with the team",
    ),
    Setting(
        key="default_expiry_days",
        kind=int,
        default=90,
        title="Messages expire after (days)",
        check=lambda v: 1 <= v <= 3650,
    ),
    Setting(
        key="file_replies_folder",
        kind=str,
        default="",
        title="Folder for reply notifications (empty: leave in inbox)",
    ),
)
_BY_KEY = {s.key: s for s in SETTINGS}


class Settings:
    """The user's settings over the site (administrator) settings.

    Site settings pre-fill defaults; a site key listed under `locked` cannot be changed by
    the user. Unknown keys in files are kept untouched so an older release does not erase
    what a newer one wrote.
    """

    def __init__(self, paths: ProfilePaths) -> None:
        self._paths = paths
        self._site = _read_site_config(paths.site_config_file)
        self._values: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        self._load()

    @property
    def locked(self) -> frozenset[str]:
        locked = self._site.get("locked", [])
        return frozenset(str(k) for k in locked) if isinstance(locked, list) else frozenset()

    def get(self, key: str) -> Any:
        setting = _BY_KEY[key]
        if key in self.locked and key in self._site.get("settings", {}):
            return self._site["settings"][key]
        if key in self._values:
            return self._values[key]
        return self._site.get("settings", {}).get(key, setting.default)

    def set(self, key: str, value: Any) -> None:
        setting = _BY_KEY.get(key)
        if setting is None:
            raise ConfigError(f"Unknown setting {key!r}.")
        if key in self.locked:
            raise ConfigError(f"The setting {setting.title!r} is fixed by your administrator.")
        if not isinstance(value, setting.kind) or (setting.check and not setting.check(value)):
            raise ConfigError(f"{value!r} is not a valid value for {setting.title!r}.")
        self._values[key] = value
        self._save()

    def _load(self) -> None:
        file = self._paths.settings_file
        if not file.exists():
            return
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"Settings file {file} cannot be read: {exc}") from exc
        if not isinstance(raw, dict):
            raise ConfigError(f"Settings file {file} is not a JSON object.")
        raw = migrate_settings(raw)
        for key, value in raw.get("values", {}).items():
            setting = _BY_KEY.get(key)
            if setting is None:
                self._extra[key] = value
            elif isinstance(value, setting.kind) and (not setting.check or setting.check(value)):
                self._values[key] = value

    def _save(self) -> None:
        self._paths.config_dir.mkdir(parents=True, exist_ok=True)
        doc = {"version": SETTINGS_VERSION, "values": {**self._extra, **self._values}}
        tmp = self._paths.settings_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(self._paths.settings_file)


def migrate_settings(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Bring a settings document of any earlier version to `SETTINGS_VERSION`."""
    version = raw.get("version", 0)
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        raise ConfigError(
            f"The settings were written by a newer zivverdesk (version {version}); "
            "update zivverdesk or remove the settings file."
        )
    doc = dict(raw)
    if version == 0:  # before versioning, values stood at the top level
        doc = {"version": 1, "values": {k: v for k, v in raw.items() if k != "version"}}
    return doc


def _read_site_config(file: Path) -> dict[str, Any]:
    if not file.exists():
        return {}
    try:
        with file.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Site configuration {file} cannot be read: {exc}") from exc


# --- logging --------------------------------------------------------------------------

_SECRET_PATTERNS = (
    re.compile(r"(?i)(password|passwd|token|secret|code|authorization)(\"?\s*[:=]\s*\"?)[^\s\",]+"),
    re.compile(r"#[A-Za-z0-9_-]{20,}"),  # link secrets travel in URL fragments
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+"),
)


class RedactSecrets(logging.Filter):
    """Masks values that look like secrets before a record reaches any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for pattern in _SECRET_PATTERNS:
            message = pattern.sub(_mask, message)
        record.msg, record.args = message, None
        return True


def _mask(match: re.Match[str]) -> str:
    if match.re.groups >= 2:
        return f"{match.group(1)}{match.group(2)}***"
    return "***"


def setup_logging(paths: ProfilePaths, *, level: int = logging.INFO) -> logging.Handler:
    """Log to a rotating file in the profile's log folder, with secrets masked."""
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        paths.log_file, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger("zivverdesk")
    root.setLevel(level)
    root.addHandler(handler)
    return handler
