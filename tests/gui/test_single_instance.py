"""The desktop app runs once per profile. The app is started for real (`zivverdesk gui`, Qt
offscreen) in processes of its own: a second start on the same profile brings the first
one's window forward and ends with 0; a start on another profile opens normally; the lock of
a killed app does not stop the next start. What each process did is read from the profile's
log file, which every start on the profile writes to."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from zivverdesk import config
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.gui.single_instance import FirstStartNotResponding, SingleInstance, server_name

pytestmark = pytest.mark.gui

#: Long enough never to be reached on a working run (a start imports Qt and opens a profile).
TIMEOUT = 60.0
STARTED = "zivverdesk.gui.app: desktop started"
CAME_FORWARD = "a later start on this profile asked the window to come forward"


class Desktop:
    """`zivverdesk gui --profile HOME` in a process of its own."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.output = home.parent / f"{home.name}-{time.monotonic_ns()}.out"
        env = {**os.environ, INSECURE_ENV: "1", "QT_QPA_PLATFORM": "offscreen"}
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "zivverdesk", "gui", "--profile", str(home)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def exit_code(self) -> int:
        try:
            return self.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(TIMEOUT)
            raise AssertionError(f"still running after {TIMEOUT} s:\n{self.report()}") from None

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.running():
            self.process.kill()
        self.process.wait(TIMEOUT)

    def report(self) -> str:
        return self.output.read_text(errors="replace") + "\n--- log ---\n" + log_text(self.home)


def log_text(home: Path) -> str:
    log_file = config.profile_paths(home).log_file
    return log_file.read_text(encoding="utf-8") if log_file.exists() else ""


def wait_for_log(home: Path, line: str, count: int, desktop: Desktop) -> None:
    """Until the profile's log holds `line` `count` times (the app writes as it goes)."""
    deadline = time.monotonic() + TIMEOUT
    while log_text(home).count(line) < count:
        assert desktop.running(), f"the app ended early:\n{desktop.report()}"
        assert time.monotonic() < deadline, f"no {line!r} in the log:\n{desktop.report()}"
        time.sleep(0.1)


StartDesktop = Callable[[Path], Desktop]


@pytest.fixture
def start_desktop() -> Iterator[StartDesktop]:
    """Starts the app on a profile; every app still running at the end is killed."""
    started: list[Desktop] = []

    def start(home: Path) -> Desktop:
        desktop = Desktop(home)
        started.append(desktop)
        return desktop

    yield start
    for desktop in started:
        desktop.kill()


def test_a_second_start_on_the_profile_brings_the_first_forward_and_ends(
    tmp_path: Path, start_desktop: StartDesktop
) -> None:
    home = tmp_path / "desk"
    first = start_desktop(home)
    wait_for_log(home, STARTED, 1, first)

    second = start_desktop(home)
    assert second.exit_code() == 0, second.report()
    wait_for_log(home, CAME_FORWARD, 1, first)
    assert log_text(home).count(STARTED) == 1  # no second window was made
    assert first.running()


def test_a_start_on_another_profile_opens_its_own_window(
    tmp_path: Path, start_desktop: StartDesktop
) -> None:
    office, home_office = tmp_path / "office", tmp_path / "home-office"
    first = start_desktop(office)
    wait_for_log(office, STARTED, 1, first)

    other = start_desktop(home_office)
    wait_for_log(home_office, STARTED, 1, other)
    assert first.running() and other.running()
    assert CAME_FORWARD not in log_text(office)


def test_the_lock_of_a_killed_app_does_not_stop_the_next_start(
    tmp_path: Path, start_desktop: StartDesktop
) -> None:
    home = tmp_path / "desk"
    crashed = start_desktop(home)
    wait_for_log(home, STARTED, 1, crashed)
    crashed.kill()  # no clean-up runs: its lock file (and on Unix its socket file) stay
    lock_file = config.profile_paths(home).lock_dir / "desktop.lock"
    assert lock_file.exists()

    restarted = start_desktop(home)
    wait_for_log(home, STARTED, 2, restarted)
    # And the new app is the profile's one app: a later start hands over to it.
    again = start_desktop(home)
    assert again.exit_code() == 0, again.report()
    wait_for_log(home, CAME_FORWARD, 1, restarted)


def test_a_start_that_finds_the_app_not_answering_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    paths = config.profile_paths(tmp_path / "desk").ensure()
    first = SingleInstance(paths)
    assert first.start()
    first.stop_listening()  # holds the profile but answers nobody, as a hung app would
    try:
        with pytest.raises(FirstStartNotResponding, match="does not respond"):
            SingleInstance(paths).start(patience=0.5)
    finally:
        first.release()
    # Once the lock is let go, the next start is the profile's app.
    after = SingleInstance(paths)
    assert after.start()
    after.release()


def test_the_socket_name_is_one_per_profile(tmp_path: Path) -> None:
    office = tmp_path / "office"
    office.mkdir()
    assert server_name(office) == server_name(tmp_path / "x" / ".." / "office")
    assert server_name(office) != server_name(tmp_path / "home-office")
    assert str(tmp_path) not in server_name(office)
