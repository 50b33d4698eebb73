"""A 100 MiB attachment downloads through the page's streaming path with a matching SHA-256,
while the page's renderer memory stays far below the file size.

Chromium streams large files to disk through the File System Access API
(`showSaveFilePicker` → a writable file stream). A headless browser cannot click a native save
dialog, so the test stands in for the dialog only: an init script makes `showSaveFilePicker`
return a real file handle in the origin-private file system (OPFS). Everything after the dialog
(fetch, decrypt record by record, `pipeTo` the file's writable stream) is the page's own code.

Memory is read from Chromium itself while the download runs (DevTools `Runtime.getHeapUsage`):
the JavaScript heap and the ArrayBuffer backing stores, which is where a page that collected
the file would keep it. Released records wait for V8's garbage collector, so the backing
stores float at a few dozen MiB whatever the file size; a page holding the file would need
at least the file size.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import Browser, expect

from tests.web.relay_seed import (
    ACCESS_CODE,
    OFFICE,
    Attachment,
    OfficeUser,
    Recipient,
    RelaySeed,
    page_relay_fixture,  # noqa: F401
    recipient_page,
    seed_fixture,  # noqa: F401
    sender_fixture,  # noqa: F401
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

MIB = 1024 * 1024
# A page that kept the file would hold at least all of it; streaming stays well below.
MEMORY_LIMIT = 96 * MIB
# The save dialog's stand-in: a file in the page's origin-private file system.
SAVE_DIALOG_STANDIN = """
window.showSaveFilePicker = async (options = {}) => {
  const root = await navigator.storage.getDirectory();
  window.savedName = "saved-" + (options.suggestedName || "file");
  return root.getFileHandle(window.savedName, { create: true });
};
"""
SAVED_SHA256 = """async () => {
  const root = await navigator.storage.getDirectory();
  const file = await (await root.getFileHandle(window.savedName)).getFile();
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"));
  return [file.size, hex.join("")];
}"""


def renderer_rss() -> int:
    """Summed RSS of the Chromium renderer processes this test run started (for the record)."""
    total = 0
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if "--type=renderer" in child.cmdline():
                total += child.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def write_random_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 4 * 1024 * 1024))
            digest.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    return digest.hexdigest()


@pytest.mark.parametrize(
    "size", [100 * MIB, pytest.param(400 * MIB, marks=pytest.mark.slow)], ids=["100MiB", "400MiB"]
)
def test_large_attachment_streams_to_disk_with_bounded_memory(
    browser: Browser, seed: RelaySeed, sender: OfficeUser, size: int
) -> None:
    source = seed.tmp / "scan-archief.bin"
    expected = write_random_file(source, size)
    sent = seed.send(
        sender,
        [Recipient(address="jan@example.test", access_code=ACCESS_CODE)],
        subject="Dossier",
        body="Het volledige dossier staat in de bijlage.",
        attachments=[Attachment(name="dossier.bin", path=source)],
        organisation=OFFICE["name"],
    )
    source.unlink()
    with recipient_page(browser) as (page, problems):
        page.add_init_script(SAVE_DIALOG_STANDIN)
        page.goto(sent.links["jan@example.test"])
        page.fill("#access-code", ACCESS_CODE)
        page.click("#open")
        expect(page.locator("#thread article")).to_have_count(1)
        devtools = page.context.new_cdp_session(page)
        rss_before = renderer_rss()
        status = page.locator(".attachment-status")
        peak_heap = peak_buffers = peak_rss = 0
        started = time.monotonic()
        page.get_by_role("button", name="dossier.bin downloaden").click()
        # Sampling memory is the point of this loop, so it polls instead of waiting once.
        while status.text_content() != "Gedownload":
            assert time.monotonic() - started < 240, "the download did not finish"
            usage = devtools.send("Runtime.getHeapUsage")
            peak_heap = max(peak_heap, usage["usedSize"])
            peak_buffers = max(peak_buffers, usage["backingStorageSize"])
            peak_rss = max(peak_rss, renderer_rss())
            page.wait_for_timeout(50)
        seconds = time.monotonic() - started
        print(
            f"{size // MIB} MiB download+decrypt to disk: {seconds:.1f} s "
            f"({size / seconds / 1e6:.0f} MB/s); peak JS heap {peak_heap / MIB:.1f} MiB, "
            f"peak ArrayBuffer stores {peak_buffers / MIB:.0f} MiB, renderer RSS "
            f"{rss_before / MIB:.0f} -> {peak_rss / MIB:.0f} MiB"
        )
        assert peak_heap + peak_buffers < MEMORY_LIMIT
        saved_size, digest = page.evaluate(SAVED_SHA256)
        assert saved_size == size
        assert digest == expected
        problems.assert_none()


FOLDER_DIALOG_STANDIN = """
window.showDirectoryPicker = async () => navigator.storage.getDirectory();
"""
FOLDER_LISTING = """async () => {
  const root = await navigator.storage.getDirectory();
  const out = {};
  for await (const [name, handle] of root.entries()) {
    const file = await handle.getFile();
    const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
    out[name] = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return out;
}"""


def test_download_all_with_a_large_file_asks_once_for_a_folder(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    big = seed.tmp / "groot.bin"
    big_sha = write_random_file(big, 70 * MIB)
    small = b"kleine bijlage"
    sent = seed.send(
        sender,
        [Recipient(address="jan@example.test", access_code=ACCESS_CODE)],
        subject="Twee bijlagen",
        body="Een grote en een kleine.",
        attachments=[
            Attachment(name="groot.bin", path=big),
            Attachment.from_bytes(seed.tmp, "klein.txt", small),
        ],
    )
    big.unlink()
    with recipient_page(browser) as (page, problems):
        page.add_init_script(FOLDER_DIALOG_STANDIN)
        page.goto(sent.links["jan@example.test"])
        # A file of that name is already in the chosen folder: it must not be overwritten.
        page.evaluate(
            """async () => {
              const root = await navigator.storage.getDirectory();
              const w = await (await root.getFileHandle("klein.txt", { create: true }))
                .createWritable();
              await w.write("al aanwezig");
              await w.close();
            }"""
        )
        page.fill("#access-code", ACCESS_CODE)
        page.click("#open")
        page.get_by_role("button", name="Alles downloaden").click()
        expect(page.locator(".attachment-status")).to_have_text(
            ["Gedownload", "Gedownload"], timeout=120_000
        )
        listing = page.evaluate(FOLDER_LISTING)
        problems.assert_none()
    assert listing == {
        "groot.bin": big_sha,
        "klein.txt": hashlib.sha256(b"al aanwezig").hexdigest(),
        "klein (2).txt": hashlib.sha256(small).hexdigest(),
    }
