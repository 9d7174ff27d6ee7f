"""Conditional breakpoints as people type them: `loss_sum > 100`, `weights[17] = ""`, `epoch != 1`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from emulator.runtime.runtime import Runtime
from emulator.runtime.state import RuntimeTarget
from emulator.values import Value, compare

_CONDITION = re.compile(r"^\s*(?P<left>.+?)\s*(?P<op><=|>=|!=|=|<|>)\s*(?P<right>.*?)\s*$")
_ITEM = re.compile(r"^(?P<list>.+)\[\s*(?P<index>\d+)\s*\]$")
_TESTS: dict[str, Callable[[float], bool]] = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}


@dataclass(frozen=True)
class Comparison:
    """`left op right`, compared as Scratch's `=`, `<` and `>` compare."""

    text: str
    read: Callable[[], Value]
    op: str
    value: Value

    def __call__(self, runtime: Runtime) -> bool:
        return _TESTS[self.op](compare(self.read(), self.value))


def parse_condition(text: str, targets: list[RuntimeTarget]) -> Comparison:
    """A condition on a variable or a list item; ValueError saying what is wrong with the text."""
    match = _CONDITION.match(text)
    if match is None:
        raise ValueError(
            f"{text!r}: want NAME OP VALUE or LIST[N] OP VALUE, OP one of = != < > <= >="
        )
    return Comparison(text, _reader(match["left"], targets), match["op"], _literal(match["right"]))


def _reader(left: str, targets: list[RuntimeTarget]) -> Callable[[], Value]:
    item = _ITEM.match(left)
    if item is not None:
        lists = (t.find_list(None, item["list"].strip()) for t in targets)
        cell = next((c for c in lists if c is not None), None)
        if cell is None:
            raise ValueError(f"no list called {item['list'].strip()!r}")
        index = int(item["index"])
        return lambda: cell.items[index - 1] if 1 <= index <= len(cell.items) else ""
    variables = (t.find_variable(None, left) for t in targets)
    var = next((v for v in variables if v is not None), None)
    if var is None:
        raise ValueError(f"no variable called {left!r}")
    return lambda: var.value


def _literal(text: str) -> Value:
    """A number, or text (quotes optional, as Scratch compares "10" and 10 alike)."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text
