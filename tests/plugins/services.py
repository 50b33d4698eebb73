"""Fixtures for real local servers: Dovecot, SMTP, PostgreSQL, Chromium."""
