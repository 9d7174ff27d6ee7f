"""Scripts as scratchblocks-style text: one line per stack block, C-blocks indented and closed with `end`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import NamedTuple

from emulator.opcodes import PROCCODE, SPECS, InputKind, Opcode, Shape, input_kind
from emulator.project import BROADCAST, COLOUR, LIST, TEXT, VARIABLE, Block, Input, Primitive, Slot
from emulator.value_text import safe_text

Blocks = Mapping[str, Block]


class Line(NamedTuple):
    """One line of a rendered script: the block it shows (None for `else` and `end`), its depth, its text."""

    block_id: str | None
    depth: int
    text: str


# ## Templates, from the opcode table: {NAME} is an input, [{NAME} v] a field shown as a dropdown.


def _templates(*shapes: Shape) -> dict[str, str]:
    return {s.opcode: s.text for s in SPECS if s.shape in shapes}


HATS = _templates(Shape.HAT)  # custom block definitions too: they head a script
STACK = _templates(Shape.STACK, Shape.CAP)
C_BLOCKS = _templates(Shape.C_BLOCK)
REPORTERS = _templates(Shape.REPORTER, Shape.BOOLEAN)
TEMPLATES = {**HATS, **STACK, **C_BLOCKS, **REPORTERS}

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")  # extension menus name fields in camelCase
_ARGUMENT = re.compile(r"%[snb]")


# ## Scripts


def render_script(blocks: Blocks, top_id: str) -> list[Line]:
    """Every stack block of the script that starts at `top_id`, as (block id, depth, text) lines."""
    lines: list[Line] = []
    top = blocks.get(top_id)
    if top is None:
        return lines
    if top.opcode in HATS:
        lines.append(Line(top.id, 0, render_block(blocks, top.id)))
        _stack(blocks, top.next, 0, lines)
    else:
        _stack(blocks, top.id, 0, lines)
    return lines


def _stack(blocks: Blocks, block_id: str | None, depth: int, lines: list[Line]) -> None:
    while block_id is not None and block_id in blocks:
        block = blocks[block_id]
        lines.append(Line(block.id, depth, render_block(blocks, block.id)))
        if block.opcode in C_BLOCKS:
            _stack(blocks, _substack(block, "SUBSTACK"), depth + 1, lines)
            if block.opcode == Opcode.CONTROL_IF_ELSE:
                lines.append(Line(None, depth, "else"))
                _stack(blocks, _substack(block, "SUBSTACK2"), depth + 1, lines)
            lines.append(Line(None, depth, "end"))
        block_id = block.next


def _substack(block: Block, name: str) -> str | None:
    inp = block.inputs.get(name)
    return inp.slot if inp is not None and isinstance(inp.slot, str) else None


def script_top(blocks: Blocks, block_id: str) -> str:
    """The id of the hat (or first block) of the script a block belongs to."""
    seen = set()
    current = block_id
    while current in blocks and blocks[current].parent is not None and current not in seen:
        seen.add(current)
        current = blocks[current].parent  # type: ignore[assignment]
    return current


def scripts(blocks: Blocks) -> list[str]:
    """The top block ids of every script, hats and definitions first, in project order."""
    tops = [b.id for b in blocks.values() if b.top_level and not b.shadow]
    return sorted(
        tops,
        key=lambda i: (
            1
            if blocks[i].opcode == Opcode.PROCEDURES_DEFINITION
            else 0
            if blocks[i].opcode in HATS
            else 2
        ),
    )


# ## Single blocks


def render_block(blocks: Blocks, block_id: str) -> str:
    """One block as text: a stack block's line (a C-block's first line), or a reporter."""
    block = blocks.get(block_id)
    if block is None:
        return f"<missing block {block_id}>"
    template = TEMPLATES.get(block.opcode)
    if template is None:
        return _fallback(blocks, block)
    if PROCCODE in template:
        return template.replace(PROCCODE, _custom_text(blocks, block))
    return _fill(blocks, block, template)


def _fill(blocks: Blocks, block: Block, template: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in block.fields:
            return _escape(str(block.fields[name].value))
        return render_input(blocks, block, name)

    return _PLACEHOLDER.sub(value, template)


def render_input(blocks: Blocks, block: Block, name: str) -> str:
    """What sits in one input slot: a reporter, a literal, a variable, or an empty slot."""
    inp: Input | None = block.inputs.get(name)
    boolean = input_kind(block.opcode, name) is InputKind.BOOLEAN
    if inp is None or inp.slot is None:
        return "<>" if boolean else "()"
    return _slot(blocks, inp.slot)


def _slot(blocks: Blocks, slot: Slot) -> str:
    if isinstance(slot, Primitive):
        return _primitive(slot)
    if slot is None:
        return "()"
    inner = blocks.get(slot)
    if inner is None:
        return "()"
    if inner.shadow and not inner.inputs and len(inner.fields) == 1:
        # A menu shadow (broadcast menu, costume menu...): its one field is the choice.
        [field] = inner.fields.values()
        return f"({_escape(_menu_words(inner.opcode, field.value))} v)"
    return render_block(blocks, slot)


# Menu choices the editor shows in words: "go to (random position v)", "create clone of (myself v)".
_MENU_WORDS = {"_random_": "random position", "_mouse_": "mouse-pointer", "_myself_": "myself"}


def _menu_words(menu: str, choice: object) -> str:
    text = str(choice)
    if menu == Opcode.MOTION_POINTTOWARDS_MENU and text == "_random_":
        return "random direction"
    return _MENU_WORDS.get(text, text)


def _primitive(p: Primitive) -> str:
    text = _escape(str(p.value))
    if p.kind == VARIABLE:
        return f"({text})"
    if p.kind == LIST:
        return f"({text} :: list)"
    if p.kind == BROADCAST:
        return f"({text} v)"
    if p.kind in (TEXT, COLOUR):
        return f"[{text}]"
    return f"({text})"


def _escape(text: str) -> str:
    # Brackets would read as scratchblocks syntax; control characters would steer a terminal.
    return safe_text(text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]"))


# ## Custom blocks


def _custom_text(blocks: Blocks, block: Block) -> str:
    """A custom block's own text: its proccode with the arguments in its %s and %b slots."""
    if block.opcode == Opcode.PROCEDURES_CALL:
        return _call(blocks, block)
    if block.opcode == Opcode.PROCEDURES_DEFINITION:
        inp = block.inputs.get("custom_block")
        proto = blocks.get(inp.slot) if inp is not None and isinstance(inp.slot, str) else None
        return _prototype(proto) if proto is not None else "?"
    return _prototype(block)


def _prototype(proto: Block) -> str:
    if not proto.mutation:
        return "?"
    names = _json_list(proto.mutation.get("argumentnames"))
    kinds = iter(k[1] for k in _ARGUMENT.findall(str(proto.mutation.get("proccode", ""))))
    args = iter(f"<{n}>" if next(kinds, "s") == "b" else f"({n})" for n in names)
    return _ARGUMENT.sub(lambda m: next(args, "()"), str(proto.mutation.get("proccode", "")))


def _call(blocks: Blocks, block: Block) -> str:
    mutation = block.mutation or {}
    proccode = str(mutation.get("proccode", "?"))
    ids = iter(_json_list(mutation.get("argumentids")))

    def argument(match: re.Match[str]) -> str:
        arg_id = next(ids, None)
        inp = block.inputs.get(arg_id) if arg_id is not None else None
        if inp is None or inp.slot is None:
            return "<>" if match.group(0) == "%b" else "()"
        return _slot(blocks, inp.slot)

    return _ARGUMENT.sub(argument, proccode)


def _json_list(raw: object) -> list[str]:
    if isinstance(raw, list):
        return [str(x) for x in raw]
    try:
        decoded = json.loads(str(raw)) if raw else []
    except ValueError:
        return []
    return [str(x) for x in decoded] if isinstance(decoded, list) else []


def _fallback(blocks: Blocks, block: Block) -> str:
    """A block without a template: its opcode, then its inputs and fields in order."""
    parts = [block.opcode]
    parts += [
        render_input(blocks, block, name)
        for name in block.inputs
        if not name.startswith("SUBSTACK")
    ]
    parts += [f"[{_escape(str(f.value))} v]" for f in block.fields.values()]
    return " ".join(parts)
