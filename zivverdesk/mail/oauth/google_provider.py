"""Google sign-in: authorization code with PKCE on a loopback redirect, then refresh tokens.

Google's installed-app flow (RFC 8252) needs no Google library: the browser shows Google's
consent page, the answer comes back to `LoopbackReceiver`, and `httpx` exchanges the code.
`access_type=offline` and `prompt=consent` make Google hand out a refresh token.

The saved state per account (refresh token, current access token, its expiry) sits in an
encrypted file (`token_cache`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
import threading
import time
import urllib.parse
import webbrowser
from pathlib import Path
from typing import Any

import httpx

from zivverdesk.core.secret import Secret
from zivverdesk.mail.oauth.errors import (
    SignInFailed,
    error_from_token_response,
    provider_unreachable,
    reauth_required,
)
from zivverdesk.mail.oauth.loopback import LoopbackReceiver
from zivverdesk.mail.oauth.providers import GoogleSettings
from zivverdesk.mail.oauth.token_cache import SecureFile, TokenCacheError

PROVIDER_NAME = "Google"
# Refresh a little before the token really expires, as MSAL does: a connection that starts
# with a token about to expire may fail half-way.
_EXPIRY_MARGIN = 300


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _id_token_email(id_token: str) -> str:
    """The e-mail claim of an ID token that came straight from the token endpoint over TLS
    (OpenID Connect §3.1.3.7 lets a client skip the signature check in that case)."""
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return ""
    return str(claims.get("email", "")) if isinstance(claims, dict) else ""


class GoogleTokenProvider:
    """Tokens for one Google account (`sign_in_user`)."""

    def __init__(
        self,
        settings: GoogleSettings,
        *,
        cache_file: SecureFile,
        sign_in_user: str,
        ca_file: Path | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.settings = settings
        self.sign_in_user = sign_in_user
        self._file = cache_file
        # An explicit CA (a test issuer, a TLS-inspecting office proxy) or the default roots.
        self._verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=str(ca_file)) if ca_file is not None else True
        )
        self._timeout = timeout
        self._lock = threading.Lock()

    # --- the TokenProvider protocol ----------------------------------------------------

    def access_token(self, *, force_refresh: bool = False) -> Secret[str]:
        with self._lock:
            state = self._load()
            refresh_token = state.get("refresh_token")
            if not refresh_token:
                raise reauth_required(self.sign_in_user)
            fresh = float(state.get("expires_at", 0)) - time.time() > _EXPIRY_MARGIN
            if state.get("access_token") and fresh and not force_refresh:
                return Secret(str(state["access_token"]))
            answer = self._token_request(
                {"grant_type": "refresh_token", "refresh_token": str(refresh_token)}
            )
            self._save(answer, previous=state)
            return Secret(str(answer["access_token"]))

    # --- interactive sign-in -----------------------------------------------------------

    def sign_in_interactive(self, *, timeout: float | None = 300) -> str:
        verifier = _b64url(secrets.token_bytes(48))
        challenge = _b64url(hashlib.sha256(verifier.encode()).digest())
        state = secrets.token_urlsafe(24)
        with LoopbackReceiver() as receiver:
            query = {
                "client_id": self.settings.client_id,
                "redirect_uri": receiver.redirect_uri,
                "response_type": "code",
                "scope": " ".join(self.settings.scopes),
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "state": state,
                "login_hint": self.sign_in_user,
                "access_type": "offline",
                "prompt": "consent",
            }
            url = f"{self.settings.authorization_endpoint}?{urllib.parse.urlencode(query)}"
            if not webbrowser.open(url):
                raise SignInFailed(
                    "Er kon geen browser geopend worden voor de Google-aanmelding. / No browser "
                    "could be opened for the Google sign-in."
                )
            params = receiver.wait(timeout)
            redirect_uri = receiver.redirect_uri
        if params is None:
            raise SignInFailed(
                "De aanmelding bij Google is niet op tijd afgerond. / The Google sign-in was "
                "not completed in time."
            )
        if not secrets.compare_digest(params.get("state", ""), state):
            raise SignInFailed(
                "Het antwoord van de browser hoort niet bij deze aanmelding. / The browser's "
                "answer does not belong to this sign-in."
            )
        if "error" in params:
            raise error_from_token_response(
                params, email=self.sign_in_user, provider_name=PROVIDER_NAME, signing_in=True
            )
        answer = self._token_request(
            {
                "grant_type": "authorization_code",
                "code": params.get("code", ""),
                "code_verifier": verifier,
                "redirect_uri": redirect_uri,
            },
            signing_in=True,
        )
        signed_in = _id_token_email(str(answer.get("id_token", ""))) or self.sign_in_user
        if signed_in.lower() != self.sign_in_user.lower():
            raise SignInFailed(
                f"U bent bij Google aangemeld als {signed_in}, maar dit account hoort bij "
                f"{self.sign_in_user}. / You signed in to Google as {signed_in}, but this "
                f"account belongs to {self.sign_in_user}."
            )
        if not answer.get("refresh_token"):
            raise SignInFailed(
                "Google gaf geen vernieuwingstoken; meld u opnieuw aan en geef toestemming. / "
                "Google returned no refresh token; sign in again and grant access."
            )
        with self._lock:
            self._save(answer, previous={})
        return signed_in

    def sign_out(self) -> None:
        with self._lock:
            self._file.delete()

    # --- internals ---------------------------------------------------------------------

    def _token_request(self, form: dict[str, str], *, signing_in: bool = False) -> dict[str, Any]:
        form = {"client_id": self.settings.client_id, **form}
        if self.settings.client_secret:
            form["client_secret"] = self.settings.client_secret
        try:
            with httpx.Client(verify=self._verify, timeout=self._timeout) as client:
                response = client.post(self.settings.token_endpoint, data=form)
        except httpx.HTTPError as error:
            raise provider_unreachable(PROVIDER_NAME, type(error).__name__) from error
        if response.status_code >= 500:
            raise provider_unreachable(PROVIDER_NAME, f"HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise provider_unreachable(PROVIDER_NAME, f"HTTP {response.status_code}, no JSON")
        if response.status_code != 200 or not answer.get("access_token"):
            raise error_from_token_response(
                answer,
                email=self.sign_in_user,
                provider_name=PROVIDER_NAME,
                signing_in=signing_in,
            )
        return answer

    def _load(self) -> dict[str, Any]:
        data = self._file.read()
        if data is None:
            return {}
        try:
            state = json.loads(data)
        except ValueError as error:
            raise TokenCacheError(
                "De opgeslagen Google-aanmelding is beschadigd; meld u opnieuw aan. / The "
                "stored Google sign-in is damaged; please sign in again."
            ) from error
        return state if isinstance(state, dict) else {}

    def _save(self, answer: dict[str, Any], *, previous: dict[str, Any]) -> None:
        state = {
            "version": 1,
            "account": self.sign_in_user,
            "access_token": answer["access_token"],
            "expires_at": time.time() + float(answer.get("expires_in", 3600)),
            # Google keeps the refresh token on refresh; other servers rotate it.
            "refresh_token": answer.get("refresh_token") or previous.get("refresh_token"),
        }
        self._file.write(json.dumps(state).encode("utf-8"))
