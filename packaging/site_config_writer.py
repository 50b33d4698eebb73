"""`zivverdesk-site-config`: writes the installer's public properties into the site
configuration (`site.toml`), which pre-fills and can lock every user's settings.

The MSI runs it once per install or repair, as SYSTEM, after the files are in place:

    zivverdesk-site-config --file "C:\\ProgramData\\zivverdesk\\zivverdesk\\site.toml"
        --relay-url "[RELAYURL]" --imap-host "[IMAPHOST]" --smtp-host "[SMTPHOST]"
        --oauth-client-id "[OAUTHCLIENTID]" --oauth-tenant "[OAUTHTENANT]" --lock "[LOCKED]"

Without values it only checks the file. Empty values leave the file as it is, so a repair
without properties keeps what an administrator wrote, and keys the installer does not know
are kept untouched (comments are not: the file is written anew). The result is
checked with the application's own rules before it replaces the old file: a wrong relay
address fails the installation with a readable message instead of breaking every start-up.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from zivverdesk.config import SETTINGS, ConfigError, ProfilePaths, Settings, profile_paths

KNOWN_SETTINGS = frozenset(s.key for s in SETTINGS)


class SiteConfigError(Exception):
    """The site configuration cannot be written as asked; the message says why."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="zivverdesk-site-config",
        description="Write installer properties into zivverdesk's site configuration.",
    )
    parser.add_argument("--file", type=Path, help="site.toml to update (default: this machine's)")
    parser.add_argument("--relay-url", default="", help="[settings] relay_url")
    parser.add_argument("--imap-host", default="", help="[mail] imap_host")
    parser.add_argument("--smtp-host", default="", help="[mail] smtp_host")
    parser.add_argument("--oauth-client-id", default="", help="[oauth.microsoft] client_id")
    parser.add_argument("--oauth-tenant", default="", help="[oauth.microsoft] tenant")
    parser.add_argument(
        "--lock",
        default="",
        help="settings users may not change, comma-separated (replaces the `locked` list)",
    )
    return parser.parse_args(argv)


def updated(doc: Mapping[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """`doc` with the non-empty values of `args` set in their places."""
    new: dict[str, Any] = json.loads(json.dumps(doc))  # a deep copy of plain TOML data
    places: list[tuple[tuple[str, ...], str]] = [
        (("settings", "relay_url"), args.relay_url.strip()),
        (("mail", "imap_host"), args.imap_host.strip()),
        (("mail", "smtp_host"), args.smtp_host.strip()),
        (("oauth", "microsoft", "client_id"), args.oauth_client_id.strip()),
        (("oauth", "microsoft", "tenant"), args.oauth_tenant.strip()),
    ]
    for path, value in places:
        if not value:
            continue
        table = new
        for name in path[:-1]:
            child = table.setdefault(name, {})
            if not isinstance(child, dict):
                raise SiteConfigError(f"'{name}' in the site configuration is not a table.")
            table = child
        table[path[-1]] = value
    locks = [k.strip() for k in args.lock.split(",") if k.strip()]
    unknown = sorted(set(locks) - KNOWN_SETTINGS)
    if unknown:
        raise SiteConfigError(
            f"Cannot lock unknown setting {unknown[0]!r}; "
            f"known: {', '.join(sorted(KNOWN_SETTINGS))}."
        )
    if locks:
        new["locked"] = sorted(set(locks))
    return new


# --- TOML out (tomllib only reads) ---------------------------------------------------------


def to_toml(doc: Mapping[str, Any]) -> str:
    """TOML text for what a site configuration holds: scalars, lists of scalars, tables."""
    lines: list[str] = []
    _table(doc, (), lines)
    text = "\n".join(lines).strip() + "\n"
    if tomllib.loads(text) != doc:  # a value this small writer cannot express
        raise SiteConfigError("The site configuration cannot be written back unchanged.")
    return text


def _table(table: Mapping[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
    tables = {k: v for k, v in table.items() if isinstance(v, Mapping)}
    if path and (scalars or not tables):
        lines += ["", f"[{'.'.join(_key(p) for p in path)}]"]
    lines += [f"{_key(k)} = {_value(v)}" for k, v in scalars.items()]
    for name, sub in tables.items():
        _table(sub, (*path, name), lines)


def _key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        # A JSON string with these escapes is also a TOML basic string.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise SiteConfigError(f"Unsupported value in the site configuration: {value!r}")


# --- checking and writing ------------------------------------------------------------------


def check(text: str, file: Path) -> None:
    """Load `text` (meant for `file`) as the application would; raise if it would refuse it."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        trial = root / "site.toml"
        trial.write_text(text, encoding="utf-8")
        paths = ProfilePaths(
            data_dir=root / "data",
            config_dir=root / "config",
            log_dir=root / "logs",
            cache_dir=root / "cache",
            site_config_dir=root,
        )
        try:
            Settings(paths)
        except ConfigError as exc:
            raise SiteConfigError(str(exc).replace(str(trial), str(file))) from exc


def write(file: Path, args: argparse.Namespace) -> bool:
    """Update `file`; False when there was nothing to write."""
    doc: dict[str, Any] = {}
    if file.exists():
        try:
            doc = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SiteConfigError(f"{file} cannot be read: {exc}") from exc
    new = updated(doc, args)
    if new == doc:
        check(file.read_text(encoding="utf-8") if file.exists() else "", file)
        return False
    text = to_toml(new)
    check(text, file)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(file)
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    file = args.file or profile_paths().site_config_file
    try:
        changed = write(file, args)
    except (SiteConfigError, OSError) as exc:
        # The installer log keeps this line; a failing exit code rolls the installation back.
        print(f"zivverdesk-site-config: {exc}", file=sys.stderr)
        return 1
    print(f"{file}: {'updated' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
