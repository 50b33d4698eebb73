"""The desktop's HTTP client for the relay API: enrollment, uploads with progress and
resume, commits, revocation, replies and the change feed.

May import `core`, `crypto` and `config`. Never imports Qt or the relay server.
"""
