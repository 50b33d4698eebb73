"""An open desktop profile: its folders, store, secrets, identity key and connections.

`Profile.open(home)` is what the command line does per command and the GUI once at start;
everything else in `services` takes a `Profile`. Opening builds the memory search index.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from zivverdesk.config import ProfilePaths, Settings, profile_paths
from zivverdesk.crypto.identity import IdentityKeyPair
from zivverdesk.mail.auth import MailAuth, PasswordAuth
from zivverdesk.mail.settings import Security, ServerSettings
from zivverdesk.relayclient.client import RelayClient
from zivverdesk.services.errors import NotEnrolled, SecretMissing
from zivverdesk.services.running_jobs import RunningJobs
from zivverdesk.services.vault import Vault
from zivverdesk.store import Store, open_store
from zivverdesk.store.accounts import Account, Enrollment


@dataclass(frozen=True)
class MailServers:
    imap: ServerSettings
    smtp: ServerSettings


class Profile:
    def __init__(self, paths: ProfilePaths, store: Store, vault: Vault) -> None:
        self.paths = paths
        self.store = store
        self.vault = vault
        self._settings: Settings | None = None
        self._identity: IdentityKeyPair | None = None
        self._index_thread: threading.Thread | None = None
        #: The claims of the outbox jobs being run, by this process's threads and among the
        #: processes open on this profile (see `outbox_runner.run_job`).
        self.running_jobs = RunningJobs(paths.lock_dir)

    @classmethod
    def open(cls, home: Path | str | None = None) -> Profile:
        paths = profile_paths(home).ensure()
        vault = Vault(paths.data_dir)
        store = open_store(paths.data_dir, vault.store_key())
        return cls(paths, store, vault)

    def close(self) -> None:
        if self._index_thread is not None:
            self._index_thread.join()  # never close the database under a running build
        self.store.close()

    def build_search_index_in_background(self) -> threading.Thread:
        """Start decrypting the searchable columns into the memory index (the GUI calls this
        right after opening, so the first search answers at once)."""
        if self._index_thread is None:
            self._index_thread = threading.Thread(
                target=self.store.mailbox.ensure_index, name="search-index", daemon=True
            )
            self._index_thread.start()
        return self._index_thread

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings(self.paths)
        return self._settings

    @property
    def spool_dir(self) -> Path:
        """Encrypted blobs waiting for upload (ciphertext only; removed after commit)."""
        folder = self.paths.cache_dir / "spool"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def clear_spool(self, message_id: str) -> None:
        shutil.rmtree(self.spool_dir / message_id, ignore_errors=True)

    # --- identity -----------------------------------------------------------------

    def identity(self) -> IdentityKeyPair:
        """This device's X25519 key pair (HPKE), made on first use."""
        if self._identity is None:
            self._identity = self.vault.identity()
        return self._identity

    # --- relay --------------------------------------------------------------------

    def enrollment(self) -> Enrollment:
        enrollment = self.store.relay.enrollment()
        if enrollment is None:
            raise NotEnrolled()
        return enrollment

    def relay_client(self) -> RelayClient:
        enrollment = self.enrollment()
        token = self.vault.relay_token()
        if token is None:
            raise NotEnrolled()
        return RelayClient(enrollment.relay_url, token=token, ca_file=self.relay_ca_file())

    def relay_ca_file(self) -> Path | None:
        ca_file = self.enrollment().ca_file
        return Path(ca_file) if ca_file else None

    # --- mail ---------------------------------------------------------------------

    def account(self, account_id: str | None = None) -> Account:
        return self.store.accounts.get(account_id) if account_id else self.store.accounts.default()

    def mail_servers(self, account: Account) -> MailServers:
        ca = Path(account.ca_file) if account.ca_file else None
        return MailServers(
            imap=ServerSettings(
                host=account.imap_host,
                port=account.imap_port,
                security=Security(account.imap_security),
                ca_file=ca,
            ),
            smtp=ServerSettings(
                host=account.smtp_host,
                port=account.smtp_port,
                security=Security(account.smtp_security),
                ca_file=ca,
            ),
        )

    def mail_auth(self, account: Account) -> MailAuth:
        if account.auth_kind == "password":
            password = self.vault.mail_password(account.id)
            if password is None:
                raise SecretMissing(
                    f"Het wachtwoord van {account.email} staat niet meer in de sleutelbos; voeg "
                    "het account opnieuw toe. / The password is missing from the keyring."
                )
            return PasswordAuth(username=account.username, password=password)
        return _oauth_auth(self, account)


def _oauth_auth(profile: Profile, account: Account) -> MailAuth:
    """Microsoft/Google accounts: the OAuth module hands out the token provider."""
    from zivverdesk.mail import oauth

    auth: MailAuth = oauth.oauth_auth(account.email, paths=profile.paths)
    return auth
