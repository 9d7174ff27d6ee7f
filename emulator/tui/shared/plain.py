"""Text from a project or a trace, made safe for a Textual screen: never read as markup, nothing raw."""

from __future__ import annotations

from rich.text import Text

from emulator.value_text import safe_text

TITLE_WIDTH = 60  # a name longer than this is cut in titles and labels


def plain(text: str, width: int = TITLE_WIDTH, style: str = "") -> Text:
    """A Text that shows the characters as they are (escaped), whatever brackets they hold."""
    return Text(safe_text(text, width), style=style)


def joined(*parts: str | Text, sep: str = " · ") -> Text:
    """Parts joined into one Text; plain strings are taken as our own words, not as markup."""
    out = Text()
    for i, part in enumerate(parts):
        if i:
            out.append(sep)
        out.append(part)
    return out
