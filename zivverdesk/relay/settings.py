"""The relay's settings: defaults, a TOML file, `ZIVVERDESK_RELAY_*` environment variables and
command-line options, in that order of precedence (later wins), validated before the server
starts so that a typo ends with one clear line instead of a half-working relay.

Environment names are `ZIVVERDESK_RELAY_<KEY>` for top-level keys (`..._PUBLIC_URL`) and
`ZIVVERDESK_RELAY_<SECTION>_<KEY>` inside sections (`..._SMTP_HOST`, `..._LIMITS_MAX_ATTEMPTS`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.secret import Secret

ENV_PREFIX = "ZIVVERDESK_RELAY_"
MIB = 1024 * 1024


class SettingsError(ZivverdeskError):
    """A relay setting is missing, malformed or out of range."""

    code = "bad_settings"


@dataclass(frozen=True, kw_only=True)
class LimitSettings:
    max_message_size: int = 4 * 1024 * MIB  # bytes of ciphertext over all blobs of a message
    max_attempts: int = 5  # wrong codes before a lockout
    lockout_steps: tuple[int, ...] = (15 * 60, 60 * 60, 24 * 60 * 60)  # seconds, growing
    code_ttl: int = 10 * 60  # seconds an SMS/e-mail code stays valid
    resend_after: int = 60  # seconds before another code may be requested
    session_ttl: int = 30 * 60  # seconds a recipient session lives
    enrollment_ttl: int = 7 * 24 * 60 * 60  # seconds an enrollment code stays valid
    ip_requests_per_minute: int = 600  # recipient/starter requests per client IP
    ip_failures_per_hour: int = 50  # wrong codes per client IP over all links


@dataclass(frozen=True, kw_only=True)
class RetentionSettings:
    default_days: int = 90
    max_days: int = 3650
    purge_interval: int = 3600  # seconds between purge runs inside the server
    incomplete_upload_hours: int = 24  # uncommitted messages older than this are removed


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    host: str = ""  # empty: no outbound mail; mails stay queued
    port: int = 25
    tls: str = "starttls"  # none | starttls | tls
    username: str = ""
    password: Secret[str] = field(default_factory=lambda: Secret(""))
    from_address: str = ""
    ca_file: str = ""  # extra CA bundle for the smarthost's certificate
    timeout: int = 30
    poll_interval: float = 1.0  # seconds between queue scans in the server
    max_attempts: int = 12  # then the mail is given up and the sender told in the feed
    retry_base: float = 30.0  # seconds before the first retry; doubles per attempt
    retry_max: float = 3600.0  # longest wait between attempts


@dataclass(frozen=True, kw_only=True)
class SmsSettings:
    gateway: str = "none"  # none | file | messagebird
    file: str = ""  # for the file gateway
    url: str = "https://rest.messagebird.com/messages"
    access_key: Secret[str] = field(default_factory=lambda: Secret(""))
    originator: str = "Zivverdesk"
    timeout: int = 15


@dataclass(frozen=True, kw_only=True)
class OfficeSettings:
    name: str = "Zivverdesk"
    contact_email: str = ""
    contact_phone: str = ""
    starter_slug: str = ""  # empty: no conversation-starter page
    share_by_default: bool = True
    remember_device: bool = False  # recipients may let a browser remember them
    remember_device_days: int = 30  # how long such a remembered browser keeps working


@dataclass(frozen=True, kw_only=True)
class RelaySettings:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""  # empty: http://host:port
    database: str = ""  # empty: SQLite in data_dir
    web_root: str = ""  # empty: the resources/web folder next to the package
    log_level: str = "info"
    limits: LimitSettings = field(default_factory=LimitSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    sms: SmsSettings = field(default_factory=SmsSettings)
    office: OfficeSettings = field(default_factory=OfficeSettings)

    @property
    def effective_public_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def database_url(self) -> str:
        return self.database or f"sqlite:///{self.data_dir / 'relay.sqlite3'}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def web_dir(self) -> Path:
        if self.web_root:
            return Path(self.web_root)
        return Path(__file__).resolve().parents[2] / "resources" / "web"


_SECTIONS: dict[str, type] = {
    "limits": LimitSettings,
    "retention": RetentionSettings,
    "smtp": SmtpSettings,
    "sms": SmsSettings,
    "office": OfficeSettings,
}
_TOP_KEYS = ("host", "port", "public_url", "database", "web_root", "log_level")


def load_settings(
    *,
    data_dir: Path | str,
    config_file: Path | str | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> RelaySettings:
    """Settings from file, environment and explicit overrides (`None` values are ignored)."""
    raw: dict[str, Any] = {}
    if config_file is not None:
        raw = _read_toml(Path(config_file))
    _merge(raw, _from_env(os.environ if environ is None else environ))
    for key, value in (overrides or {}).items():
        if value is not None:
            _merge(raw, _nest(key, value))
    return build_settings(Path(data_dir), raw)


def build_settings(data_dir: Path, raw: Mapping[str, Any]) -> RelaySettings:
    """Typed, validated settings from a nested mapping (the shape of the TOML file)."""
    known = set(_TOP_KEYS) | set(_SECTIONS)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(f"Unknown relay setting {unknown[0]!r}.")
    top = {k: _coerce(k, RelaySettings, k, raw[k]) for k in _TOP_KEYS if k in raw}
    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        values = raw.get(name, {})
        if not isinstance(values, Mapping):
            raise SettingsError(f"Setting [{name}] must be a table of settings.")
        names = {f.name for f in fields(cls)}
        bad = sorted(set(values) - names)
        if bad:
            raise SettingsError(f"Unknown relay setting '{name}.{bad[0]}'.")
        sections[name] = cls(**{k: _coerce(f"{name}.{k}", cls, k, v) for k, v in values.items()})
    settings = RelaySettings(data_dir=data_dir, **top, **sections)
    validate(settings)
    return settings


def validate(s: RelaySettings) -> None:
    """Raise `SettingsError` naming the first setting that cannot work."""
    if not 0 < s.port < 65536:
        raise SettingsError(f"port must be between 1 and 65535, not {s.port}.")
    if s.public_url:
        parts = urlsplit(s.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(f"public_url must be an http(s) address, not {s.public_url!r}.")
    if s.database and not re.match(r"^(sqlite|postgresql)(\+\w+)?://", s.database):
        raise SettingsError("database must be a sqlite:// or postgresql:// address.")
    if s.log_level not in ("critical", "error", "warning", "info", "debug"):
        raise SettingsError(f"log_level {s.log_level!r} is not a log level.")
    lim = s.limits
    if lim.max_message_size < 1024:
        raise SettingsError("limits.max_message_size must be at least 1024 bytes.")
    if not 1 <= lim.max_attempts <= 100:
        raise SettingsError("limits.max_attempts must be between 1 and 100.")
    if not lim.lockout_steps or any(step <= 0 for step in lim.lockout_steps):
        raise SettingsError("limits.lockout_steps must be a list of positive seconds.")
    for name in ("code_ttl", "session_ttl", "enrollment_ttl", "ip_requests_per_minute"):
        if getattr(lim, name) <= 0:
            raise SettingsError(f"limits.{name} must be positive.")
    ret = s.retention
    if not 1 <= ret.default_days <= ret.max_days:
        raise SettingsError("retention.default_days must be between 1 and retention.max_days.")
    if ret.purge_interval <= 0:
        raise SettingsError("retention.purge_interval must be positive.")
    if s.smtp.tls not in ("none", "starttls", "tls"):
        raise SettingsError(f"smtp.tls must be none, starttls or tls, not {s.smtp.tls!r}.")
    if s.smtp.host and "@" not in s.smtp.from_address:
        raise SettingsError("smtp.from_address must be an e-mail address when smtp.host is set.")
    if s.smtp.ca_file and not Path(s.smtp.ca_file).is_file():
        raise SettingsError(f"smtp.ca_file {s.smtp.ca_file} does not exist.")
    if s.sms.gateway not in ("none", "file", "messagebird"):
        raise SettingsError(
            f"sms.gateway must be none, file or messagebird, not {s.sms.gateway!r}."
        )
    if s.sms.gateway == "file" and not s.sms.file:
        raise SettingsError("sms.file must name a file when sms.gateway is 'file'.")
    if s.sms.gateway == "messagebird" and not s.sms.access_key.reveal():
        raise SettingsError("sms.access_key is needed when sms.gateway is 'messagebird'.")
    if not 1 <= s.office.remember_device_days <= 365:
        raise SettingsError("office.remember_device_days must be between 1 and 365.")
    if s.office.starter_slug and not re.match(r"^[a-z0-9][a-z0-9-]{0,62}$", s.office.starter_slug):
        raise SettingsError("office.starter_slug may hold only a-z, 0-9 and '-'.")


def with_overrides(settings: RelaySettings, **values: Any) -> RelaySettings:
    return replace(settings, **values)


# --- reading ----------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"Settings file {path} does not exist.") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"Settings file {path} cannot be read: {exc}") from exc


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX) :].lower()
        section = next((s for s in _SECTIONS if key.startswith(s + "_")), None)
        if section is not None:
            out.setdefault(section, {})[key[len(section) + 1 :]] = value
        else:
            out[key] = value
    return out


def _nest(key: str, value: Any) -> dict[str, Any]:
    if "." in key:
        section, sub = key.split(".", 1)
        return {section: {sub: value}}
    return {key: value}


def _merge(target: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = dict(value) if isinstance(value, Mapping) else value


def _coerce(label: str, cls: type, name: str, value: Any) -> Any:
    """Turn a TOML or environment value into the declared type of `cls.name`."""
    default = next(f for f in fields(cls) if f.name == name)
    sample = default.default_factory() if callable(default.default_factory) else default.default
    try:
        if isinstance(sample, Secret):
            return Secret(str(value))
        if isinstance(sample, bool):
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("1", "true", "yes", "on"):
                return True
            if str(value).lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if isinstance(sample, int):
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if isinstance(sample, float):
            return float(value)
        if isinstance(sample, tuple):
            items = value if isinstance(value, list) else str(value).split(",")
            return tuple(int(v) for v in items)
        if isinstance(value, (dict, list)):
            raise ValueError(value)
        return str(value)
    except (TypeError, ValueError):
        kind = type(sample).__name__ if not isinstance(sample, tuple) else "list of int"
        raise SettingsError(f"Setting {label} must be a {kind}, not {value!r}.") from None
