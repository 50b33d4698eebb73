"""How the recipient page renders: hostile text stays text, it fits 360 px and 1366 px
(screenshots are kept under build/test-artifacts/web/), it works with the keyboard alone with
a visible focus, both languages have the same strings, and every script carries SRI."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from tests.web.relay_seed import (
    ACCESS_CODE,
    OFFICE,
    Attachment,
    OfficeUser,
    Recipient,
    RelaySeed,
    artifact_dir,
    page_relay_fixture,  # noqa: F401
    recipient_page,
    seed_fixture,  # noqa: F401
    sender_fixture,  # noqa: F401
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

WEB = Path(__file__).resolve().parents[2] / "resources" / "web"
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
# File names may not hold "/" (the manifest refuses paths), so no closing tags there.
HOSTILE_NAME = '<img src=x onerror="window.pwned=3"><svg onload="window.pwned=4">'


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None, "the recipient page is opened with a fixed viewport"
    assert width <= viewport["width"], f"page is {width}px wide"


def test_script_injection_in_subject_body_file_names_and_sender_renders_as_text(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    attachment = Attachment.from_bytes(seed.tmp, f"{HOSTILE_NAME}.pdf", b"%PDF-1.4 x")
    sent = seed.send(
        sender,
        [Recipient(address="jan@example.test", access_code=ACCESS_CODE)],
        subject=f"Uitslag {HOSTILE}",
        body=f"Regel een\n{HOSTILE}\n</div><b>vet</b>",
        attachments=[attachment],
        sender_name=f"Anna {HOSTILE}",
        organisation=OFFICE["name"],
    )
    with recipient_page(browser) as (page, problems):
        dialogs: list[str] = []

        def on_dialog(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(sent.links["jan@example.test"])
        page.fill("#access-code", ACCESS_CODE)
        page.click("#open")
        article = page.locator("#thread article")
        expect(article.locator("h2")).to_have_text(f"Uitslag {HOSTILE}")
        expect(article.locator(".body")).to_have_text(f"Regel een\n{HOSTILE}\n</div><b>vet</b>")
        expect(article.locator(".attachment-name")).to_have_text(f"{HOSTILE_NAME}.pdf")
        expect(article.locator(".meta")).to_contain_text(f"Anna {HOSTILE}")
        assert page.locator("#main img, #main script, #main b, #main svg:not(.icon)").count() == 0
        assert page.evaluate("window.pwned") is None
        assert dialogs == []
        problems.assert_none()


def send_with_attachments(seed: RelaySeed, sender: OfficeUser) -> str:
    files = [
        Attachment.from_bytes(seed.tmp, name, b"x" * size, media)
        for name, size, media in [
            ("Medisch rapport dr. Van der Berg - definitief.pdf", 2_400_000, "application/pdf"),
            ("foto-knie.jpg", 380_000, "image/jpeg"),
        ]
    ]
    sent = seed.send(
        sender,
        [Recipient(address="jan@example.test", name="Jan Jansen", access_code=ACCESS_CODE)],
        subject="Uw medisch advies over de aanvraag van 12 november",
        body=(
            "Beste heer Jansen,\n\nIn de bijlage vindt u het medisch advies. Heeft u vragen, "
            "bel dan gerust het secretariaat.\n\nMet vriendelijke groet,\n\nA. de Vries\n"
            "Medisch adviseur"
        ),
        attachments=files,
        organisation=OFFICE["name"],
    )
    return sent.links["jan@example.test"]


@pytest.mark.parametrize("width", [360, 1366])
def test_layout_at_360_and_1366_px_with_screenshots(
    browser: Browser, seed: RelaySeed, sender: OfficeUser, width: int
) -> None:
    link = send_with_attachments(seed, sender)
    out = artifact_dir()
    with recipient_page(browser, width=width, height=800) as (page, problems):
        page.goto(link)
        expect(page.locator("#access-code")).to_be_visible()
        no_horizontal_scroll(page)
        page.screenshot(path=out / f"recipient-landing-{width}.png", full_page=True)
        page.fill("#access-code", "verkeerd")
        page.click("#open")
        expect(page.locator("#code-error")).to_contain_text("Onjuiste toegangscode")
        no_horizontal_scroll(page)
        page.screenshot(path=out / f"recipient-wrong-code-{width}.png", full_page=True)
        page.fill("#access-code", ACCESS_CODE)
        page.click("#open")
        expect(page.locator("#thread article")).to_have_count(1)
        page.click("#reply-open")
        page.fill("#reply-text", "Dank u wel voor het advies.")
        attachment = seed.tmp / "aanvullende informatie huisarts.pdf"
        attachment.write_bytes(b"%PDF" * 1000)
        page.set_input_files("#reply-files", [str(attachment)])
        no_horizontal_scroll(page)
        page.screenshot(path=out / f"recipient-thread-{width}.png", full_page=True)
        # Buttons stay big enough to tap on a phone.
        box = page.locator("#reply-send").bounding_box()
        assert box is not None and box["height"] >= 40
        page.goto(link.split("#")[0])
        expect(page.locator("section[data-state=fragment]")).to_be_visible()
        no_horizontal_scroll(page)
        page.screenshot(path=out / f"recipient-broken-link-{width}.png", full_page=True)
        problems.assert_none()


def focus_ring(page: Page) -> str:
    ring: str = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle + ' ' + s.outlineWidth; })()"
    )
    return ring


def tab_to(page: Page, selector: str, limit: int = 25) -> None:
    """Press Tab until `selector` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus by Tab")


def test_keyboard_only_verify_read_reply(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    link = send_with_attachments(seed, sender)
    attachment = seed.tmp / "antwoord.txt"
    attachment.write_text("bijlage via het toetsenbord")
    with recipient_page(browser) as (page, problems):
        # Chromium intercepts file choosers only once a listener exists; added here, well
        # before the key press, instead of by expect_file_chooser() just before it (a race
        # that lost once in a full run: the chooser opened unintercepted and no event came).
        page.on("filechooser", lambda _chooser: None)
        page.goto(link)
        # The code field has the focus on arrival; Enter submits the form.
        expect(page.locator("#access-code")).to_be_focused()
        page.keyboard.type(ACCESS_CODE)
        page.keyboard.press("Enter")
        expect(page.locator("#thread article")).to_have_count(1)
        tab_to(page, "[data-blob-id]")
        assert focus_ring(page) == "solid 3px"
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith(".pdf")
        tab_to(page, "#reply-open")
        assert focus_ring(page) == "solid 3px"
        page.keyboard.press("Enter")
        expect(page.locator("#reply-text")).to_be_focused()
        page.keyboard.type("Antwoord zonder muis.")
        tab_to(page, "#reply-attach")
        assert focus_ring(page) == "solid 3px"
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")  # buttons answer Space as well as Enter
        chooser.value.set_files(str(attachment))
        expect(page.locator("#reply-file-list li")).to_have_count(1)
        tab_to(page, "#reply-send")
        page.keyboard.press("Enter")
        expect(page.locator("#reply-status")).to_have_text("Uw antwoord is veilig verstuurd.")
        expect(page.locator("#thread article")).to_have_count(2)
        expect(page.locator("#reply-open")).to_be_focused()
        problems.assert_none()


def test_both_languages_have_the_same_strings_and_placeholders(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    link = send_with_attachments(seed, sender)
    with recipient_page(browser) as (page, problems):
        page.goto(link)
        tables = page.evaluate("import('/web/i18n.js').then((m) => m.TABLES)")
        problems.assert_none()
    assert set(tables) == {"nl", "en"}
    assert set(tables["nl"]) == set(tables["en"])
    for key, dutch in tables["nl"].items():
        fields = sorted(re.findall(r"\{(\w+)\}", dutch))
        assert fields == sorted(re.findall(r"\{(\w+)\}", tables["en"][key])), key
    # The words agreed for the whole product are used as agreed.
    assert tables["nl"]["verify.code.label"] == "Toegangscode"
    assert tables["nl"]["verify.code.wrong"] == "Onjuiste toegangscode. Nog {n} pogingen."
    assert tables["nl"]["state.revoked.title"] == "Dit bericht is ingetrokken door de afzender"
    assert tables["en"]["verify.code.wrong"] == "Wrong access code. {n} tries left."


def module_graph(entry: str) -> set[str]:
    """Every module `entry` imports, directly or not (paths relative to resources/web)."""
    seen: set[str] = set()
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        text = (WEB / name).read_text(encoding="utf-8")
        for target in re.findall(r'(?:import|export)\s[^;]*?from\s+"(\.{1,2}/[^"]+)"', text):
            resolved = (WEB / name).parent.joinpath(target).resolve().relative_to(WEB)
            todo.append(resolved.as_posix())
    return seen


@pytest.mark.parametrize(
    ("path", "entry"),
    [
        ("/m/" + "a" * 32 + "/" + "b" * 32, "page-recipient.js"),
        (f"/start/{OFFICE['starter_slug']}", "page-starter.js"),
    ],
)
def test_every_script_and_style_of_the_pages_carries_sri(
    seed: RelaySeed, path: str, entry: str
) -> None:
    html = httpx.get(seed.base_url + path).text
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    loaded: dict[str, str] = {}
    for tag in tags:
        url = re.search(r'(?:src|href)="(/web/[^"]+)"', tag)
        if url:
            integrity = re.search(r'integrity="(sha384-[^"]+)"', tag)
            assert integrity, f"no SRI on {tag}"
            loaded[url.group(1).removeprefix("/web/")] = integrity.group(1)
    assert module_graph(entry) <= set(loaded), "a module is imported without a preload + SRI"
    published = httpx.get(seed.base_url + "/web-assets.json").json()["assets"]
    for name, sri in loaded.items():
        assert published[f"/web/{name}"] == sri
    assert "<script>" not in html and " style=" not in html
