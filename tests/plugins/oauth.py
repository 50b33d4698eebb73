"""Fixtures for the OAuth2 sign-in tests: a local token issuer, Dovecot that validates its
bearer tokens, Postfix with Dovecot SASL, and a stand-in for the user's browser.

The stack is its own instance (scripts/oauth/start_oauth_stack.sh), separate from the
password `mailstack`. Its mailboxes are alice, bob, carol and dave @example.test; they can
only be opened with tokens from the issuer.

Fixtures: `oauth_stack` (session), `stand_in_browser` (session; reset per test),
`oauth_keyring` (the insecure file keyring of the test's profile), `oauth_profile` (a
profile with a site.toml pointing at the issuer).
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.plugins.availability import require_programs, service_unavailable
from tests.plugins.servicelogs import register_logs, unregister_logs
from tests.plugins.services import free_port
from zivverdesk.config import ProfilePaths, profile_paths
from zivverdesk.crypto.keyring_backend import INSECURE_ENV

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts" / "oauth"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
USERS = ("alice", "bob", "carol", "dave")
DOMAIN = "example.test"


class OAuthStackError(Exception):
    pass


@dataclass
class OAuthStack:
    base: Path
    ports: dict[str, int]
    introspection_client: str
    _issuer_args: list[str] = field(default_factory=list)
    _issuer_process: subprocess.Popen[bytes] | None = None

    host = "127.0.0.1"

    @property
    def ca_file(self) -> Path:
        return self.base / "tls" / "cert.pem"

    @property
    def imap_port(self) -> int:
        return self.ports["IMAP_PORT"]

    @property
    def imaps_port(self) -> int:
        return self.ports["IMAPS_PORT"]

    @property
    def submission_port(self) -> int:
        return self.ports["SUBMIT_PORT"]

    @property
    def issuer_url(self) -> str:
        """The HTTPS base of the issuer (what an authority or endpoint is built on)."""
        return f"https://127.0.0.1:{self.ports['ISSUER_HTTPS_PORT']}"

    def authority(self, tenant: str = "organizations") -> str:
        return f"{self.issuer_url}/{tenant}"

    @property
    def control_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['ISSUER_HTTP_PORT']}"

    @property
    def log_files(self) -> dict[str, Path]:
        return {
            "issuer": self.base / "log" / "issuer.log",
            "dovecot": self.base / "log" / "dovecot.log",
            "postfix": self.base / "log" / "postfix.log",
        }

    @staticmethod
    def email(user: str) -> str:
        return f"{user}@{DOMAIN}"

    # --- issuer test controls ------------------------------------------------------------

    def control(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            self.control_url + path, data=data, headers={"Content-Type": "application/json"}
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=10) as response:
            return json.loads(response.read())

    def mint(self, user: str, **claims: Any) -> str:
        """A token signed by the issuer for `user` (options: ttl, scope, client_id, iss)."""
        token: str = self.control("/_test/mint", {"user": user, **claims})["access_token"]
        return token

    def revoke(self, access_token: str) -> None:
        self.control("/_test/revoke", {"token": access_token})

    def revoke_refresh_tokens(self, user: str) -> int:
        count: int = self.control("/_test/revoke_refresh", {"user": user})["revoked"]
        return count

    def set_access_ttl(self, seconds: int) -> None:
        self.control("/_test/settings", {"access_ttl": seconds})

    def set_outage(self, on: bool) -> None:
        self.control("/_test/outage", {"on": on})

    def approve_device(self, user_code: str, user: str) -> None:
        self.control("/_test/approve", {"user_code": user_code, "user": user})

    def requests_seen(self) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = self.control("/_test/log")
        return seen

    def token_grants_since(self, mark: int) -> list[str]:
        return [
            str(entry["form"].get("grant_type"))
            for entry in self.requests_seen()[mark:]
            if entry["path"].endswith("/oauth2/v2.0/token")
        ]

    # --- the issuer going away -------------------------------------------------------------

    def stop_issuer(self) -> None:
        pid_file = self.base / "run" / "issuer.pid"
        pid = int(pid_file.read_text())
        os.kill(pid, signal.SIGTERM)
        if self._issuer_process is not None and self._issuer_process.pid == pid:
            self._issuer_process.wait(timeout=10)  # our own child: reap it
        else:
            _wait_for(lambda: not _alive(pid), 10, "the issuer did not stop")
        pid_file.unlink(missing_ok=True)

    def start_issuer(self) -> None:
        """Start the issuer again with the same ports (its memory starts empty: all earlier
        refresh tokens are gone, as after a key rollover)."""
        with (self.base / "log" / "issuer.log").open("ab") as log:
            self._issuer_process = subprocess.Popen(
                self._issuer_args, stdout=log, stderr=log, start_new_session=True
            )
        _wait_for(self._issuer_ready, 10, "the issuer did not come back")

    def _issuer_ready(self) -> bool:
        try:
            self.control("/_test/health")
        except OSError:
            return False
        return True

    # --- lifecycle -----------------------------------------------------------------------

    @classmethod
    def start(cls, base: Path) -> OAuthStack:
        names = [
            "IMAP_PORT",
            "IMAPS_PORT",
            "LMTP_PORT",
            "SMTP_PORT",
            "SUBMIT_PORT",
            "AUTH_PORT",
            "ISSUER_HTTP_PORT",
            "ISSUER_HTTPS_PORT",
        ]
        ports = {name: free_port() for name in names}
        client = f"dovecot:introspection-{secrets.token_hex(8)}"
        stack = cls(base=base, ports=ports, introspection_client=client)
        env = {
            **os.environ,
            **{k: str(v) for k, v in ports.items()},
            "MAIL_USERS": " ".join(USERS),
            "ISSUER_PYTHON": sys.executable,
            "CLIENT_IDS": CLIENT_ID,
            "INTROSPECTION_CLIENT": client,
        }
        base.mkdir(parents=True, exist_ok=True)
        # The daemons inherit the script's stdout: a file, never a pipe.
        with (base / "start.log").open("wb") as out:
            result = subprocess.run(
                ["bash", str(SCRIPTS / "start_oauth_stack.sh"), str(base), "introspect"],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                timeout=120,
                check=False,
            )
        if result.returncode != 0:
            stack.stop()
            raise OAuthStackError((base / "start.log").read_text(errors="replace")[-3000:])
        stack._issuer_args = [
            sys.executable,
            str(SCRIPTS / "local_issuer.py"),
            *("--http-port", str(ports["ISSUER_HTTP_PORT"])),
            *("--https-port", str(ports["ISSUER_HTTPS_PORT"])),
            *("--cert", str(base / "tls" / "cert.pem"), "--key", str(base / "tls" / "key.pem")),
            *("--keys-dir", str(base / "keys"), "--client-ids", CLIENT_ID),
            *("--users", ",".join(cls.email(u) for u in USERS)),
            *("--introspection-client", client, "--pidfile", str(base / "run" / "issuer.pid")),
        ]
        return stack

    def stop(self) -> None:
        with (self.base / "stop.log").open("wb") as out:
            subprocess.run(
                ["bash", str(SCRIPTS / "stop_oauth_stack.sh"), str(self.base)],
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=60,
                check=False,
            )


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent (or a container's init) to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _wait_for(condition: Callable[[], bool], timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise OAuthStackError(message)
        time.sleep(0.02)


@pytest.fixture(scope="session")
def oauth_stack(request: pytest.FixtureRequest) -> Iterator[OAuthStack]:
    require_programs(
        "the OAuth mail stack",
        "/usr/sbin/dovecot",
        "/usr/sbin/postfix",
        "openssl",
        package="dovecot-imapd dovecot-lmtpd postfix",
    )
    if os.geteuid() != 0:
        service_unavailable("the OAuth mail stack runs Postfix and needs root")
    # Directly below the temp root: Dovecot runs as its own user and must reach its folders.
    base = Path(tempfile.mkdtemp(prefix="zivverdesk-oauthstack-"))
    try:
        stack = OAuthStack.start(base)
    except (OAuthStackError, subprocess.TimeoutExpired) as error:
        service_unavailable(f"the OAuth mail stack did not start: {error}")
    register_logs(request.config, "oauth_stack", stack.log_files)
    try:
        yield stack
    finally:
        unregister_logs(request.config, "oauth_stack")
        stack.stop()
        shutil.rmtree(base, ignore_errors=True)


# --- the user's browser ------------------------------------------------------------------


class StandInBrowser(webbrowser.BaseBrowser):
    """Does what a user's browser and a consenting user do: open the authorize URL, and
    deliver the answer to the app's loopback listener (posting the auto-submitting form of
    `response_mode=form_post`, or following the redirect). Runs in the background and
    returns at once, like `webbrowser.open` with a real browser.

    `login_as` replaces the login hint (the user picks another account); `stay_closed`
    makes it a browser that never opens (the user walks away)."""

    def __init__(self) -> None:
        super().__init__("zivverdesk-stand-in")
        self.ca_file: Path | None = None
        self.reset()

    def reset(self) -> None:
        self.opened: list[str] = []
        self.landing_pages: list[str] = []
        self.failures: list[str] = []
        self.login_as: str | None = None
        self.stay_closed = False

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        if self.stay_closed:
            return True
        if self.login_as is not None:
            parts = urllib.parse.urlsplit(url)
            query = dict(urllib.parse.parse_qsl(parts.query))
            query["login_hint"] = self.login_as
            url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        threading.Thread(target=self._visit, args=(url,), daemon=True).start()
        return True

    def _visit(self, url: str) -> None:
        import ssl

        context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
        )
        try:
            with opener.open(url, timeout=15) as response:
                page = response.read().decode("utf-8", "replace")
            form = re.search(r'<form method="POST" action="([^"]+)">', page)
            if form:  # what the page's script would do in a real browser
                fields = {
                    html.unescape(k): html.unescape(v)
                    for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
                }
                post = urllib.request.Request(
                    html.unescape(form.group(1)), data=urllib.parse.urlencode(fields).encode()
                )
                with opener.open(post, timeout=15) as response:
                    page = response.read().decode("utf-8", "replace")
            self.landing_pages.append(page)
        except (OSError, urllib.error.URLError) as error:
            self.failures.append(f"{type(error).__name__}: {error}")


_STAND_IN = StandInBrowser()


@pytest.fixture(scope="session")
def _stand_in_registered() -> StandInBrowser:
    # webbrowser has no way to unregister: register once, preferred, for the whole session.
    webbrowser.register(_STAND_IN.name, None, _STAND_IN, preferred=True)
    return _STAND_IN


@pytest.fixture
def stand_in_browser(
    _stand_in_registered: StandInBrowser, oauth_stack: OAuthStack
) -> Iterator[StandInBrowser]:
    _stand_in_registered.reset()
    _stand_in_registered.ca_file = oauth_stack.ca_file
    yield _stand_in_registered
    _stand_in_registered.reset()


# --- keyring and profile -------------------------------------------------------------------


@pytest.fixture
def oauth_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine has no OS secret store: opt in to the crypto package's insecure file
    keyring, which lives in each profile's own data folder (so tests never share keys)."""
    monkeypatch.setenv(INSECURE_ENV, "1")


@pytest.fixture
def oauth_profile(tmp_path: Path, oauth_stack: OAuthStack, oauth_keyring: None) -> ProfilePaths:
    """A fresh profile whose site.toml registers the issuer as Microsoft and as Google."""
    paths = profile_paths(tmp_path / "profile").ensure()
    paths.site_config_dir.mkdir(parents=True, exist_ok=True)
    paths.site_config_file.write_text(
        "[oauth.microsoft]\n"
        f'client_id = "{CLIENT_ID}"\n'
        f'authority = "{oauth_stack.authority()}"\n'
        "\n[oauth.google]\n"
        f'client_id = "{CLIENT_ID}"\n'
        'client_secret = "desktop-client-secret"\n'
        f'authorization_endpoint = "{oauth_stack.authority("google")}/oauth2/v2.0/authorize"\n'
        f'token_endpoint = "{oauth_stack.authority("google")}/oauth2/v2.0/token"\n',
        encoding="utf-8",
    )
    return paths
