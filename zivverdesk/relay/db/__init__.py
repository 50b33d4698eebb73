"""The relay's database: tables (`schema`), engine and transactions (`engine`)."""
