"""The recipient page and the conversation-starter page: static files from `resources/web/`
served under `/web/`, with Subresource Integrity added to the pages' script and style tags,
and the list of every asset's SHA-384 at `/web-assets.json` so that a desktop can compare
what this relay serves with the assets of its own release.

Opening a link (`GET`/`HEAD /m/{message}/{recipient}`) changes nothing but writing one
`link_fetched` event: mail security gateways fetch links before the recipient does.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select

from zivverdesk.core.model import EventKind
from zivverdesk.relay import feed
from zivverdesk.relay.api.common import ApiError, Ctx, not_found
from zivverdesk.relay.db.schema import messages, recipients

router = APIRouter(include_in_schema=False)
_TAG = re.compile(r"""<(script|link)\b([^>]*?)\s(src|href)="(/web/[^"]+)"([^>]*)>""")
_ID = re.compile(r"^[0-9a-f]{32}$")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")


@dataclass(frozen=True)
class WebAsset:
    body: bytes
    media_type: str
    integrity: str  # "sha384-<base64>"


class WebAssets:
    """All files below the web folder, read once at start-up (they are a release's files)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, WebAsset] = {}
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    rel = path.relative_to(root).as_posix()
                    body = path.read_bytes()
                    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
                    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    self.files[rel] = WebAsset(body, media, f"sha384-{digest}")

    def page(self, name: str) -> bytes:
        asset = self.files.get(name)
        if asset is None:
            raise ApiError(503, "unavailable", "The web page is not installed on this relay.")
        html = asset.body.decode("utf-8")
        return _TAG.sub(self._with_integrity, html).encode("utf-8")

    def _with_integrity(self, match: re.Match[str]) -> str:
        tag, before, attr, url, after = match.groups()
        asset = self.files.get(url.removeprefix("/web/"))
        if asset is None or "integrity=" in before + after:
            return match.group(0)
        return f'<{tag}{before} {attr}="{url}" integrity="{asset.integrity}"{after}>'

    def manifest(self) -> dict[str, Any]:
        return {
            "algorithm": "sha384",
            "assets": {f"/web/{k}": v.integrity for k, v in self.files.items()},
        }


def _assets(request: Request) -> WebAssets:
    assets: WebAssets = request.app.state.web_assets
    return assets


@router.get("/web-assets.json")
def web_assets(request: Request) -> JSONResponse:
    return JSONResponse(_assets(request).manifest())


@router.api_route("/web/{path:path}", methods=["GET", "HEAD"])
def web_file(path: str, request: Request) -> Response:
    asset = _assets(request).files.get(path)
    if asset is None:
        raise not_found("This file")
    return Response(
        asset.body, media_type=asset.media_type, headers={"Cache-Control": "public, max-age=300"}
    )


@router.api_route("/m/{message_id}/{recipient_id}", methods=["GET", "HEAD"])
def landing(message_id: str, recipient_id: str, ctx: Ctx, request: Request) -> Response:
    if _ID.match(message_id) and _ID.match(recipient_id):
        _link_fetched(ctx, message_id, recipient_id)
    return HTMLResponse(_assets(request).page("recipient.html"))


@router.api_route("/start/{slug}", methods=["GET", "HEAD"])
def starter_page(slug: str, ctx: Ctx, request: Request) -> Response:
    # An unknown slug still gets the page (with a 404 status): a browser shows the page's own
    # "Deze pagina bestaat niet" state instead of a bare JSON error.
    known = bool(ctx.settings.office.starter_slug) and slug == ctx.settings.office.starter_slug
    return HTMLResponse(_assets(request).page("start.html"), status_code=200 if known else 404)


def _link_fetched(ctx: Ctx, message_id: str, recipient_id: str) -> None:
    """At most one `link_fetched` event per link; nothing else changes."""
    with ctx.db.read() as conn:
        row = _committed_link(conn, message_id, recipient_id)
        if row is None or feed.has_event(
            conn, EventKind.LINK_FETCHED, recipient_id=recipient_id, message_id=message_id
        ):
            return
    with ctx.db.write() as conn:
        if not feed.has_event(
            conn, EventKind.LINK_FETCHED, recipient_id=recipient_id, message_id=message_id
        ):
            feed.emit(
                conn,
                EventKind.LINK_FETCHED,
                conversation_id=row.conversation_id,
                message_id=message_id,
                recipient_id=recipient_id,
            )


def _committed_link(conn: Any, message_id: str, recipient_id: str) -> Any:
    return conn.execute(
        select(messages.c.conversation_id)
        .join(recipients, recipients.c.message_id == messages.c.id)
        .where(
            recipients.c.id == recipient_id,
            messages.c.id == message_id,
            messages.c.committed_at.is_not(None),
        )
    ).first()
