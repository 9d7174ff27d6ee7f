"""VariablesView: every variable, in the groups the program declares; changes since the last pause lit."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.text import Text

from emulator.program import VariableGroup
from emulator.tui.shared.line_view import LineView
from emulator.tui.shared.state_source import Key, StateSource
from emulator.value_text import safe_text, show_value
from emulator.values import Value

NAME_WIDTH = 16
OTHERS = "others"


def group_variables(
    names: Iterable[str], groups: Sequence[VariableGroup], current: str | None = None
) -> list[tuple[str, list[str]]]:
    """(heading, names) in showing order, by the program's declared groups.

    The per-match group that `current` (a custom block's or variable's name) falls in comes
    first; then the declared groups in order, the ungrouped names where a group with an empty
    pattern stands (else after the others); then the remaining per-match groups in natural order.
    """
    found: dict[tuple[int, str], list[str]] = {}
    for name in names:
        found.setdefault(_group_key(name, groups), []).append(name)
    now = _group_key(current, groups) if current else None
    order = [now] if now is not None and now[0] >= 0 and groups[now[0]].per_match else []
    for i, group in enumerate(groups):
        if not group.per_match:
            order.append((i, ""))
    if not any(g.pattern == "" for g in groups):
        order.append((-1, ""))
    order += sorted(
        (k for k in found if groups and k[0] >= 0 and groups[k[0]].per_match and k != now),
        key=lambda k: (k[0], _natural(k[1])),
    )
    return [(_heading_of(k, groups), found[k]) for k in order if k in found]


def _group_key(name: str, groups: Sequence[VariableGroup]) -> tuple[int, str]:
    """(index of the first declared group that takes the name, its matched prefix); (-1, "") for none."""
    for i, group in enumerate(groups):
        prefix = group.prefix_of(name) if group.pattern else None
        if prefix is not None:
            return i, prefix if group.per_match else ""
    others = [i for i, g in enumerate(groups) if g.pattern == ""]
    return (others[0], "") if others else (-1, "")


def _heading_of(key: tuple[int, str], groups: Sequence[VariableGroup]) -> str:
    if key[0] < 0:
        return OTHERS if groups else "variables"
    return groups[key[0]].label.replace("{prefix}", key[1])


def _natural(text: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


class VariablesView(LineView):
    """Rows of `name value`, under group headings; a value that changed since the last pause is lit."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[Text] = []
        self.at_pause: dict[Key, str] = {}
        self.changed: set[Key] = set()

    def show(
        self, source: StateSource, *, new_pause: bool, current: str | None, procedure: str | None
    ) -> None:
        """Rebuild the rows from a live session or a replayed trace; `new_pause` moves the baseline of changes."""
        values = source.variable_values()
        shown = {key: show_value(v) for key, (_, v) in values.items()}
        self.changed = {
            k for k, text in shown.items() if k in self.at_pause and self.at_pause[k] != text
        }
        if new_pause:
            self.at_pause = shown
        self.rows = self._rows(source, values, shown, current, procedure)
        self.rows_changed()
        self.border_subtitle = f"{len(self.changed)} changed" if self.changed else ""

    def _rows(
        self,
        source: StateSource,
        values: dict[Key, tuple[str, Value]],
        shown: dict[Key, str],
        current: str | None,
        procedure: str | None,
    ) -> list[Text]:
        rows: list[Text] = []
        args = source.procedure_arguments()
        if args:
            rows.append(_heading(f"arguments of {safe_text(procedure or 'this call', 60)}"))
            rows += [_row(name, show_value(v), False) for name, v in args.items()]
        by_name: dict[str, list[Key]] = {}
        for key, (name, _) in values.items():
            by_name.setdefault(name, []).append(key)
        groups = source.program.variable_groups if source.program is not None else ()
        for heading, names in group_variables(by_name, groups, current):
            rows.append(_heading(heading))
            for name in names:
                for key in by_name[name]:
                    label = name if key[0] == source.stage_name else f"{key[0]}.{name}"
                    rows.append(_row(label, shown[key], key in self.changed))
        return rows

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def row_width(self) -> int:
        return max((r.cell_len for r in self.rows), default=0)

    def row(self, index: int) -> Text:
        return self.rows[index].copy()


def _heading(title: str) -> Text:
    return Text(f"── {title} ", style="bold cyan")


def _row(name: str, value: str, changed: bool) -> Text:
    text = Text(f"  {safe_text(name, 40):<{NAME_WIDTH}} ", style="")
    text.append(value, style="bold black on yellow" if changed else "")
    return text
