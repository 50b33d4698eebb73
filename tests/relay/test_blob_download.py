"""Blob downloads: small blobs (up to PRELOAD_LIMIT) answer as Starlette does, a plain GET in
one piece from a mapping; the memory-mapped path of BlobFileResponse answers whole and
single-range GETs exactly as Starlette's FileResponse does, across warm-up windows, and
stops when the client goes away; on a real relay a big blob downloads and resumes byte
for byte with the security headers in place."""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from starlette.responses import FileResponse
from starlette.types import Message

from tests.plugins.asyncrun import run as run_in_own_loop
from tests.plugins.certs import write_self_signed
from tests.plugins.relay import EnrolledDevice, RelayFactory, RelayProcess
from tests.relay.helpers import create_message, unique_email
from zivverdesk.relay.api.uploads import PRELOAD_LIMIT, BlobFileResponse

MIB = 1024 * 1024


class _SmallPieces(BlobFileResponse):
    # Small sizes, so a file of a few MiB spans many pieces and warm-up windows.
    send_size = 48 * 1024
    warm_size = 200 * 1024


def _call(
    response: FileResponse,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    *,
    disconnect_after: int | None = None,
) -> tuple[int, dict[str, str], bytes, list[Message]]:
    """Run one ASGI response; the client "goes away" after `disconnect_after` body messages."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "method": method,
        "path": "/blob",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    sent: list[Message] = []

    async def run() -> None:
        gone = asyncio.Event()
        requested = False

        async def receive() -> Message:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(message)
            bodies = sum(m["type"] == "http.response.body" for m in sent)
            if disconnect_after is not None and bodies >= disconnect_after:
                gone.set()
            await asyncio.sleep(0)  # let the disconnect watcher run, as a real server would

        await asyncio.wait_for(response(scope, receive, send), timeout=30)

    run_in_own_loop(run())
    start = sent[0]
    assert start["type"] == "http.response.start"
    response_headers = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(bytes(m.get("body", b"")) for m in sent[1:])
    return start["status"], response_headers, body, sent[1:]


@pytest.fixture
def blob(tmp_path: Path) -> tuple[Path, bytes]:
    data = os.urandom(3 * MIB + 12345)
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert len(data) > PRELOAD_LIMIT
    return path, data


def _reference(path: Path) -> FileResponse:
    return FileResponse(
        path,
        media_type="application/octet-stream",
        headers={"Cache-Control": "no-store"},
        stat_result=path.stat(),
    )


def _mapped(messages: list[Message]) -> bool:
    return all(isinstance(m["body"], memoryview) for m in messages if m["body"])


@pytest.mark.parametrize(
    "range_header",
    [
        None,
        "bytes=0-",
        "bytes=100-199",
        "bytes=204700-1048600",  # across warm-up windows and pieces
        f"bytes={3 * MIB}-",  # resume near the end
        "bytes=-5000",
        "bytes=-99999999",  # suffix longer than the file: the whole file
        "bytes=5-99999999999",  # end past the file: up to its end
        "Bytes = 10 - 20",
    ],
)
def test_mapped_download_matches_starlette(
    blob: tuple[Path, bytes], range_header: str | None
) -> None:
    path, data = blob
    headers = {} if range_header is None else {"Range": range_header}
    status, got_headers, body, messages = _call(
        _SmallPieces(path, headers={"Cache-Control": "no-store"}), headers=headers
    )
    ref_status, ref_headers, ref_body, _ = _call(_reference(path), headers=headers)
    assert (status, got_headers) == (ref_status, ref_headers)
    assert body == ref_body
    assert _mapped(messages), "served from the mapping"
    assert all(len(m["body"]) <= _SmallPieces.send_size for m in messages)
    assert [m["more_body"] for m in messages] == [True] * (len(messages) - 1) + [False]
    if range_header is None:
        assert status == 200 and body == data
    else:
        assert status == 206
        first, last_total = got_headers["content-range"].removeprefix("bytes ").split("-")
        last, total = last_total.split("/")
        assert int(total) == len(data) and body == data[int(first) : int(last) + 1]


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("HEAD", {}),
        ("HEAD", {"Range": "bytes=0-9"}),
        ("GET", {"Range": "bytes=10-5"}),  # 400
        ("GET", {"Range": "bytes=99999999-"}),  # 416
        ("GET", {"Range": "items=0-9"}),  # 400
        ("GET", {"Range": "bytes=abc"}),  # 400
        ("GET", {"Range": "bytes=0-9", "If-Range": '"not-the-etag"'}),  # whole file
    ],
)
def test_other_requests_keep_starlette_answers(
    blob: tuple[Path, bytes], method: str, headers: dict[str, str]
) -> None:
    path, _ = blob
    got = _call(_SmallPieces(path, headers={"Cache-Control": "no-store"}), method, headers)
    ref = _call(_reference(path), method, headers)
    assert got[:3] == ref[:3]


def test_several_ranges_keep_starlette_multipart(blob: tuple[Path, bytes]) -> None:
    path, data = blob
    status, headers, body, messages = _call(
        _SmallPieces(path, headers={"Cache-Control": "no-store"}),
        headers={"Range": "bytes=0-9, 2097152-2097161"},
    )
    assert status == 206 and headers["content-type"].startswith("multipart/byteranges")
    assert data[:10] in body and data[2 * MIB : 2 * MIB + 10] in body
    assert not _mapped(messages)


def test_mapped_download_stops_when_the_client_goes_away(blob: tuple[Path, bytes]) -> None:
    path, data = blob
    status, _, body, messages = _call(
        _SmallPieces(path, headers={"Cache-Control": "no-store"}), disconnect_after=3
    )
    assert status == 200
    assert len(messages) < 10 and messages[-1]["more_body"] is True
    assert body == data[: len(body)]


@pytest.mark.parametrize("size", [0, 1, 5000, PRELOAD_LIMIT])
@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", {}),
        ("HEAD", {}),
        ("GET", {"Range": "bytes=0-0"}),
        ("GET", {"Range": "bytes=-3"}),
    ],
)
def test_small_blob_answers_as_starlette_does(
    tmp_path: Path, size: int, method: str, headers: dict[str, str]
) -> None:
    path = tmp_path / "small"
    data = os.urandom(size)
    path.write_bytes(data)
    got = _call(BlobFileResponse(path, headers={"Cache-Control": "no-store"}), method, headers)
    ref = _call(_reference(path), method, headers)
    assert got[:3] == ref[:3]
    if method == "GET" and not headers:
        # A plain GET is one body message: the whole file, from the mapping when it has bytes.
        assert got[2] == data and len(got[3]) == 1
        assert isinstance(got[3][0]["body"], memoryview) == (size > 0)


def test_big_blob_downloads_and_resumes(relay: RelayProcess, alice: EnrolledDevice) -> None:
    """40 MiB: several pieces and page-cache windows of the real sizes."""
    data = os.urandom(40 * MIB + 4321)
    msg = create_message(relay, alice, blobs=[data])
    url = f"{relay.url}/api/v1/blobs/{msg.blob_ids[0]}"
    with httpx.Client(headers=alice.headers, timeout=60) as client:
        whole = client.get(url)
        assert whole.status_code == 200
        assert hashlib.sha256(whole.content).digest() == hashlib.sha256(data).digest()
        assert whole.headers["content-length"] == str(len(data))
        assert whole.headers["accept-ranges"] == "bytes"
        assert whole.headers["cache-control"] == "no-store"
        for name in ("content-security-policy", "x-content-type-options", "referrer-policy"):
            assert name in whole.headers

        # An interrupted download, then resumed from where it stopped.
        received = bytearray()
        with client.stream("GET", url) as partial:
            for chunk in partial.iter_bytes():
                received += chunk
                if len(received) > 17 * MIB + 99:  # past the first warm-up window
                    break
        assert bytes(received) == data[: len(received)]
        rest = client.get(url, headers={"Range": f"bytes={len(received)}-"})
        assert rest.status_code == 206
        assert rest.headers["content-range"] == (
            f"bytes {len(received)}-{len(data) - 1}/{len(data)}"
        )
        assert rest.headers["cache-control"] == "no-store"
        assert bytes(received) + rest.content == data

        middle = client.get(url, headers={"Range": f"bytes={16 * MIB - 7}-{32 * MIB + 7}"})
        assert middle.status_code == 206 and middle.content == data[16 * MIB - 7 : 32 * MIB + 8]


@pytest.mark.parametrize("tls", [False, True], ids=["http", "own-tls"])
def test_a_blob_cut_short_on_disk_ends_its_download_not_the_relay(
    relay_factory: RelayFactory, tmp_path: Path, tls: bool
) -> None:
    """Another program cutting a blob file short (blobs are never written again once final)
    ends that download, not the relay. On plain HTTP blobs are sent from a mapping whose
    bytes only the kernel reads, so its copy into the socket fails; where the relay encrypts
    TLS itself it would read them, so blobs are not mapped there (a mapped byte past the
    new end would be a SIGBUS). A small blob goes to the socket whole when its answer
    starts."""
    size = 40 * MIB
    serve_args = []
    if tls:
        cert, key = write_self_signed(
            tmp_path, "127.0.0.1", x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
        )
        serve_args = ["--tls-cert", str(cert), "--tls-key", str(key)]
    relay = relay_factory(serve_args=serve_args)
    sender = relay.enroll_device(unique_email("cut"), "Cut")
    data = os.urandom(size)
    blob_id = create_message(relay, sender, blobs=[data]).blob_ids[0]
    stored = relay.data_dir / "blobs" / blob_id[:2] / blob_id
    url = f"{relay.url}/api/v1/blobs/{blob_id}"
    with httpx.Client(headers=sender.headers, timeout=30, verify=relay.verify) as client:
        received = 0
        with pytest.raises(httpx.HTTPError), client.stream("GET", url) as response:
            for chunk in response.iter_bytes(64 * 1024):
                if received == 0:
                    os.truncate(stored, 4096)  # the first bytes are on their way
                received += len(chunk)
        assert received < size
        assert relay.process is not None and relay.process.poll() is None
        assert client.get(f"{relay.url}/healthz").status_code == 200
