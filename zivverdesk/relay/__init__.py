"""The relay server: ASGI app, API, recipient web pages, storage back ends, verification,
outbound mail queue, SMS gateways, audit trail and admin command line.

Shares only `core` and `crypto` with the desktop: never imports `store`, `mail`,
`relayclient`, `services` or `gui` (an import-linter contract checks this).
"""
