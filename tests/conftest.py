"""Test-suite options: long simulations (``@pytest.mark.full``) run only with ``--full`` or ``-m full``."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true", help="also run the long simulations (marker 'full')")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--full") or "full" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="long simulation: run with --full")
    for item in items:
        if "full" in item.keywords:
            item.add_marker(skip)
