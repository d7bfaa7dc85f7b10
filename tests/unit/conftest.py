"""Fixtures for the unit tests: the application services wired to in-memory fakes."""

from __future__ import annotations

import pytest

from tests.unit.builders import Marketplace


@pytest.fixture
def market() -> Marketplace:
    return Marketplace.create()
