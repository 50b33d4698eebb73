"""Microsoft 365 sign-in through MSAL for Python (a public-client application).

The interactive sign-in opens the system browser and receives the answer on a loopback
redirect (`http://localhost:<free port>`); the device-code flow is only used when asked for
explicitly. Before every mail connection `access_token()` asks MSAL silently: a cached token
that is valid for more than five minutes is reused, otherwise the refresh token gets a new
one. On Windows the WAM broker is used when `msal[broker]` (pymsalruntime) is installed.

This is the only module that talks to MSAL; the mail code sees a `TokenProvider`.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msal
import requests

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.secret import Secret
from zivverdesk.mail.oauth.errors import (
    SignInFailed,
    error_from_token_response,
    provider_unreachable,
    reauth_required,
)
from zivverdesk.mail.oauth.providers import MicrosoftSettings
from zivverdesk.mail.oauth.token_cache import SecureFile, TokenCacheError

PROVIDER_NAME = "Microsoft 365"


class PersistentMsalCache(msal.SerializableTokenCache):  # type: ignore[misc]
    """MSAL's token cache, loaded from and saved to an encrypted file.

    Another zivverdesk process (the CLI beside the desktop app) may have refreshed the tokens:
    the file is re-read when it changed since we last saw it."""

    def __init__(self, file: SecureFile) -> None:
        super().__init__()
        self._file = file
        self._seen: tuple[int, int] | None = None
        self.reload()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self._file.path.stat()
        except FileNotFoundError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def reload(self) -> None:
        stamp = self._stamp()
        if stamp is not None and stamp == self._seen:
            return
        data = self._file.read()
        if data is not None:
            try:
                self.deserialize(data.decode("utf-8"))
            except ValueError as error:
                raise TokenCacheError(
                    "De opgeslagen Microsoft-aanmelding is beschadigd; meld u opnieuw aan. / "
                    "The stored Microsoft sign-in is damaged; please sign in again."
                ) from error
        self._seen = stamp

    def persist(self) -> None:
        if self.has_state_changed:
            self._file.write(self.serialize().encode("utf-8"))
            self.has_state_changed: bool = False
            self._seen = self._stamp()


def broker_available() -> bool:
    """WAM (Windows' own account broker) needs Windows and the pymsalruntime package."""
    return sys.platform == "win32" and importlib.util.find_spec("pymsalruntime") is not None


class MicrosoftTokenProvider:
    """Tokens for one signed-in Microsoft work account (`sign_in_user`)."""

    def __init__(
        self,
        settings: MicrosoftSettings,
        *,
        cache_file: SecureFile,
        sign_in_user: str,
        ca_file: Path | None = None,
        timeout: float = 30.0,
        use_broker: bool | None = None,
    ) -> None:
        self.settings = settings
        self.sign_in_user = sign_in_user
        self._cache = PersistentMsalCache(cache_file)
        self._ca_file = ca_file
        self._timeout = timeout
        self._use_broker = broker_available() if use_broker is None else use_broker
        self._app: msal.PublicClientApplication | None = None
        # MSAL's cache is shared state: one token request at a time per account.
        self._lock = threading.Lock()

    # --- the TokenProvider protocol ----------------------------------------------------

    def access_token(self, *, force_refresh: bool = False) -> Secret[str]:
        with self._lock:
            self._cache.reload()
            app = self._application()
            accounts = app.get_accounts(username=self.sign_in_user)
            if not accounts:
                raise reauth_required(self.sign_in_user)
            result = self._call(
                lambda: app.acquire_token_silent_with_error(
                    list(self.settings.scopes), account=accounts[0], force_refresh=force_refresh
                )
            )
            if result is None:  # MSAL found neither a token nor a refresh token
                raise reauth_required(self.sign_in_user)
            return Secret(self._accept(result))

    # --- interactive sign-in -----------------------------------------------------------

    def sign_in_interactive(
        self, *, timeout: float | None = 300, parent_window_handle: int | None = None
    ) -> str:
        """Open the browser (or the WAM broker) and wait for the user; returns the account
        name the user signed in with."""
        with self._lock:
            app = self._application()
            kwargs: dict[str, Any] = {}
            if self._use_broker:
                kwargs["parent_window_handle"] = (
                    parent_window_handle or msal.PublicClientApplication.CONSOLE_WINDOW_HANDLE
                )
            result = self._call(
                lambda: app.acquire_token_interactive(
                    list(self.settings.scopes),
                    login_hint=self.sign_in_user,
                    prompt=msal.Prompt.SELECT_ACCOUNT,
                    timeout=timeout,
                    **kwargs,
                )
            )
            return self._finish_sign_in(result)

    def sign_in_device_code(self, show: Callable[[str], None]) -> str:
        """The fallback for machines without a usable browser: `show` gets the text that
        tells the user which page to open and which code to type there."""
        with self._lock:
            app = self._application()
            flow = self._call(lambda: app.initiate_device_flow(list(self.settings.scopes)))
            if "user_code" not in flow:
                raise error_from_token_response(
                    flow, email=self.sign_in_user, provider_name=PROVIDER_NAME, signing_in=True
                )
            show(str(flow["message"]))
            result = self._call(lambda: app.acquire_token_by_device_flow(flow))
            return self._finish_sign_in(result)

    def sign_out(self) -> None:
        """Forget this account's tokens (the cache file stays for other entries)."""
        with self._lock:
            self._cache.reload()
            app = self._application()
            for account in app.get_accounts(username=self.sign_in_user):
                app.remove_account(account)
            self._cache.persist()

    # --- internals ---------------------------------------------------------------------

    def _finish_sign_in(self, result: dict[str, Any]) -> str:
        if "access_token" not in result:
            raise error_from_token_response(
                result, email=self.sign_in_user, provider_name=PROVIDER_NAME, signing_in=True
            )
        claims = result.get("id_token_claims") or {}
        signed_in = str(claims.get("preferred_username") or claims.get("email") or "")
        if signed_in.lower() != self.sign_in_user.lower():
            app = self._application()
            for account in app.get_accounts(username=signed_in):
                app.remove_account(account)
            self._cache.persist()
            raise SignInFailed(
                f"U bent aangemeld als {signed_in or 'een onbekend account'}, maar dit account "
                f"hoort bij {self.sign_in_user}. Meld u aan met {self.sign_in_user}. / You signed "
                f"in as {signed_in or 'an unknown account'}, but this account belongs to "
                f"{self.sign_in_user}."
            )
        self._cache.persist()
        return signed_in

    def _accept(self, result: dict[str, Any]) -> str:
        token = result.get("access_token")
        if not token:
            raise error_from_token_response(
                result, email=self.sign_in_user, provider_name=PROVIDER_NAME
            )
        self._cache.persist()  # a refresh rotates the refresh token: keep the new one
        return str(token)

    def _application(self) -> msal.PublicClientApplication:
        # Built on first use, not in __init__: MSAL reads the authority's discovery document
        # right away, and an unreachable provider must not break opening an account.
        if self._app is None:
            session = requests.Session()
            if self._ca_file is not None:
                # An explicit CA (a test issuer, or an office's TLS-inspecting proxy): the
                # REQUESTS_CA_BUNDLE environment variable would override Session.verify.
                session.verify = str(self._ca_file)
                session.trust_env = False
            extra: dict[str, Any] = {}
            if self._use_broker:
                extra["enable_broker_on_windows"] = True
            self._app = self._call(
                lambda: msal.PublicClientApplication(
                    self.settings.client_id,
                    authority=self.settings.authority,
                    instance_discovery=not self._is_custom_authority(),
                    http_client=session,
                    token_cache=self._cache,
                    timeout=self._timeout,
                    **extra,
                )
            )
        return self._app

    def _is_custom_authority(self) -> bool:
        # Instance discovery asks login.microsoftonline.com about the authority's host; an
        # authority of our own (a national cloud set by the administrator, or the test
        # issuer) must skip it.
        return not self.settings.authority.startswith("https://login.microsoftonline.com/")

    def _call[T](self, action: Callable[[], T]) -> T:
        try:
            return action()
        except requests.RequestException as error:
            raise provider_unreachable(PROVIDER_NAME, type(error).__name__) from error
        except ValueError as error:
            # MSAL raises ValueError when the authority's discovery document is unusable.
            raise ZivverdeskError(
                f"De Microsoft-aanmeldserver {self.settings.authority} antwoordt niet zoals "
                f"verwacht; controleer de tenant. / The Microsoft sign-in server "
                f"{self.settings.authority} does not answer as expected; check the tenant. "
                f"({error})"
            ) from error
