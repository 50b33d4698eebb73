"""The desktop's HTTP client for the relay API: enrollment, uploads with progress and
resume, commits, revocation, replies and the change feed.

- `client`: `RelayClient` (JSON calls of docs/API.md) and its result types.
- `transfers`: `upload_blob` (resumable, chunked, progress, cancel) and `download_blob`.
- `feed`: `follow_events`, the long-poll loop with backoff.
- `errors`: `RelayError` and its subclasses, built from the relay's error bodies.

May import `core`, `crypto` and `config`. Never imports Qt or the relay server.
"""
