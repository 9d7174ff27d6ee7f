"""README's captures of the tool's own output are what the tool prints now (regenerate: python -m tests.readme_captures --write)."""

from __future__ import annotations

import pytest

from tests.readme_captures import CAPTURES, README, block


@pytest.mark.parametrize(
    "prefix", list(CAPTURES), ids=["explain", "explain-spiral", "inspector", "lut-report"]
)
def test_the_readme_capture_is_fresh(prefix: str) -> None:
    """The block README quotes is the command's output today, to the character."""
    assert block(README.read_text(), prefix).group(1) == CAPTURES[prefix]()
