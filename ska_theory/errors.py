"""Exceptions shared across the package."""


class UsageError(Exception):
    """Bad command-line or input value; the CLI prints the message on one line and exits 2."""
