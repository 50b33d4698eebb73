"""The `zivverdesk` command: readable output, JSON where offered, exit 2 with one line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import Desk, account_add_args
from tests.plugins.mailstack import MailAccount
from tests.plugins.relay import RelayProcess


@pytest.fixture
def desk(profile_dir: Path) -> Desk:
    return Desk(profile_dir)


def _one_line_failure(result: object) -> str:
    code, err = result.code, result.err  # type: ignore[attr-defined]
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("zivverdesk: "), err
    return str(lines[0])


def test_address_book_commands(desk: Desk, tmp_path: Path) -> None:
    desk.run(
        "org",
        "add",
        "Gemeente",
        "--domain",
        "gemeente.test",
        "--access-code-stdin",
        "--contact",
        "Balie, 14 020",
        stdin="Sleutel-2024\n",
    )
    assert desk.run("org", "code", "Gemeente").out.strip() == "Sleutel-2024"
    desk.run("org", "code", "Gemeente", "--set", "Nieuw-2025")
    assert desk.run("org", "code", "Gemeente").out.strip() == "Nieuw-2025"
    (org,) = desk.json("org", "list")
    assert org["domains"] == ["gemeente.test"] and org["has_access_code"] is True
    desk.run(
        "org",
        "edit",
        "Gemeente",
        "--domain",
        "gemeente.test",
        "--domain",
        "gem2.test",
        "--contact",
        "Balie",
    )
    (org,) = desk.json("org", "list")
    assert org["domains"] == ["gem2.test", "gemeente.test"] and org["contact_person"] == "Balie"
    desk.run(
        "contact",
        "add",
        "ambtenaar@gemeente.test",
        "--name",
        "A. Ambtenaar",
        "--mobile",
        "+31611122233",
        "--org",
        "Gemeente",
    )
    csv_file = tmp_path / "c.csv"
    csv_file.write_text("email,name\nnieuw@x.test,Nieuw\n", encoding="utf-8")
    out = desk.run("contacts", "import", str(csv_file)).out
    assert "1 toegevoegd" in out
    assert {c["email"] for c in desk.json("contacts", "list")} == {
        "ambtenaar@gemeente.test",
        "nieuw@x.test",
    }
    line = _one_line_failure(
        desk.run("org", "add", "Dubbel", "--domain", "gemeente.test", ok=False)
    )
    assert "gemeente.test" in line


def test_failures_are_one_line(desk: Desk) -> None:
    line = _one_line_failure(
        desk.run(
            "send", "--to", "a@b.test", "--email-code", "--subject", "s", "--body", "b", ok=False
        )
    )
    assert "account" in line
    assert "Bericht niet gevonden" in _one_line_failure(desk.run("show", "0" * 32, ok=False))
    assert desk.json("list") == [] and desk.json("outbox") == []
    assert "leeg" in desk.run("outbox").out


@pytest.mark.integration
def test_account_add_tests_the_connection_before_saving(
    desk: Desk, mail_account: Callable[[str], MailAccount]
) -> None:
    account = mail_account("secretariaat")
    args = account_add_args(account)
    line = _one_line_failure(desk.run(*args, stdin="wrong-password\n", ok=False))
    assert "password" in line.lower() or "wachtwoord" in line.lower()
    assert desk.run("account", "list").out.strip() == ""
    # Without the CA file the self-signed certificate is refused (never unverified TLS).
    no_ca = [a for a in args if a not in ("--ca-file", str(account.ca_file))]
    line = _one_line_failure(desk.run(*no_ca, stdin=account.password + "\n", ok=False))
    assert "certifica" in line.lower()
    desk.run(*args, stdin=account.password + "\n")
    assert account.email in desk.run("account", "list").out


@pytest.mark.integration
def test_enroll_with_a_wrong_code(desk: Desk, relay_server: RelayProcess) -> None:
    line = _one_line_failure(
        desk.run("enroll", "--relay", relay_server.url, "--code", "niet-geldig", ok=False)
    )
    assert "enroll" in line.lower() or "aanmeld" in line.lower() or "code" in line.lower()
    result = desk.run("enroll", "--relay", "http://127.0.0.1:9", "--code", "x", ok=False)
    assert "127.0.0.1:9" in _one_line_failure(result)
    assert json.loads(desk.run("list", "--json").out) == []


def test_reauth_takes_the_address_as_argument_or_option() -> None:
    from zivverdesk.cli import build_parser

    parser = build_parser()
    positional = parser.parse_args(["account", "reauth", "a@example.test"])
    option = parser.parse_args(["account", "reauth", "--email", "b@example.test"])
    assert (positional.email, positional.email_option) == ("a@example.test", None)
    assert (option.email, option.email_option) == (None, "b@example.test")


def test_empty_access_code_on_stdin_is_refused(desk: Desk) -> None:
    result = desk.run(
        "org", "add", "Leeg", "--domain", "leeg.test", "--access-code-stdin", stdin="\n", ok=False
    )
    assert "toegangscode" in _one_line_failure(result)


def test_deleting_contacts_and_organisations(desk: Desk) -> None:
    desk.run("org", "add", "Gemeente", "--domain", "gemeente.test", "--access-code", "Sleutel-24")
    desk.run(
        "contact", "add", "balie@gemeente.test", "--mobile", "06 1234 5678", "--org", "Gemeente"
    )
    desk.run("contact", "add", "weg@elders.test", "--name", "Vertrokken")
    # An organisation with a contact is not deleted unless the contact is detached.
    line = _one_line_failure(desk.run("org", "delete", "Gemeente", ok=False))
    assert "1 contactpersoon" in line and "--detach-contacts" in line
    assert [o["name"] for o in desk.json("org", "list")] == ["Gemeente"]
    out = desk.run("org", "delete", "Gemeente", "--detach-contacts").out
    assert "Gemeente verwijderd" in out and "balie@gemeente.test" in out
    assert desk.json("org", "list") == []
    # The contact stays, without organisation, with its number in international form.
    people = {c["email"]: c for c in desk.json("contacts", "list")}
    assert (
        people["balie@gemeente.test"]["organisation_id"],
        people["balie@gemeente.test"]["mobile"],
    ) == (None, "+31612345678")
    assert "verwijderd" in desk.run("contact", "delete", "Weg@Elders.test").out
    assert [c["email"] for c in desk.json("contacts", "list")] == ["balie@gemeente.test"]
    assert "geen contactpersoon" in _one_line_failure(
        desk.run("contact", "delete", "weg@elders.test", ok=False)
    )
    assert "geen organisatie" in _one_line_failure(desk.run("org", "delete", "Gemeente", ok=False))


def test_org_edit_keeps_what_is_not_given_and_refuses_a_taken_domain(desk: Desk) -> None:
    desk.run("org", "add", "Gemeente", "--domain", "gemeente.test", "--contact", "Balie")
    desk.run("org", "add", "Verzekeraar", "--domain", "verzekeraar.test")
    desk.run("org", "edit", "Gemeente", "--rename", "Gemeente Noord")
    org = next(o for o in desk.json("org", "list") if o["name"] == "Gemeente Noord")
    assert (org["domains"], org["contact_person"]) == (["gemeente.test"], "Balie")
    # A domain of another organisation: a sentence, and nothing changed.
    line = _one_line_failure(
        desk.run("org", "edit", "Gemeente Noord", "--domain", "verzekeraar.test", ok=False)
    )
    assert "verzekeraar.test" in line and "Verzekeraar" in line
    line = _one_line_failure(
        desk.run("org", "edit", "Gemeente Noord", "--rename", "Verzekeraar", ok=False)
    )
    assert "al een organisatie" in line
    org = next(o for o in desk.json("org", "list") if o["name"] == "Gemeente Noord")
    assert org["domains"] == ["gemeente.test"]


def test_a_wrong_mobile_number_is_refused_when_the_contact_is_saved(desk: Desk) -> None:
    line = _one_line_failure(
        desk.run("contact", "add", "p@thuis.test", "--mobile", "020-1234567", ok=False)
    )
    assert "'020-1234567'" in line and "06" in line
    assert desk.json("contacts", "list") == []
