"""Fixtures that run a real relay process on loopback (filled in by the relay work)."""
