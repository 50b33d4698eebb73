"""Recipient page benchmark (not a timed test): `python -m tests.bench page`.

Against a real relay process on loopback and Debian's Chromium, through the page itself:
- the time from clicking "Openen" to the message shown, on the access-code path with the
  protocol's default PBKDF2 iteration count (2,000,000), and the key derivation's share of it
  (both measured inside the page, from the form's submit to the thread on screen);
- downloading and decrypting a 256 MiB attachment with the page's own decrypting stream,
  against a plain download of the same ciphertext in the same page (target ≥ 0.70×), and the
  same download written to disk through the page's save path (reported).

`run(results)` records its numbers through `tests.bench.Results` (see tests/bench/__init__.py).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.bench import Results
from tests.plugins.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.plugins.relay import RelayProcess
from tests.web.relay_seed import (
    ACCESS_CODE,
    OFFICE,
    Attachment,
    Recipient,
    RelaySeed,
    SentMessage,
    relay_settings,
)
from tests.web.test_recipient_large_download import SAVE_DIALOG_STANDIN
from zivverdesk.crypto.keyschedule import DEFAULT_ITERATIONS

MIB = 1 << 20
OPEN_ROUNDS = 5
DOWNLOAD_SIZE = 256 * MIB
DOWNLOAD_ROUNDS = 3
OPEN_TARGET_MS = 1500.0
DOWNLOAD_TARGET_RATIO = 0.70

# Times one download of `url` inside the page: plain (read and drop the bytes), decrypted
# through the page's own stream (read and drop), or decrypted and saved through the page's
# save path (its `showSaveFilePicker` sink, here the OPFS stand-in of the download test).
TIME_DOWNLOAD = """async ([mode, url, cekHex, blobId]) => {
  const pageCrypto = await import("/web/page-crypto.js");
  const cek = new Uint8Array(cekHex.match(/../g).map((h) => parseInt(h, 16)));
  const t0 = performance.now();
  const response = await fetch(url);
  let stream = response.body;
  if (mode !== "plain") stream = await pageCrypto.decryptBlobStream(cek, blobId, stream);
  if (mode === "disk") {
    const handle = await window.showSaveFilePicker({ suggestedName: "bench.bin" });
    await stream.pipeTo(await handle.createWritable());
  } else {
    const reader = stream.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  }
  return performance.now() - t0;
}"""


def _open_once(page: Page, link: str) -> tuple[float, float]:
    page.goto(link)
    page.fill("#access-code", ACCESS_CODE)
    page.click("#open")
    expect(page.locator("body[data-open-ms]")).to_have_count(1, timeout=60_000)
    expect(page.locator("#thread article")).to_have_count(1)
    opened = float(page.locator("body").get_attribute("data-open-ms") or "nan")
    kdf = float(page.locator("body").get_attribute("data-kdf-ms") or "nan")
    return opened, kdf


def _random_file(path: Path, size: int) -> None:
    with path.open("wb") as f:
        for _ in range(size // (4 * MIB)):
            f.write(os.urandom(4 * MIB))


def run(results: Results) -> None:
    with tempfile.TemporaryDirectory(prefix="zv-bench-page-") as tmp:
        base = Path(tmp)
        relay = RelayProcess(base / "data", settings=relay_settings(base)).start()
        seed = RelaySeed(relay.url)
        try:
            code = json.loads(
                relay.admin("add-user", "bench@example.test", "--name", "Bench", "--json").stdout
            )["code"]
            user = seed.enroll(code, email="bench@example.test", name="Bench")
            recipient = Recipient(address="jan@example.test", access_code=ACCESS_CODE)
            # The real default iteration count, not the tests' faster floor.
            small = seed.send(
                user,
                [recipient],
                subject="Bench",
                body="Korte tekst.",
                organisation=OFFICE["name"],
                iterations=DEFAULT_ITERATIONS,
            )
            source = base / "big.bin"
            _random_file(source, DOWNLOAD_SIZE)
            big = seed.send(
                user,
                [recipient],
                subject="Groot",
                body="Bijlage.",
                attachments=[Attachment(name="big.bin", path=source)],
            )
            source.unlink()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
                )
                try:
                    _measure(browser, results, small.links["jan@example.test"], big)
                finally:
                    browser.close()
        finally:
            seed.close()
            relay.stop()


def _measure(browser: Browser, results: Results, small_link: str, big: SentMessage) -> None:
    opens: list[float] = []
    kdfs: list[float] = []
    for _ in range(OPEN_ROUNDS):
        context = browser.new_context(locale="nl-NL")
        try:
            opened, kdf = _open_once(context.new_page(), small_link)
        finally:
            context.close()
        opens.append(opened)
        kdfs.append(kdf)
    open_ms = statistics.median(opens)
    kdf_ms = statistics.median(kdfs)
    results.record(
        "page.open_access_code_ms",
        open_ms,
        "ms",
        target=OPEN_TARGET_MS,
        higher_is_better=False,
    )
    results.record("page.open_access_code_kdf_ms", kdf_ms, "ms")
    results.record("page.open_access_code_rest_ms", open_ms - kdf_ms, "ms")

    context = browser.new_context(locale="nl-NL")
    try:
        page = context.new_page()
        page.add_init_script(SAVE_DIALOG_STANDIN)
        _open_once(page, big.links["jan@example.test"])
        attachment = big.manifest.attachments[0]
        url = (
            big.links["jan@example.test"].split("#")[0].replace("/m/", "/api/v1/r/")
            + f"/blobs/{attachment.blob_id}"
        )
        args = [url, big.cek.hex(), attachment.blob_id]
        ratios: list[float] = []
        plain_rates: list[float] = []
        decrypt_rates: list[float] = []
        disk_rates: list[float] = []
        for _ in range(DOWNLOAD_ROUNDS):
            plain = page.evaluate(TIME_DOWNLOAD, ["plain", *args]) / 1000
            decrypted = page.evaluate(TIME_DOWNLOAD, ["decrypt", *args]) / 1000
            disk = page.evaluate(TIME_DOWNLOAD, ["disk", *args]) / 1000
            plain_rates.append(DOWNLOAD_SIZE / plain / 1e6)
            decrypt_rates.append(DOWNLOAD_SIZE / decrypted / 1e6)
            disk_rates.append(DOWNLOAD_SIZE / disk / 1e6)
            ratios.append(plain / decrypted)
    finally:
        context.close()
    results.record(
        "page.download_decrypt_256mib",
        statistics.median(decrypt_rates),
        "MB/s",
        anchor="plain download of the same bytes in the same page",
        anchor_value=statistics.median(plain_rates),
        ratio=statistics.median(ratios),
        target=DOWNLOAD_TARGET_RATIO,
    )
    results.record(
        "page.download_decrypt_to_disk_256mib",
        statistics.median(disk_rates),
        "MB/s",
        anchor="plain download of the same bytes in the same page",
        anchor_value=statistics.median(plain_rates),
    )
