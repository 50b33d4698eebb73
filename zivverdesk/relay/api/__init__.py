"""The relay's HTTP API, one module per concept; `app.py` assembles them."""
