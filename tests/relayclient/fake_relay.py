"""A small in-memory stand-in for the relay API, served by uvicorn on 127.0.0.1 in a thread.

It implements just enough of docs/API.md for the client's unit tests, plus switches to
misbehave (`fail_puts_after`: accept part of a chunk then answer 503, as a dropped upload
would leave it; `fail_events`: answer 503 to the next N feed polls).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class FakeState:
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    enroll_code: str = "ENROLL-1234"
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    blobs: dict[str, bytearray] = field(default_factory=dict)
    blob_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    fail_puts_after: int | None = None  # bytes to keep of the next PUT before failing
    fail_events: int = 0
    put_count: int = 0
    event_polls: int = 0
    new_event: asyncio.Event | None = None

    def add_event(self, kind: str, **fields: Any) -> None:
        item = {"cursor": f"{len(self.events) + 1:08d}", "kind": kind, "at": "2026-01-01T00:00:00Z"}
        item.update(fields)
        self.events.append(item)
        if self.new_event is not None:
            self.new_event.set()


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def build_app(state: FakeState) -> Starlette:
    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {state.token}"

    async def enroll(request: Request) -> Response:
        body = await request.json()
        if body.get("code") != state.enroll_code:
            return _error(401, "unauthorized", "The enrollment code is not valid.")
        return JSONResponse(
            {
                "token": state.token,
                "user": {"id": "u" * 32, "email": "sec@praktijk.example", "name": "Sec"},
                "office": {"name": "Praktijk Zuid"},
            }
        )

    async def me(request: Request) -> Response:
        if not authorised(request):
            return _error(401, "unauthorized", "No valid device token.")
        return JSONResponse({"user": {"id": "u" * 32}, "office": {}, "devices": []})

    async def directory(request: Request) -> Response:
        if not authorised(request):
            return _error(401, "unauthorized", "No valid device token.")
        key = {"key_id": "k" * 32, "public_key": "A" * 43, "fingerprint": "abcd " * 10}
        return JSONResponse(
            {
                "items": [
                    {"user_id": "u" * 32, "email": "a@b.example", "name": "A", "public_keys": [key]}
                ]
            }
        )

    async def create(request: Request) -> Response:
        if not authorised(request):
            return _error(401, "unauthorized", "No valid device token.")
        body = await request.json()
        mid = body["message_id"]
        if mid not in state.messages:
            state.messages[mid] = {"body": body, "committed": False, "revoked": False}
            for blob in body["blobs"]:
                state.blob_meta[blob["blob_id"]] = blob
                state.blobs.setdefault(blob["blob_id"], bytearray())
        upload = {b["blob_id"]: f"/api/v1/blobs/{b['blob_id']}" for b in body["blobs"]}
        return JSONResponse({"message_id": mid, "upload": upload}, status_code=201)

    async def blob(request: Request) -> Response:
        if not authorised(request):
            return _error(401, "unauthorized", "No valid device token.")
        blob_id = request.path_params["blob_id"]
        if blob_id not in state.blobs:
            return _error(404, "not_found", "No such blob.")
        data = state.blobs[blob_id]
        if request.method == "HEAD":
            return Response(headers={"Upload-Offset": str(len(data))})
        if request.method == "GET":
            start = 0
            if "range" in request.headers:
                start = int(request.headers["range"].split("=")[1].split("-")[0])
                if start >= len(data):
                    return _error(416, "bad_request", "Range not satisfiable.")
                return Response(
                    bytes(data[start:]),
                    status_code=206,
                    headers={"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"},
                )
            return Response(bytes(data))
        # PUT with Content-Range
        state.put_count += 1
        first, rest = request.headers["content-range"].removeprefix("bytes ").split("-")
        start, total = int(first), int(rest.split("/")[1])
        if start != len(data):
            return _error(409, "conflict", f"Expected offset {len(data)}.")
        received = 0
        async for piece in request.stream():
            if state.fail_puts_after is not None and received + len(piece) > state.fail_puts_after:
                keep = state.fail_puts_after - received
                data.extend(piece[:keep])
                state.fail_puts_after = None
                return _error(503, "unavailable", "Upload interrupted.")
            data.extend(piece)
            received += len(piece)
        meta = state.blob_meta[blob_id]
        complete = len(data) == total == meta["size"]
        if complete and hashlib.sha256(data).hexdigest() != meta["sha256"]:
            return _error(400, "bad_request", "SHA-256 mismatch.")
        return JSONResponse({"received": len(data), "complete": complete})

    async def commit(request: Request) -> Response:
        mid = request.path_params["mid"]
        message = state.messages.get(mid)
        if message is None:
            return _error(404, "not_found", "No such message.")
        for b in message["body"]["blobs"]:
            if len(state.blobs[b["blob_id"]]) != b["size"]:
                return _error(409, "conflict", "Not every blob is complete.")
        message["committed"] = True
        return JSONResponse({})

    async def revoke(request: Request) -> Response:
        message = state.messages.get(request.path_params["mid"])
        if message is None:
            return _error(404, "not_found", "No such message.")
        message["revoked"] = True
        return JSONResponse({})

    async def get_message(request: Request) -> Response:
        message = state.messages.get(request.path_params["mid"])
        if message is None:
            return _error(404, "not_found", "No such message.")
        if message["revoked"]:
            return _error(410, "revoked", "The message was revoked.")
        return JSONResponse(
            {"message_id": request.path_params["mid"], "committed": message["committed"]}
        )

    async def notification(request: Request) -> Response:
        body = await request.json()
        kind = "notification_accepted" if body["accepted"] else "notification_refused"
        state.add_event(
            kind, message_id=request.path_params["mid"], recipient_id=request.path_params["rid"]
        )
        return JSONResponse({})

    async def events(request: Request) -> Response:
        state.event_polls += 1
        if state.fail_events > 0:
            state.fail_events -= 1
            return _error(503, "unavailable", "Try later.")
        after = request.query_params.get("after") or "00000000"
        wait = float(request.query_params.get("wait", "0"))
        state.new_event = state.new_event or asyncio.Event()
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            items = [e for e in state.events if e["cursor"] > after]
            remaining = deadline - asyncio.get_running_loop().time()
            if items or remaining <= 0:
                break
            state.new_event.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(state.new_event.wait(), remaining)
        return JSONResponse({"items": items, "next": items[-1]["cursor"] if items else after})

    routes = [
        Route("/api/v1/enroll", enroll, methods=["POST"]),
        Route("/api/v1/me", me),
        Route("/api/v1/directory", directory),
        Route("/api/v1/messages", create, methods=["POST"]),
        Route("/api/v1/blobs/{blob_id}", blob, methods=["GET", "HEAD", "PUT"]),
        Route("/api/v1/messages/{mid}/commit", commit, methods=["POST"]),
        Route("/api/v1/messages/{mid}/revoke", revoke, methods=["POST"]),
        Route("/api/v1/messages/{mid}", get_message),
        Route(
            "/api/v1/messages/{mid}/recipients/{rid}/notification", notification, methods=["POST"]
        ),
        Route("/api/v1/events", events),
    ]
    return Starlette(routes=routes)


@dataclass
class RunningFake:
    url: str
    state: FakeState


@contextmanager
def run_fake_relay() -> Iterator[RunningFake]:
    state = FakeState()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        build_app(state), log_level="warning", lifespan="off", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        started = threading.Event()
        while not server.started and thread.is_alive():
            started.wait(0.01)
        yield RunningFake(f"http://127.0.0.1:{port}", state)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
