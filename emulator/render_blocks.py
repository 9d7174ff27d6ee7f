"""Scripts as scratchblocks-style text: one line per stack block, C-blocks indented and closed with `end`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import NamedTuple

from emulator.project import BROADCAST, COLOUR, LIST, TEXT, VARIABLE, Block, Input, Primitive, Slot

Blocks = Mapping[str, Block]


class Line(NamedTuple):
    """One line of a rendered script: the block it shows (None for `else` and `end`), its depth, its text."""

    block_id: str | None
    depth: int
    text: str


# ## Templates: {NAME} is an input, [{NAME} v] a field shown as a dropdown.

HATS = {
    "event_whenflagclicked": "when flag clicked",
    "event_whenbroadcastreceived": "when I receive [{BROADCAST_OPTION} v]",
    "event_whenkeypressed": "when [{KEY_OPTION} v] key pressed",
    "event_whenthisspriteclicked": "when this sprite clicked",
    "event_whenstageclicked": "when stage clicked",
    "event_whenbackdropswitchesto": "when backdrop switches to [{BACKDROP} v]",
    "event_whengreaterthan": "when [{WHENGREATERTHANMENU} v] > {VALUE}",
    "event_whentouchingobject": "when this sprite touches {TOUCHINGOBJECTMENU}",
    "control_start_as_clone": "when I start as a clone",
}

STACK = {
    "data_setvariableto": "set [{VARIABLE} v] to {VALUE}",
    "data_changevariableby": "change [{VARIABLE} v] by {VALUE}",
    "data_showvariable": "show variable [{VARIABLE} v]",
    "data_hidevariable": "hide variable [{VARIABLE} v]",
    "data_addtolist": "add {ITEM} to [{LIST} v]",
    "data_deleteoflist": "delete {INDEX} of [{LIST} v]",
    "data_deletealloflist": "delete all of [{LIST} v]",
    "data_insertatlist": "insert {ITEM} at {INDEX} of [{LIST} v]",
    "data_replaceitemoflist": "replace item {INDEX} of [{LIST} v] with {ITEM}",
    "data_showlist": "show list [{LIST} v]",
    "data_hidelist": "hide list [{LIST} v]",
    "control_wait": "wait {DURATION} seconds",
    "control_wait_until": "wait until {CONDITION}",
    "control_stop": "stop [{STOP_OPTION} v]",
    "event_broadcast": "broadcast {BROADCAST_INPUT}",
    "event_broadcastandwait": "broadcast {BROADCAST_INPUT} and wait",
    "looks_say": "say {MESSAGE}",
    "looks_sayforsecs": "say {MESSAGE} for {SECS} seconds",
    "looks_think": "think {MESSAGE}",
    "looks_thinkforsecs": "think {MESSAGE} for {SECS} seconds",
    "sensing_askandwait": "ask {QUESTION} and wait",
    "sensing_resettimer": "reset timer",
}

C_BLOCKS = {
    "control_repeat": "repeat {TIMES}",
    "control_forever": "forever",
    "control_if": "if {CONDITION} then",
    "control_if_else": "if {CONDITION} then",
    "control_repeat_until": "repeat until {CONDITION}",
    "control_while": "while {CONDITION}",
    "control_for_each": "for each [{VARIABLE} v] in {VALUE}",
    "control_all_at_once": "all at once",
}

REPORTERS = {
    "operator_add": "({NUM1} + {NUM2})",
    "operator_subtract": "({NUM1} - {NUM2})",
    "operator_multiply": "({NUM1} * {NUM2})",
    "operator_divide": "({NUM1} / {NUM2})",
    "operator_mod": "({NUM1} mod {NUM2})",
    "operator_round": "(round {NUM})",
    "operator_mathop": "([{OPERATOR} v] of {NUM})",
    "operator_random": "(pick random {FROM} to {TO})",
    "operator_join": "(join {STRING1} {STRING2})",
    "operator_letter_of": "(letter {LETTER} of {STRING})",
    "operator_length": "(length of {STRING})",
    "operator_lt": "<{OPERAND1} < {OPERAND2}>",
    "operator_gt": "<{OPERAND1} > {OPERAND2}>",
    "operator_equals": "<{OPERAND1} = {OPERAND2}>",
    "operator_and": "<{OPERAND1} and {OPERAND2}>",
    "operator_or": "<{OPERAND1} or {OPERAND2}>",
    "operator_not": "<not {OPERAND}>",
    "operator_contains": "<{STRING1} contains {STRING2}?>",
    "data_variable": "({VARIABLE})",
    "data_listcontents": "({LIST} :: list)",
    "data_itemoflist": "(item {INDEX} of [{LIST} v])",
    "data_itemnumoflist": "(item # of {ITEM} in [{LIST} v])",
    "data_lengthoflist": "(length of [{LIST} v])",
    "data_listcontainsitem": "<[{LIST} v] contains {ITEM}?>",
    "sensing_answer": "(answer)",
    "sensing_timer": "(timer)",
    "argument_reporter_string_number": "({VALUE})",
    "argument_reporter_boolean": "<{VALUE}>",
}

# Slots that take a hexagonal (boolean) reporter: an empty one shows as <>.
BOOLEAN_SLOTS = frozenset({"CONDITION", "OPERAND", "OPERAND1", "OPERAND2"})
BOOLEAN_OPERANDS = frozenset({"operator_and", "operator_or", "operator_not"})

_PLACEHOLDER = re.compile(r"\{([A-Z0-9_]+)\}")
_ARGUMENT = re.compile(r"%[snb]")


# ## Scripts


def render_script(blocks: Blocks, top_id: str) -> list[Line]:
    """Every stack block of the script that starts at `top_id`, as (block id, depth, text) lines."""
    lines: list[Line] = []
    top = blocks.get(top_id)
    if top is None:
        return lines
    if top.opcode in HATS or top.opcode == "procedures_definition":
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
            if block.opcode == "control_if_else":
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
            0
            if blocks[i].opcode in HATS
            else 1
            if blocks[i].opcode == "procedures_definition"
            else 2
        ),
    )


# ## Single blocks


def render_block(blocks: Blocks, block_id: str) -> str:
    """One block as text: a stack block's line (a C-block's first line), or a reporter."""
    block = blocks.get(block_id)
    if block is None:
        return f"<missing block {block_id}>"
    opcode = block.opcode
    if opcode == "procedures_definition":
        return "define " + _prototype(blocks, block)
    if opcode == "procedures_call":
        return _call(blocks, block)
    template = (
        HATS.get(opcode) or STACK.get(opcode) or C_BLOCKS.get(opcode) or REPORTERS.get(opcode)
    )
    if template is None:
        return _fallback(blocks, block)
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
    boolean = name in BOOLEAN_SLOTS and (name == "CONDITION" or block.opcode in BOOLEAN_OPERANDS)
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
        return f"({_escape(str(field.value))} v)"
    return render_block(blocks, slot)


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
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


# ## Custom blocks


def _prototype(blocks: Blocks, definition: Block) -> str:
    inp = definition.inputs.get("custom_block")
    proto = blocks.get(inp.slot) if inp is not None and isinstance(inp.slot, str) else None
    if proto is None or not proto.mutation:
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
