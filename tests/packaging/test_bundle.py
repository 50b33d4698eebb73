"""`make package` for real: the PyInstaller bundle is built and its programs run — the command
line, the relay with its migrations and web page, the site-config writer and the app's start
(Qt and the compiled translations load from the bundle) — then wrapped in an MSI."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.plugins.availability import REPO_ROOT, require_programs, tail
from tests.plugins.services import free_port
from zivverdesk import __version__

pytestmark = [pytest.mark.integration, pytest.mark.slow]  # PyInstaller: 2–5 minutes


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    require_programs("wixl (MSI builder)", "wixl", "wixl-heat", "msiinfo", package="wixl msitools")
    if not (REPO_ROOT / ".venv" / "bin" / "pyinstaller").exists():
        pytest.fail("PyInstaller is not installed: .venv/bin/pip install -e '.[packaging]'")
    work = tmp_path_factory.mktemp("package")
    log = work / "build.log"
    with log.open("wb") as out:
        result = subprocess.run(
            ["bash", str(REPO_ROOT / "packaging" / "build-msi.sh"), "--work", str(work)],
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=1200,
            check=False,
        )
    assert result.returncode == 0, tail(log)
    msi = next(work.glob("zivverdesk-*.msi"))
    return work / "dist" / "zivverdesk", msi


def bundle_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZIVVERDESK_")}
    return env | {"ZIVVERDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def test_bundled_command_line_prints_its_version(built: tuple[Path, Path], tmp_path: Path) -> None:
    bundle, _ = built
    result = subprocess.run(
        [str(bundle / "zivverdesk"), "--version"],
        capture_output=True,
        text=True,
        env=bundle_env(tmp_path),
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == f"zivverdesk {__version__}"


def test_bundled_relay_migrates_and_serves_the_recipient_page(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    bundle, _ = built
    port = free_port()
    log = tmp_path / "relay.log"
    with log.open("wb") as out:
        relay = subprocess.Popen(
            [str(bundle / "zivverdesk"), "relay", "serve", "--data", str(tmp_path / "relay"),
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=bundle_env(tmp_path),
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert relay.poll() is None, tail(log)
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, tail(log)
            time.sleep(0.1)
        page = httpx.get(f"http://127.0.0.1:{port}/m/{'a' * 32}/{'b' * 32}", timeout=10)
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert (tmp_path / "relay" / "relay.sqlite3").exists()
    finally:
        relay.send_signal(signal.SIGTERM)
        relay.wait(timeout=30)


def test_bundled_site_config_writer_checks_and_writes(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    bundle, _ = built
    site = tmp_path / "site.toml"
    writer = str(bundle / "zivverdesk-site-config")
    ok = subprocess.run(
        [writer, "--file", str(site), "--relay-url", "https://relay.example",
         "--lock", "relay_url"],
        capture_output=True, text=True, env=bundle_env(tmp_path), timeout=60, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert 'relay_url = "https://relay.example"' in site.read_text(encoding="utf-8")
    bad = subprocess.run(
        [writer, "--file", str(site), "--relay-url", "relay.example"],
        capture_output=True, text=True, env=bundle_env(tmp_path), timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 1 and "not a valid value" in bad.stderr


def test_bundled_app_starts_qt_with_its_translations(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    """Without an OS keyring (a build machine) the app stops at the keystore with its own
    message: by then Qt and the bundled translations have loaded. With one, it stays open."""
    bundle, _ = built
    log = tmp_path / "gui.log"
    with log.open("wb") as out:
        app = subprocess.Popen(
            [str(bundle / "zivverdesk-gui"), "--profile", str(tmp_path / "profile")],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=bundle_env(tmp_path / "profile"),
        )
    try:
        code = app.wait(timeout=20)
    except subprocess.TimeoutExpired:
        code = None  # still running: the window is up
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
            app.wait(timeout=30)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text
    if code is not None:
        assert code == 2 and "No secure OS keyring" in text, text


def test_msi_holds_the_bundle(built: tuple[Path, Path]) -> None:
    bundle, msi = built
    files = subprocess.run(
        ["msiinfo", "export", str(msi), "File"], capture_output=True, text=True, check=True
    ).stdout
    assert "zivverdesk-gui.exe" in files
    # Files and links to files (Linux bundles link shared libraries; the MSI holds copies).
    bundled = sum(1 for p in (bundle / "_internal").rglob("*") if p.is_file())
    # Three programs plus one row per file below _internal (and the three header lines).
    assert len(files.splitlines()) == bundled + 3 + 3
