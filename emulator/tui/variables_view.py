"""VariablesView: every variable, grouped by the author's naming convention; changes since the last pause lit."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text

from emulator.tui.line_view import LineView
from emulator.tui.state_source import Key, StateSource
from emulator.tui.text import show_value
from emulator.values import Value

_STEP = re.compile(r"^(s\d+)_")
NAME_WIDTH = 16


def group_of(name: str) -> str:
    """The group a variable's name puts it in: p_, u_, s1_, s2_ ..., UPPER constants, or others."""
    step = _STEP.match(name)
    if step:
        return f"{step.group(1)}_"
    if name.startswith("p_"):
        return "p_"
    if name.startswith("u_"):
        return "u_"
    if any(c.isalpha() for c in name) and name.upper() == name:
        return "UPPER"
    return "other"


GROUP_TITLES = {
    "p_": "p_ arguments and results",
    "u_": "u_ utilities",
    "UPPER": "constants",
    "other": "others",
}


def group_variables(
    names: Iterable[str], current_step: str | None = None
) -> list[tuple[str, list[str]]]:
    """(group, names) in showing order: the current step's locals, p_, u_, others, constants, other steps."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(group_of(name), []).append(name)
    steps = sorted((g for g in groups if _STEP.match(g)), key=lambda g: int(g[1:-1]))
    order = ([current_step] if current_step in groups else []) + ["p_", "u_", "other", "UPPER"]
    order += [g for g in steps if g != current_step]
    return [(g, groups[g]) for g in order if g in groups]


def step_of(proccode: str | None) -> str | None:
    """The step group a custom block's name belongs to ('s2_forward_layer' -> 's2_')."""
    match = _STEP.match(proccode or "")
    return f"{match.group(1)}_" if match else None


class VariablesView(LineView):
    """Rows of `name value`, under group headings; a value that changed since the last pause is lit."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[Text] = []
        self.at_pause: dict[Key, str] = {}
        self.changed: set[Key] = set()

    def show(
        self, source: StateSource, *, new_pause: bool, step: str | None, procedure: str | None
    ) -> None:
        """Rebuild the rows from a live session or a replayed trace; `new_pause` moves the baseline of changes."""
        values = source.variable_values()
        shown = {key: show_value(v) for key, (_, v) in values.items()}
        self.changed = {
            k for k, text in shown.items() if k in self.at_pause and self.at_pause[k] != text
        }
        if new_pause:
            self.at_pause = shown
        self.rows = self._rows(source, values, shown, step, procedure)
        self.rows_changed()
        self.border_subtitle = f"{len(self.changed)} changed" if self.changed else ""

    def _rows(
        self,
        source: StateSource,
        values: dict[Key, tuple[str, Value]],
        shown: dict[Key, str],
        step: str | None,
        procedure: str | None,
    ) -> list[Text]:
        rows: list[Text] = []
        args = source.procedure_arguments()
        if args:
            rows.append(_heading(f"arguments of {procedure or 'this call'}"))
            rows += [_row(name, show_value(v), False) for name, v in args.items()]
        by_name: dict[str, list[Key]] = {}
        for key, (name, _) in values.items():
            by_name.setdefault(name, []).append(key)
        for group, names in group_variables(by_name, step):
            rows.append(_heading(GROUP_TITLES.get(group, f"{group} step locals")))
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
    text = Text(f"  {name:<{NAME_WIDTH}} ", style="")
    text.append(value, style="bold black on yellow" if changed else "")
    return text
