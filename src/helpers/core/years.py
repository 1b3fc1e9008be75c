"""The years the shipped municipality register covers (kept apart so the CLI needs no pandas)."""

FIRST_YEAR, LAST_YEAR = 1990, 2026

__all__ = ["FIRST_YEAR", "LAST_YEAR"]
