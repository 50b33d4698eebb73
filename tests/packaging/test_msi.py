"""packaging/zivverdesk.wxs built with wixl around a tiny stand-in bundle, then taken apart
with msitools: the tables Windows Installer acts on, the files in the embedded cabinet, and
the site-config command line the MSI runs, fed to the real writer."""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.packaging.writer import load_writer
from tests.plugins.availability import REPO_ROOT, require_programs
from zivverdesk.config import APP_AUTHOR, APP_NAME

pytestmark = pytest.mark.integration

PROGRAMS = ("zivverdesk", "zivverdesk-gui", "zivverdesk-site-config")
INTERNAL_FILES = {
    "_internal/base_library.zip": b"stand-in library archive",
    "_internal/resources/i18n/zivverdesk_nl.qm": b"stand-in translation",
    "_internal/resources/web/recipient.html": b"<!doctype html><title>stand-in</title>",
    "_internal/zivverdesk/relay/migrations/env.py": b"# stand-in migration environment\n",
}
# Deferred (0x400), as SYSTEM (no impersonation, 0x800), an installed program (18).
DEFERRED_SYSTEM_EXE = 18 | 0x400 | 0x800


def table(msi: Path, name: str) -> list[dict[str, str]]:
    """Rows of an MSI table (msiinfo export: header, types, key line, then rows)."""
    text = subprocess.run(
        ["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=True
    ).stdout
    lines = text.splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[3:]]


def directory_path(directories: dict[str, dict[str, str]], key: str) -> list[str]:
    """Names from the root down to directory `key` (the target name of "short|long")."""
    names = []
    while key and key != "TARGETDIR":
        row = directories[key]
        name = row["DefaultDir"].split(":")[0].split("|")[-1]
        names.append(key if name == "." else name)
        key = row["Directory_Parent"]
    return names[::-1]


@pytest.fixture(scope="module")
def msi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_programs("wixl (MSI builder)", "wixl", "wixl-heat", "msiinfo", package="wixl msitools")
    root = tmp_path_factory.mktemp("msi")
    payload = root / "bundle"
    for program in PROGRAMS:
        (payload / program).parent.mkdir(parents=True, exist_ok=True)
        (payload / program).write_bytes(f"stand-in program {program}".encode())
    for name, content in INTERNAL_FILES.items():
        (payload / name).parent.mkdir(parents=True, exist_ok=True)
        (payload / name).write_bytes(content)
    out = root / "zivverdesk-test.msi"
    result = subprocess.run(
        [
            "bash", str(REPO_ROOT / "packaging" / "build-msi.sh"),
            "--payload", str(payload), "--out", str(out), "--version", "1.2.3",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.is_file() and out.stat().st_size > 0
    return out


def test_msi_is_per_machine_with_version_and_fixed_upgrade_code(msi: Path) -> None:
    props = {r["Property"]: r["Value"] for r in table(msi, "Property")}
    assert props["ALLUSERS"] == "1"
    assert props["ProductVersion"] == "1.2.3"
    wxs = (REPO_ROOT / "packaging" / "zivverdesk.wxs").read_text(encoding="utf-8")
    upgrade_code = re.search(r'UpgradeCode="([0-9A-F-]{36})"', wxs)  # upper case, as MSI wants
    assert upgrade_code and props["UpgradeCode"] == "{" + upgrade_code.group(1) + "}"
    summary = subprocess.run(
        ["msiinfo", "suminfo", str(msi)], capture_output=True, text=True, check=True
    ).stdout
    assert "x64" in summary
    # No dialogs: `msiexec /qn` has nothing to skip and nothing to wait for.
    tables = subprocess.run(
        ["msiinfo", "tables", str(msi)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "Dialog" not in tables


def test_bundle_goes_under_program_files_and_comes_out_intact(msi: Path, tmp_path: Path) -> None:
    directories = {r["Directory"]: r for r in table(msi, "Directory")}
    assert directory_path(directories, "INSTALLDIR") == ["ProgramFiles64Folder", "zivverdesk"]
    names = {r["FileName"].split("|")[-1] for r in table(msi, "File")}
    assert {"zivverdesk.exe", "zivverdesk-gui.exe", "zivverdesk-site-config.exe"} <= names
    assert {Path(n).name for n in INTERNAL_FILES} <= names

    streams = subprocess.run(
        ["msiinfo", "streams", str(msi)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "zivverdesk.cab" in streams  # embedded: the .msi is the only file to deploy
    subprocess.run(["msiextract", "-C", str(tmp_path), str(msi)], check=True, capture_output=True)
    installed = next(tmp_path.rglob("zivverdesk.exe")).parent
    assert installed.name == "zivverdesk"
    assert (installed / "zivverdesk-gui.exe").read_bytes() == b"stand-in program zivverdesk-gui"
    for name, content in INTERNAL_FILES.items():
        assert (installed / name).read_bytes() == content


def test_start_menu_shortcut_opens_the_windowed_app(msi: Path) -> None:
    (shortcut,) = table(msi, "Shortcut")
    assert shortcut["Directory_"] == "ProgramMenuFolder"
    assert shortcut["Target"] == "[INSTALLDIR]zivverdesk-gui.exe"
    assert shortcut["WkDir"] == "INSTALLDIR"
    component = next(r for r in table(msi, "Component") if r["Component"] == shortcut["Component_"])
    registry = next(r for r in table(msi, "Registry") if r["Registry"] == component["KeyPath"])
    assert registry["Root"] == "2"  # HKLM: a per-machine key path for a per-machine shortcut


def test_site_config_dir_is_where_the_application_reads_it(msi: Path) -> None:
    directories = {r["Directory"]: r for r in table(msi, "Directory")}
    # platformdirs on Windows: site_config_dir = CommonAppData\<author>\<app>
    assert directory_path(directories, "SITECONFIGDIR") == [
        "CommonAppDataFolder",
        APP_AUTHOR,
        APP_NAME,
    ]


def test_public_properties_reach_site_toml_through_the_installed_writer(
    msi: Path, tmp_path: Path
) -> None:
    (action,) = [r for r in table(msi, "CustomAction") if r["Action"] == "WriteSiteConfig"]
    assert int(action["Type"]) == DEFERRED_SYSTEM_EXE
    files = {r["File"]: r for r in table(msi, "File")}
    assert files[action["Source"]]["FileName"].split("|")[-1] == "zivverdesk-site-config.exe"
    sequence = {r["Action"]: r for r in table(msi, "InstallExecuteSequence")}
    step = sequence["WriteSiteConfig"]
    assert int(step["Sequence"]) > int(sequence["InstallFiles"]["Sequence"])
    assert step["Condition"] == 'NOT (REMOVE~="ALL")'

    # What Windows Installer runs, with the properties of a silent install filled in.
    values = {
        "SITECONFIGDIR": f"{tmp_path}/",
        "RELAYURL": "https://relay.praktijk.example",
        "IMAPHOST": "mail.praktijk.example",
        "SMTPHOST": "smtp.praktijk.example",
        "OAUTHCLIENTID": "",
        "OAUTHTENANT": "",
        "LOCKED": "relay_url",
    }
    command = re.sub(r"\[([A-Z]+)\]", lambda m: values[m.group(1)], action["Target"])
    assert load_writer().main(shlex.split(command)) == 0
    site = tomllib.loads((tmp_path / "site.toml").read_text(encoding="utf-8"))
    assert site == {
        "locked": ["relay_url"],
        "settings": {"relay_url": "https://relay.praktijk.example"},
        "mail": {"imap_host": "mail.praktijk.example", "smtp_host": "smtp.praktijk.example"},
    }
