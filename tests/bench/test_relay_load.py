"""The relay benchmark's load generator reads answers correctly: heads and bodies split
anywhere, a blob-sized body received into the client's buffer, the session cookie kept, and
a wrong or cut-off answer counted as an error — against a small scripted server on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest

from tests.bench import relay_load
from tests.bench.relay_load import Connection, FlowError
from tests.plugins.asyncrun import run as run_in_own_loop

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
BLOB = relay_load.payload(7, 300_000)


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    request_line, *lines = head.strip().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return request_line, headers, body


async def _answer_in_pieces(writer: asyncio.StreamWriter, data: bytes, piece: int) -> None:
    for start in range(0, len(data), piece):
        writer.write(data[start : start + piece])
        await writer.drain()
        await asyncio.sleep(0)


def _answer(status: int, body: bytes, extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    return head.encode("latin-1") + body


async def _with_server[T](script: Script, client: Callable[[int], Awaitable[T]]) -> T:
    server = await asyncio.start_server(script, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        return await client(port)
    finally:
        server.close()


def test_split_heads_and_bodies_are_read_whole() -> None:
    seen: list[tuple[str, dict[str, str], bytes]] = []

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await _read_request(reader))
        await _answer_in_pieces(
            writer, _answer(200, b'{"ok": true}', "Set-Cookie: zv_session=abc; Path=/\r\n"), 7
        )
        seen.append(await _read_request(reader))
        await _answer_in_pieces(writer, _answer(200, BLOB), 65_537)
        writer.close()

    async def client(port: int) -> None:
        buffer = bytearray(len(BLOB))
        conn = await Connection.open("127.0.0.1", port, buffer)
        status, small = await conn.request("POST", "/verify", b'{"auth": "x"}')
        assert (status, json.loads(small)) == (200, {"ok": True})
        status, blob = await conn.request("GET", "/blob")
        assert status == 200 and blob is buffer and blob == BLOB
        await conn.close()

    run_in_own_loop(_with_server(script, client))
    (verify_line, verify_headers, verify_body), (blob_line, blob_headers, _) = seen
    assert verify_line == "POST /verify HTTP/1.1" and verify_body == b'{"auth": "x"}'
    assert "cookie" not in verify_headers
    assert blob_line == "GET /blob HTTP/1.1" and blob_headers["cookie"] == "zv_session=abc"


def _flow_server(blob: bytes) -> Script:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(_answer(200, b"{}"))
        await _read_request(reader)
        thread = {"thread": {"items": [{"blobs": [{"blob_id": "b" * 32}]}]}}
        writer.write(_answer(200, json.dumps(thread).encode()))
        await _read_request(reader)
        await _answer_in_pieces(writer, _answer(200, blob), 100_000)
        writer.close()

    return script


async def _one_flow(port: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {step: [] for step in relay_load.STEPS}
    conn = await Connection.open("127.0.0.1", port, bytearray(len(BLOB)))
    try:
        await relay_load.flow(conn, BLOB, ["m" * 32, "r" * 32, "YQ", "b" * 32], timings)
    finally:
        await conn.close()
    return timings


def test_a_whole_flow_with_the_right_blob_passes() -> None:
    timings = run_in_own_loop(_with_server(_flow_server(BLOB), _one_flow))
    assert {step: len(t) for step, t in timings.items()} == {"info": 1, "verify": 1, "blob": 1}


def test_one_wrong_byte_in_the_blob_is_an_error() -> None:
    wrong = bytearray(BLOB)
    wrong[123_456] ^= 1
    with pytest.raises(FlowError, match="differ"):
        run_in_own_loop(_with_server(_flow_server(bytes(wrong)), _one_flow))


def test_a_cut_off_answer_is_an_error() -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(_answer(200, BLOB)[:-1000])
        await writer.drain()
        writer.close()

    async def client(port: int) -> object:
        conn = await Connection.open("127.0.0.1", port, bytearray(len(BLOB)))
        return await conn.request("GET", "/blob")

    with pytest.raises(OSError):
        run_in_own_loop(_with_server(script, client))


def test_an_answer_without_length_is_an_error() -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 X\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        await writer.drain()

    async def client(port: int) -> object:
        conn = await Connection.open("127.0.0.1", port, bytearray(len(BLOB)))
        return await conn.request("GET", "/")

    with pytest.raises(FlowError, match="Content-Length"):
        run_in_own_loop(_with_server(script, client))
