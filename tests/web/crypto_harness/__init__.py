"""A static test page and loopback server for the browser crypto modules."""
