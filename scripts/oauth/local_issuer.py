#!/usr/bin/env python3
"""A throw-away OAuth2 issuer on loopback for the sign-in tests (standard library only).

It is shaped like Microsoft Entra ID's v2 endpoints, so that MSAL's real code can be pointed
at it (HTTPS authority, instance discovery off), and it offers what Dovecot's `oauth2` passdb
needs to check bearer tokens (RFC 7662 introspection, a tokeninfo URL, HS256 keys on disk).
The Google provider is tested against the same authorize and token endpoints.

  GET  /{tenant}/v2.0/.well-known/openid-configuration  discovery document (MSAL reads it)
  GET  /{tenant}/oauth2/v2.0/authorize                   consents at once; answers with an
                                                         auto-submitting form (form_post, as
                                                         MSAL asks) or a 302 to the redirect
  POST /{tenant}/oauth2/v2.0/token                       authorization_code (PKCE S256 only),
                                                         refresh_token (rotated), device_code
  POST /{tenant}/oauth2/v2.0/devicecode                  RFC 8628 device authorization
  POST /introspect                                       RFC 7662, HTTP Basic client auth
  GET  /tokeninfo?access_token=...                       200 with claims, or 401

Test controls (JSON in and out, plain HTTP port only):
  POST /_test/mint            {"user", "ttl", "scope", "client_id", "iss"} -> {"access_token"}
  POST /_test/revoke          {"token"}           the access token stops validating
  POST /_test/revoke_refresh  {"user"}            every refresh token of the user is dropped
  POST /_test/outage          {"on": bool}        introspection/tokeninfo answer 503
  POST /_test/settings        {"access_ttl": s}   lifetime of tokens issued from now on
  POST /_test/approve         {"user_code", "user"}  approve a pending device code
  GET  /_test/log                                 the requests seen, for shape assertions

Access tokens are HS256 JWTs with key id "k1"; the key is written below --keys-dir in the
layout Dovecot's `local_validation_key_dict = fs:posix:prefix=DIR/` reads.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import json
import os
import secrets
import signal
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

KEY_ID = "k1"
TENANT_ID = "00000000-0000-0000-0000-00000000c0de"
TOKEN_ISSUER = f"https://sts.issuer.test/{TENANT_ID}/"
OUTLOOK_SCOPES = (
    "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send"
)
MAIL_SCOPES = frozenset({"IMAP.AccessAsUser.All", "https://mail.google.com/"})
OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def short_scope(scope: str) -> str:
    """Entra puts delegated scopes into tokens without the resource prefix; Google's one
    scope is a URL that is kept whole."""
    if scope.startswith("https://outlook.office.com/"):
        return scope.rsplit("/", 1)[-1]
    return scope


@dataclass
class IssuerState:
    users: frozenset[str]
    client_ids: tuple[str, ...]
    access_ttl: int
    introspection_client: str
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    lock: threading.Lock = field(default_factory=threading.Lock)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    outage: bool = False
    log: list[dict[str, Any]] = field(default_factory=list)

    def write_keys(self, keys_dir: Path) -> None:
        # Dovecot looks the key up by the token's azp (client id), falling back to "default".
        for azp in ("default", *self.client_ids):
            folder = keys_dir / azp / "HS256"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / KEY_ID).write_text(base64.b64encode(self.key).decode("ascii"))
            for path in (folder / KEY_ID, folder, folder.parent, keys_dir):
                path.chmod(0o755 if path.is_dir() else 0o644)

    def sign(self, claims: dict[str, Any]) -> str:
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": KEY_ID}).encode())
        payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
        mac = hmac.new(self.key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64url(mac)}"

    def valid_claims(self, token: str) -> dict[str, Any] | None:
        """The claims of a well-signed, unexpired, unrevoked access token; else None."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        header, payload, mac = parts
        expected = hmac.new(self.key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(expected, b64url_decode(mac)):
                return None
            claims: dict[str, Any] = json.loads(b64url_decode(payload))
        except ValueError:
            return None
        if token in self.revoked or claims.get("exp", 0) < time.time():
            return None
        return claims

    def access_token(
        self, user: str, client_id: str, scope: str, *, ttl: int | None = None, iss: str = ""
    ) -> str:
        now = int(time.time())
        oid = hashlib.sha256(user.encode()).hexdigest()[:32]
        scopes = " ".join(short_scope(s) for s in scope.split())
        claims = {
            "iss": iss or TOKEN_ISSUER,
            "aud": "https://outlook.office.com",
            "sub": oid,
            "oid": oid,
            "tid": TENANT_ID,
            "azp": client_id,
            "appid": client_id,
            "iat": now,
            "nbf": now,
            "exp": now + (self.access_ttl if ttl is None else ttl),
            "uti": secrets.token_urlsafe(8),  # makes every token unique, as Entra's does
            "email": user,
            "upn": user,
            "preferred_username": user,
            "scp": scopes,
            "scope": scopes,  # what Dovecot's scope check reads
        }
        return self.sign(claims)

    def token_response(
        self, base: str, grant: dict[str, Any], *, nonce: str | None = None
    ) -> dict[str, Any]:
        user, client_id, scope = grant["user"], grant["client_id"], grant["scope"]
        requested = scope.split()
        resource = [s for s in requested if s not in OIDC_SCOPES] or OUTLOOK_SCOPES.split()
        response: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": " ".join(resource),
            "expires_in": self.access_ttl,
            "ext_expires_in": self.access_ttl,
            "access_token": self.access_token(user, client_id, " ".join(resource)),
        }
        if "openid" in requested:
            oid = hashlib.sha256(user.encode()).hexdigest()[:32]
            now = int(time.time())
            id_claims = {
                "iss": f"{base}/{TENANT_ID}/v2.0",
                "aud": client_id,
                "sub": oid,
                "oid": oid,
                "tid": TENANT_ID,
                "iat": now,
                "nbf": now,
                "exp": now + 3600,
                "preferred_username": user,
                "email": user,
                "name": user.split("@", 1)[0],
            }
            if nonce:
                id_claims["nonce"] = nonce
            response["id_token"] = self.sign(id_claims)
            response["client_info"] = b64url(json.dumps({"uid": oid, "utid": TENANT_ID}).encode())
        if "offline_access" in requested or grant.get("offline"):
            refresh = "rt-" + secrets.token_urlsafe(24)
            with self.lock:
                self.refresh_tokens[refresh] = dict(grant)
            response["refresh_token"] = refresh
        return response


class IssuerHandler(BaseHTTPRequestHandler):
    server_version = "local-issuer/1"
    protocol_version = "HTTP/1.1"

    @property
    def state(self) -> IssuerState:
        server = self.server
        assert isinstance(server, IssuerServer)
        return server.state

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are kept in the state's log instead of printed."""

    def base_url(self) -> str:
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        return f"{scheme}://{self.headers.get('Host', '127.0.0.1')}"

    def is_control_port(self) -> bool:
        return not isinstance(self.connection, ssl.SSLSocket)

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def error(self, code: str, description: str, status: int = 400) -> None:
        self.send_json(status, {"error": code, "error_description": description})

    def read_form(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if "json" in self.headers.get("Content-Type", ""):
            parsed: dict[str, Any] = json.loads(raw or b"{}")
            return parsed
        pairs = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
        return {key: values[-1] for key, values in pairs.items()}

    def remember(self, path: str, query: dict[str, str], form: dict[str, Any]) -> None:
        if path.startswith("/_test/"):
            return
        entry = {
            "time": time.time(),
            "method": self.command,
            "path": path,
            "query": query,
            "form": {k: v for k, v in form.items() if k not in ("code_verifier",)},
        }
        with self.state.lock:
            self.state.log.append(entry)

    # --- GET ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        parts = [p for p in url.path.split("/") if p]
        self.remember(url.path, query, {})
        if url.path == "/_test/health":
            return self.send_json(200, {"ok": True})
        if url.path == "/_test/log" and self.is_control_port():
            with self.state.lock:
                return self.send_json(200, list(self.state.log))
        if url.path == "/tokeninfo":
            if self.state.outage:
                return self.error("temporarily_unavailable", "validation is down", 503)
            claims = self.state.valid_claims(query.get("access_token", ""))
            if claims is None:
                return self.error("invalid_token", "token is not valid", 401)
            return self.send_json(200, claims)
        if parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            return self.send_json(200, self.discovery(parts[0]))
        if parts[1:] == ["discovery", "v2.0", "keys"]:
            return self.send_json(200, {"keys": []})
        if parts[1:] == ["oauth2", "v2.0", "authorize"]:
            return self.authorize(query)
        return self.error("not_found", url.path, 404)

    def discovery(self, tenant: str) -> dict[str, Any]:
        base = f"{self.base_url()}/{tenant}"
        return {
            "issuer": f"{self.base_url()}/{TENANT_ID}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "introspection_endpoint": f"{self.base_url()}/introspect",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_GRANT],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
        }

    def authorize(self, query: dict[str, str]) -> None:
        redirect = query.get("redirect_uri", "")
        if not redirect.startswith(("http://localhost:", "http://127.0.0.1:")):
            return self.error("invalid_request", "redirect_uri must be a loopback address")
        user = query.get("login_hint", "").lower()
        result = {"state": query.get("state", "")}
        if user not in self.state.users or query.get("prompt") == "deny":
            result.update(error="access_denied", error_description="the user declined")
        elif query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            result.update(error="invalid_request", error_description="PKCE S256 is required")
        else:
            code = "code-" + secrets.token_urlsafe(16)
            with self.state.lock:
                self.state.codes[code] = {
                    "user": user,
                    "client_id": query.get("client_id", ""),
                    "redirect_uri": redirect,
                    "scope": query.get("scope", ""),
                    "challenge": query["code_challenge"],
                    "nonce": query.get("nonce"),
                    "offline": query.get("access_type") == "offline",  # Google's way
                    "expires": time.time() + 300,
                }
            result["code"] = code
        if query.get("response_mode") == "form_post":
            # What Entra answers MSAL: a page whose script posts code and state to the
            # loopback listener.
            fields = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}"/>'
                for k, v in result.items()
            )
            page = (
                '<html><body onload="document.forms[0].submit()">'
                f'<form method="POST" action="{html.escape(redirect)}">{fields}</form>'
                "</body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return None
        separator = "&" if "?" in redirect else "?"
        self.send_response(302)
        self.send_header("Location", redirect + separator + urllib.parse.urlencode(result))
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    # --- POST --------------------------------------------------------------------------

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        form = self.read_form()
        self.remember(url.path, {}, form)
        if url.path.startswith("/_test/"):
            if not self.is_control_port():
                return self.error("not_found", url.path, 404)
            return self.control(url.path, form)
        if url.path == "/introspect":
            return self.introspect(form)
        if parts[1:] == ["oauth2", "v2.0", "devicecode"]:
            return self.device_authorization(form)
        if parts[1:] == ["oauth2", "v2.0", "token"]:
            return self.token(form)
        return self.error("not_found", url.path, 404)

    def control(self, path: str, form: dict[str, Any]) -> None:
        state = self.state
        if path == "/_test/mint":
            token = state.access_token(
                str(form["user"]).lower(),
                str(form.get("client_id", state.client_ids[0])),
                str(form.get("scope", OUTLOOK_SCOPES)),
                ttl=int(form["ttl"]) if "ttl" in form else None,
                iss=str(form.get("iss", "")),
            )
            return self.send_json(200, {"access_token": token})
        if path == "/_test/revoke":
            with state.lock:
                state.revoked.add(str(form["token"]))
            return self.send_json(200, {"ok": True})
        if path == "/_test/revoke_refresh":
            user = str(form["user"]).lower()
            with state.lock:
                dropped = [t for t, g in state.refresh_tokens.items() if g["user"] == user]
                for token in dropped:
                    del state.refresh_tokens[token]
            return self.send_json(200, {"revoked": len(dropped)})
        if path == "/_test/outage":
            state.outage = bool(form.get("on"))
            return self.send_json(200, {"outage": state.outage})
        if path == "/_test/settings":
            if "access_ttl" in form:
                state.access_ttl = int(form["access_ttl"])
            return self.send_json(200, {"access_ttl": state.access_ttl})
        if path == "/_test/approve":
            with state.lock:
                for device in state.devices.values():
                    if device["user_code"] == form.get("user_code"):
                        device["user"] = str(form["user"]).lower()
                        return self.send_json(200, {"ok": True})
            return self.error("not_found", "unknown user code", 404)
        return self.error("not_found", path, 404)

    def introspect(self, form: dict[str, Any]) -> None:
        expected = "Basic " + base64.b64encode(self.state.introspection_client.encode()).decode()
        if not hmac.compare_digest(self.headers.get("Authorization", ""), expected):
            return self.error("invalid_client", "introspection needs client credentials", 401)
        if self.state.outage:
            return self.error("temporarily_unavailable", "validation is down", 503)
        claims = self.state.valid_claims(str(form.get("token", "")))
        # The mailbox server's own rule: a token without a mail scope does not open it.
        if claims is None or not MAIL_SCOPES & set(str(claims.get("scope", "")).split()):
            return self.send_json(200, {"active": False})
        answer = {"active": True, "token_type": "Bearer", "client_id": claims["azp"]}
        answer.update({k: claims[k] for k in ("email", "sub", "scope", "exp", "iat", "iss", "aud")})
        return self.send_json(200, answer)

    def device_authorization(self, form: dict[str, Any]) -> None:
        device_code = "dc-" + secrets.token_urlsafe(16)
        user_code = secrets.token_hex(4).upper()
        with self.state.lock:
            self.state.devices[device_code] = {
                "user_code": user_code,
                "client_id": form.get("client_id", ""),
                "scope": form.get("scope", ""),
                "user": None,
                "expires": time.time() + 900,
            }
        page = f"{self.base_url()}/devicelogin"
        return self.send_json(
            200,
            {
                "device_code": device_code,
                "user_code": user_code,
                "verification_uri": page,
                "expires_in": 900,
                "interval": 1,
                "message": f"Open {page} and enter the code {user_code} to sign in.",
            },
        )

    def token(self, form: dict[str, Any]) -> None:
        state = self.state
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            with state.lock:
                code = state.codes.pop(str(form.get("code", "")), None)
            if code is None or code["expires"] < time.time():
                return self.error("invalid_grant", "AADSTS70008: the code is unknown or expired")
            if (code["redirect_uri"], code["client_id"]) != (
                form.get("redirect_uri"),
                form.get("client_id"),
            ):
                return self.error("invalid_grant", "redirect_uri or client_id differs")
            verifier = str(form.get("code_verifier", ""))
            if b64url(hashlib.sha256(verifier.encode()).digest()) != code["challenge"]:
                return self.error("invalid_grant", "AADSTS501481: PKCE verification failed")
            grant = {
                "user": code["user"],
                "client_id": code["client_id"],
                "scope": form.get("scope") or code["scope"],
                "offline": code["offline"],
            }
            return self.send_json(
                200, state.token_response(self.base_url(), grant, nonce=code["nonce"])
            )
        if grant_type == "refresh_token":
            with state.lock:  # refresh tokens rotate: each one works once
                held = state.refresh_tokens.pop(str(form.get("refresh_token", "")), None)
            if held is None or held["client_id"] != form.get("client_id"):
                return self.error(
                    "invalid_grant", "AADSTS700082: the refresh token has expired or was revoked"
                )
            renewed = dict(held, scope=form.get("scope") or held["scope"])
            return self.send_json(200, state.token_response(self.base_url(), renewed))
        if grant_type == DEVICE_GRANT:
            with state.lock:
                device = state.devices.get(str(form.get("device_code", "")))
                if device is not None and device["user"]:
                    del state.devices[str(form["device_code"])]
            if device is None or device["expires"] < time.time():
                return self.error("expired_token", "the device code has expired")
            if not device["user"]:
                return self.error("authorization_pending", "AADSTS70016: not yet approved")
            grant = {
                "user": device["user"],
                "client_id": device["client_id"],
                "scope": device["scope"],
            }
            return self.send_json(200, state.token_response(self.base_url(), grant))
        return self.error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


class IssuerServer(ThreadingHTTPServer):
    """The HTTP server that hands its handlers the issuer's state."""

    def __init__(self, address: tuple[str, int], state: IssuerState) -> None:
        super().__init__(address, IssuerHandler)
        self.state = state


def serve(state: IssuerState, port: int, tls: ssl.SSLContext | None) -> IssuerServer:
    server = IssuerServer(("127.0.0.1", port), state)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--https-port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--keys-dir", required=True)
    parser.add_argument("--users", required=True, help="comma-separated e-mail addresses")
    parser.add_argument("--client-ids", default="11111111-2222-3333-4444-555555555555")
    parser.add_argument("--access-ttl", type=int, default=3599)
    parser.add_argument("--introspection-client", default="dovecot:introspection-secret")
    parser.add_argument("--pidfile", required=True)
    args = parser.parse_args()

    state = IssuerState(
        users=frozenset(u.strip().lower() for u in args.users.split(",") if u.strip()),
        client_ids=tuple(c for c in args.client_ids.split(",") if c),
        access_ttl=args.access_ttl,
        introspection_client=args.introspection_client,
    )
    state.write_keys(Path(args.keys_dir))
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args.cert, args.key)
    serve(state, args.http_port, None)
    serve(state, args.https_port, tls)
    Path(args.pidfile).write_text(str(os.getpid()))
    print(f"local issuer listening: http {args.http_port}, https {args.https_port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()


if __name__ == "__main__":
    main()
