"""The keys both inspectors share, and a help screen made from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "question_mark": "?",
    "slash": "/",
    "full_stop": ".",
    "comma": ",",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "number_sign": "#",
    "left": "←",
    "right": "→",
}


def key(keys: str, action: str, label: str, help_text: str, show: bool = True) -> Binding:
    """A binding whose footer label is short and whose help line says what it does in full."""
    shown = " ".join(_NAMES.get(k, k) for k in keys.split(","))
    return Binding(keys, action, label, show=show, key_display=shown, tooltip=help_text)


SHARED: list[BindingType] = [
    key(
        "m",
        "mode",
        "heatmap mode",
        "heatmap mode: value / change since the mark / written since it",
    ),
    key("left_curly_bracket", "slice(-1)", "slice", "previous named slice", show=False),
    key("right_curly_bracket", "slice(1)", "next slice", "next named slice", show=False),
    key("l", "next_list", "list", "next list in the list table (it follows the current item)"),
    key(
        "number_sign",
        "goto_item",
        "item #",
        "go to item N of the list in the list table",
        show=False,
    ),
    key(
        "v",
        "next_bottom",
        "next pane",
        "next bottom pane (a narrow terminal shows one)",
        show=False,
    ),
    key("z", "maximize_pane", "maximise", "maximise the focused pane, or put it back", show=False),
    key("question_mark", "help", "help", "this screen"),
    key("q", "quit", "quit", "quit"),
]

# Keys that belong to a pane or to Textual rather than to a binding of the app.
PANE_KEYS = [
    ("Tab / shift+Tab", "next / previous pane; the focused one has a heavy border and a lit title"),
    ("arrows PgUp PgDn Home End", "move inside the focused pane"),
    (
        "Enter",
        "one thing per pane, named in the footer: script: toggle a breakpoint (debug) · events and "
        "findings: show the block (debug) · writes: replay to that write · findings: replay to the "
        "block's first write (replay) · other panes: nothing",
    ),
    ("Escape", "leave a text box or a dialog"),
    ("ctrl+p", "command palette: lists, slices, heatmap modes, the mark, clearing"),
]


def help_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, what they do) for every binding, then the pane keys."""
    rows = [
        (b.key_display or b.key, b.tooltip or b.description)
        for b in bindings
        if isinstance(b, Binding)
    ]
    return rows + PANE_KEYS
