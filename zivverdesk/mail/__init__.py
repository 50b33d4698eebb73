"""Ordinary mail: IMAP sync (imapclient, IDLE), SMTP sending, MIME parsing, and the
notification mails that point recipients to the relay.

May import `core`, `crypto` and `config`. Never imports Qt or the relay.
"""
