"""Contacts and organisations (S4, S13). An organisation's access code is sealed at rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import new_id
from zivverdesk.core.secret import Secret
from zivverdesk.store.database import Database, utc_now

_CODE = "organisations.access_code"


class NotInAddressBook(ZivverdeskError):
    code = "not_found"


class OrganisationHasContacts(ZivverdeskError):
    """An organisation with contacts is not deleted unless they are to be detached."""

    code = "organisation_has_contacts"

    def __init__(self, contacts: list[Contact]) -> None:
        shown = ", ".join(c.email for c in contacts[:3]) + (", …" if len(contacts) > 3 else "")
        dutch = (
            "1 contactpersoon hoort"
            if len(contacts) == 1
            else f"{len(contacts)} contactpersonen horen"
        )
        english = "1 contact belongs" if len(contacts) == 1 else f"{len(contacts)} contacts belong"
        super().__init__(
            f"Niet verwijderd: {dutch} bij deze organisatie ({shown}). / Not deleted: "
            f"{english} to this organisation."
        )
        self.contacts = contacts


@dataclass(frozen=True, kw_only=True)
class Organisation:
    id: str
    name: str
    domains: tuple[str, ...]
    contact_person: str
    has_access_code: bool
    code_changed: str | None


@dataclass(frozen=True, kw_only=True)
class Contact:
    id: str
    email: str
    name: str
    mobile: str | None
    organisation_id: str | None


def mail_domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip().lower()


class AddressBook:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- organisations -------------------------------------------------------------

    def add_organisation(
        self,
        *,
        name: str,
        domains: list[str],
        access_code: Secret[str] | None,
        contact_person: str = "",
    ) -> Organisation:
        org_id = new_id()
        clean = sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()})
        with self._db.transaction() as conn:
            if conn.execute("SELECT 1 FROM organisations WHERE name = ?", (name,)).fetchone():
                raise ZivverdeskError(f"Organisation {name!r} already exists.")
            for domain in clean:
                row = conn.execute(
                    "SELECT o.name FROM organisation_domains d JOIN organisations o "
                    "ON o.id = d.organisation_id WHERE d.domain = ?",
                    (domain,),
                ).fetchone()
                if row is not None:
                    raise ZivverdeskError(
                        f"The mail domain {domain} already belongs to organisation {row['name']!r}."
                    )
            sealed = None
            if access_code is not None:
                sealed = self._db.cipher.seal_text(access_code.reveal(), label=_CODE, row=org_id)
            now = utc_now()
            conn.execute(
                "INSERT INTO organisations (id, name, access_code_sealed, contact_person, "
                "code_changed, created) VALUES (?,?,?,?,?,?)",
                (org_id, name, sealed, contact_person, now if sealed else None, now),
            )
            conn.executemany(
                "INSERT INTO organisation_domains (domain, organisation_id) VALUES (?, ?)",
                [(d, org_id) for d in clean],
            )
        return self.organisation(org_id)

    def organisation(self, org_id: str) -> Organisation:
        row = self._db.query_one("SELECT * FROM organisations WHERE id = ?", (org_id,))
        if row is None:
            raise NotInAddressBook("That organisation does not exist.")
        return self._organisation(row)

    def organisation_by_name(self, name: str) -> Organisation:
        row = self._db.query_one("SELECT * FROM organisations WHERE name = ?", (name,))
        if row is None:
            raise NotInAddressBook(f"There is no organisation called {name!r}.")
        return self._organisation(row)

    def organisation_for_address(self, address: str) -> Organisation | None:
        row = self._db.query_one(
            "SELECT o.* FROM organisations o JOIN organisation_domains d "
            "ON d.organisation_id = o.id WHERE d.domain = ?",
            (mail_domain(address),),
        )
        return None if row is None else self._organisation(row)

    def organisations(self) -> list[Organisation]:
        return [
            self._organisation(r)
            for r in self._db.query("SELECT * FROM organisations ORDER BY name")
        ]

    def access_code(self, org_id: str) -> Secret[str] | None:
        row = self._db.query_one(
            "SELECT access_code_sealed FROM organisations WHERE id = ?", (org_id,)
        )
        if row is None or row["access_code_sealed"] is None:
            return None
        return Secret(self._db.cipher.open_text(row["access_code_sealed"], label=_CODE, row=org_id))

    def set_access_code(self, org_id: str, code: Secret[str]) -> None:
        sealed = self._db.cipher.seal_text(code.reveal(), label=_CODE, row=org_id)
        changed = self._db.execute(
            "UPDATE organisations SET access_code_sealed = ?, code_changed = ? WHERE id = ?",
            (sealed, utc_now(), org_id),
        )
        if not changed:
            raise NotInAddressBook("That organisation does not exist.")
        self._db.wipe_freed_pages()  # the old code is not kept in the profile's files either

    def update_organisation(
        self,
        org_id: str,
        *,
        name: str | None = None,
        contact_person: str | None = None,
        domains: list[str] | None = None,
    ) -> Organisation:
        with self._db.transaction() as conn:
            if name is not None:
                conn.execute("UPDATE organisations SET name = ? WHERE id = ?", (name, org_id))
            if contact_person is not None:
                conn.execute(
                    "UPDATE organisations SET contact_person = ? WHERE id = ?",
                    (contact_person, org_id),
                )
            if domains is not None:
                conn.execute(
                    "DELETE FROM organisation_domains WHERE organisation_id = ?", (org_id,)
                )
                conn.executemany(
                    "INSERT INTO organisation_domains (domain, organisation_id) VALUES (?, ?)",
                    [(d.strip().lower().lstrip("@"), org_id) for d in domains if d.strip()],
                )
        return self.organisation(org_id)

    def delete_organisation(self, org_id: str, *, detach_contacts: bool = False) -> list[Contact]:
        """Delete the organisation, its mail domains and its access code; returns the contacts
        that belonged to it. With contacts and without `detach_contacts` nothing is deleted
        (`OrganisationHasContacts`): the caller has to say that they lose the organisation
        (and with it its access code), checked in the same transaction so a contact added
        meanwhile is not detached unseen."""
        with self._db.transaction() as conn:
            if (
                conn.execute("SELECT 1 FROM organisations WHERE id = ?", (org_id,)).fetchone()
                is None
            ):
                raise NotInAddressBook("That organisation does not exist.")
            members = [
                _contact(r)
                for r in conn.execute(
                    "SELECT * FROM contacts WHERE organisation_id = ? ORDER BY email", (org_id,)
                )
            ]
            if members and not detach_contacts:
                raise OrganisationHasContacts(members)
            conn.execute(
                "UPDATE contacts SET organisation_id = NULL, updated = ? WHERE organisation_id = ?",
                (utc_now(), org_id),
            )
            conn.execute("DELETE FROM organisation_domains WHERE organisation_id = ?", (org_id,))
            conn.execute("DELETE FROM organisations WHERE id = ?", (org_id,))
        self._db.wipe_freed_pages()
        return members

    def _organisation(self, row: Any) -> Organisation:
        domains = tuple(
            r["domain"]
            for r in self._db.query(
                "SELECT domain FROM organisation_domains WHERE organisation_id = ? ORDER BY domain",
                (row["id"],),
            )
        )
        return Organisation(
            id=row["id"],
            name=row["name"],
            domains=domains,
            contact_person=row["contact_person"],
            has_access_code=row["access_code_sealed"] is not None,
            code_changed=row["code_changed"],
        )

    # --- contacts ------------------------------------------------------------------

    def upsert_contact(
        self,
        *,
        email: str,
        name: str | None = None,
        mobile: str | None = None,
        organisation_id: str | None = None,
    ) -> Contact:
        """Add a contact, or update the fields given for an existing address."""
        address = email.strip().lower()
        with self._db.transaction() as conn:
            row = conn.execute("SELECT * FROM contacts WHERE email = ?", (address,)).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO contacts (id, email, name, mobile, organisation_id, updated) "
                    "VALUES (?,?,?,?,?,?)",
                    (new_id(), address, name or "", mobile, organisation_id, utc_now()),
                )
            else:
                conn.execute(
                    "UPDATE contacts SET name = ?, mobile = ?, organisation_id = ?, updated = ? "
                    "WHERE id = ?",
                    (
                        row["name"] if name is None else name,
                        row["mobile"] if mobile is None else mobile,
                        row["organisation_id"] if organisation_id is None else organisation_id,
                        utc_now(),
                        row["id"],
                    ),
                )
        contact = self.contact(address)
        assert contact is not None
        return contact

    def set_contact(
        self, email: str, *, name: str, mobile: str | None, organisation_id: str | None
    ) -> Contact:
        """Set every field of an existing contact as given: unlike `upsert_contact`, None
        removes the mobile number or the organisation."""
        changed = self._db.execute(
            "UPDATE contacts SET name = ?, mobile = ?, organisation_id = ?, updated = ? "
            "WHERE email = ?",
            (name, mobile, organisation_id, utc_now(), email.strip().lower()),
        )
        contact = self.contact(email)
        if not changed or contact is None:
            raise NotInAddressBook("That contact does not exist.")
        return contact

    def contact(self, email: str) -> Contact | None:
        row = self._db.query_one("SELECT * FROM contacts WHERE email = ?", (email.strip().lower(),))
        return None if row is None else _contact(row)

    def contacts(self) -> list[Contact]:
        return [_contact(r) for r in self._db.query("SELECT * FROM contacts ORDER BY email")]

    def delete_contact(self, email: str) -> None:
        """Delete the contact with its name and mobile number. Messages already sent to the
        address keep their own copy of the recipient (what was sent stays as it was)."""
        if not self._db.execute("DELETE FROM contacts WHERE email = ?", (email.strip().lower(),)):
            raise NotInAddressBook("That contact does not exist.")
        self._db.wipe_freed_pages()


def _contact(row: Any) -> Contact:
    return Contact(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        mobile=row["mobile"],
        organisation_id=row["organisation_id"],
    )
