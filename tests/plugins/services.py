"""Fixtures for real local servers: Dovecot, SMTP, PostgreSQL, Chromium.

All of them listen on 127.0.0.1 only, on ports chosen at run time, in throw-away folders,
and are stopped at the end of the session. A failing test that used one of them gets its
logs in the report. With CI=true a service that cannot start fails the test; elsewhere the
test is skipped with the reason.

Fixtures: `mailstack`, `mail_account`, `postgres_cluster`, `postgres_url`,
`postgres_database`, `browser`, `page`; helper: `free_port()`.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.plugins.availability import require_programs, service_unavailable
from tests.plugins.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.plugins.mailstack import MailAccount, MailStack, MailStackError
from tests.plugins.postgres import PostgresCluster, PostgresError
from tests.plugins.servicelogs import pytest_runtest_makereport, register_logs, unregister_logs

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = [
    "MailAccount",
    "MailStack",
    "PostgresCluster",
    "browser",
    "free_port",
    "mail_account",
    "mailstack",
    "page",
    "postgres_cluster",
    "postgres_database",
    "postgres_url",
    "pytest_runtest_makereport",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- mail ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mailstack(request: pytest.FixtureRequest) -> Iterator[MailStack]:
    """Dovecot (IMAP+STARTTLS, IMAPS, LMTP, IDLE) and SMTP (submission + relay port)."""
    require_programs(
        "Dovecot", "/usr/sbin/dovecot", "openssl", "envsubst", package="dovecot-imapd dovecot-lmtpd"
    )
    try:
        stack = MailStack.start()
    except MailStackError as exc:
        service_unavailable(f"the test mail stack did not start: {exc}")
    register_logs(request.config, "mailstack", stack.log_files)
    try:
        yield stack
    finally:
        unregister_logs(request.config, "mailstack")
        stack.stop()


@pytest.fixture
def mail_account(mailstack: MailStack) -> Callable[[str], MailAccount]:
    """Factory: `mail_account("alice")` makes a fresh mailbox named alice-<random>."""
    return mailstack.add_account


# --- PostgreSQL ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_cluster(request: pytest.FixtureRequest) -> Iterator[PostgresCluster]:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        service_unavailable(
            "PostgreSQL is not installed; run `apt-get install postgresql` or `make test` as root"
        )
    try:
        cluster = PostgresCluster.start()
    except PostgresError as exc:
        service_unavailable(f"the throw-away PostgreSQL cluster did not start: {exc}")
    register_logs(request.config, "postgres_cluster", {"postgres": cluster.log_file})
    try:
        yield cluster
    finally:
        unregister_logs(request.config, "postgres_cluster")
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """`postgresql://…` of the cluster's `postgres` database, as its superuser."""
    return postgres_cluster.url


@pytest.fixture
def postgres_database(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """URL of a fresh, empty database, dropped after the test."""
    url = postgres_cluster.create_database()
    yield url
    postgres_cluster.drop_database(url)


# --- Chromium --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless and off the network, driven by Playwright."""
    require_programs("Chromium", CHROMIUM, package="chromium")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
            )
        except PlaywrightError as exc:
            service_unavailable(f"Chromium did not start: {exc}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new page in a fresh browser context (no cookies or storage from other tests)."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
