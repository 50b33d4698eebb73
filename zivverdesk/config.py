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

from zivverdesk.core.errors import ZivverdeskError

APP_NAME = "zivverdesk"
APP_AUTHOR = "zivverdesk"
HOME_ENV = "ZIVVERDESK_HOME"
SETTINGS_VERSION = 1


class ConfigError(ZivverdeskError):
    """A setting or a settings file is unusable; the message says which and why."""

    code = "config"


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

    @property
    def lock_dir(self) -> Path:
        """Lock files that keep processes on this profile apart (an outbox job runs in one
        of them at a time; the desktop app runs once). Beside the store they guard."""
        return self.data_dir / "locks"

    def ensure(self) -> ProfilePaths:
        for folder in (
            self.data_dir,
            self.config_dir,
            self.log_dir,
            self.cache_dir,
            self.lock_dir,
        ):
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


def _is_valid(setting: Setting, value: Any) -> bool:
    # bool is a subclass of int: `True` must not pass as a number of days.
    if isinstance(value, bool) and setting.kind is not bool:
        return False
    return isinstance(value, setting.kind) and (setting.check is None or setting.check(value))


def _setting(key: str) -> Setting:
    setting = _BY_KEY.get(key)
    if setting is None:
        raise ConfigError(f"Unknown setting {key!r}.")
    return setting


class Settings:
    """The user's settings over the site (administrator) settings.

    Site settings pre-fill defaults; a site key listed under `locked` cannot be changed by
    the user. Unknown keys in files are kept untouched so an older release does not erase
    what a newer one wrote.
    """

    def __init__(self, paths: ProfilePaths) -> None:
        self._paths = paths
        self._site = _read_site_config(paths.site_config_file)
        self._site_values = _site_values(self._site, paths.site_config_file)
        self._values: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        self._load()

    @property
    def locked(self) -> frozenset[str]:
        locked = self._site.get("locked", [])
        return frozenset(str(k) for k in locked) if isinstance(locked, list) else frozenset()

    def get(self, key: str) -> Any:
        setting = _setting(key)
        # A locked setting ignores what the user stored before the administrator locked it.
        if key in self._values and key not in self.locked:
            return self._values[key]
        return self._site_values.get(key, setting.default)

    def set(self, key: str, value: Any) -> None:
        setting = _setting(key)
        if key in self.locked:
            raise ConfigError(f"The setting {setting.title!r} is fixed by your administrator.")
        if not _is_valid(setting, value):
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
        values = raw.get("values", {})
        if not isinstance(values, dict):
            raise ConfigError(f"Settings file {file} has no valid 'values' object.")
        for key, value in values.items():
            setting = _BY_KEY.get(key)
            if setting is None:
                self._extra[key] = value
            elif _is_valid(setting, value):
                # An invalid stored value falls back to the default instead of failing start-up.
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
    if isinstance(version, bool) or not isinstance(version, int) or version > SETTINGS_VERSION:
        raise ConfigError(
            f"The settings were written by a newer zivverdesk (version {version}); "
            "update zivverdesk or remove the settings file."
        )
    doc = dict(raw)
    if version == 0:  # before versioning, values stood at the top level
        doc = {"version": 1, "values": {k: v for k, v in raw.items() if k != "version"}}
    return doc


def _site_values(site: Mapping[str, Any], file: Path) -> dict[str, Any]:
    """The administrator's values, checked like user values: a wrong one is an error."""
    values = site.get("settings", {})
    if not isinstance(values, dict):
        raise ConfigError(f"Site configuration {file}: [settings] must be a table.")
    for key, value in values.items():
        setting = _BY_KEY.get(key)
        if setting is None:
            raise ConfigError(f"Site configuration {file}: unknown setting {key!r}.")
        if not _is_valid(setting, value):
            raise ConfigError(
                f"Site configuration {file}: {value!r} is not a valid value for {setting.title!r}."
            )
    return dict(values)


def _read_site_config(file: Path) -> dict[str, Any]:
    if not file.exists():
        return {}
    try:
        with file.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Site configuration {file} cannot be read: {exc}") from exc


# --- logging --------------------------------------------------------------------------

# Order matters: "Authorization: Bearer X" must lose X, not just the word "Bearer".
_SECRET_PATTERNS = (
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(password|passwd|token|secret|code|authorization)(\"?\s*[:=]\s*\"?)[^\s\",]+"),
    re.compile(r"#[A-Za-z0-9_-]{20,}"),  # link secrets travel in URL fragments
)


class RedactSecrets(logging.Filter):
    """Masks values that look like secrets before a record reaches any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        # Exception messages and stack traces may carry secrets too: render them here, masked,
        # so that the formatter uses the masked text instead of formatting them again.
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def redact(text: str) -> str:
    """`text` with everything that looks like a password, token or link secret masked."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(_mask, text)
    return text


def _mask(match: re.Match[str]) -> str:
    if match.re.groups >= 2:
        return f"{match.group(1)}{match.group(2)}***"
    return "***"


def setup_logging(paths: ProfilePaths, *, level: int = logging.INFO) -> logging.Handler:
    """Log to a rotating file in the profile's log folder, with secrets masked.

    Calling it again (another profile, a test) replaces the handler it added before.
    """
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("zivverdesk")
    for old in [h for h in root.handlers if isinstance(h, _ProfileLogHandler)]:
        root.removeHandler(old)
        old.close()
    handler = _ProfileLogHandler(
        paths.log_file, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root.setLevel(level)
    root.addHandler(handler)
    return handler


class _ProfileLogHandler(logging.handlers.RotatingFileHandler):
    """The profile's log file handler; its own class so `setup_logging` can find it again."""
