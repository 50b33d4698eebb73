"""The desktop's local SQLite store (encrypted at rest), outbox and migrations.

May import `core`, `crypto` and `config`. Never imports Qt, the relay or the mail layer.
"""
