"""Ordinary mail: IMAP sync (imapclient, IDLE), SMTP sending, MIME parsing, and the
notification mails that point recipients to the relay.

- `settings`: `ServerSettings` (host, port, ssl/starttls/none, CA file) and the TLS context.
- `auth`: password and OAuth2 sign-in (`oauth/` implements the token providers).
- `imap_connect`: `connect(settings, auth)` → an authenticated imapclient session.
- `sync`: `MailboxSink` protocol, `sync_folder`, `list_folders`, `set_seen`, bodies on demand;
  `memory_sink.MemorySink` is its reference implementation; `fetch_parser` and `headers`
  turn FETCH answers into `HeaderRecord`s.
- `idle`: `IdleWatcher`, IDLE with reconnect and backoff.
- `mime`: `parse_message` for display; `html_sanitiser`: the safe HTML subset.
- `smtp_send`: `send_message`/`open_smtp`/`deliver` with typed errors (`errors`).
- `notification`: the "Klik voor bericht" mail; `reply_notifications`: the relay's notices.

May import `core`, `crypto` and `config`. Never imports Qt or the relay.
"""
