"""A small Python DSL that builds Scratch projects: expressions by operator overloading, C blocks by `with`.

    prog = Program("demo")
    total = prog.stage.var("total", 0)
    cat = prog.sprite("Cat")
    with cat.when_flag_clicked():
        total.set(0)
        with repeat(10):
            total.change(2)
        say(join("total: ", total))
    project = prog.build()

Literals are stored the way the Scratch editor stores them: `total.set(0)` puts the text "0" in
the slot, so the variable holds the string "0" until arithmetic touches it. Every block remembers
the DSL source line that made it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from emulator.opcodes import TABLE, InputKind, input_kind
from emulator.project import (
    ANGLE,
    BROADCAST,
    COLOUR,
    INPUT_NO_SHADOW,
    INPUT_OBSCURED,
    INPUT_SHADOW,
    INTEGER,
    LIST,
    MATH_NUMBER,
    POSITIVE_NUMBER,
    TEXT,
    VARIABLE,
    WHOLE_NUMBER,
    Block,
    Field,
    Input,
    ListVar,
    Primitive,
    Project,
    Target,
    Variable,
)
from emulator.sb3 import empty_costume
from emulator.values import Value, number_to_string

Operand = "Expr | float | int | str | bool"

# The shadow the Scratch editor puts in a number slot of each kind (the opcode table says which
# slots take numbers); every other slot gets a text shadow.
_SHADOWS = {
    InputKind.NUMBER: MATH_NUMBER,
    InputKind.POSITIVE: POSITIVE_NUMBER,
    InputKind.WHOLE: WHOLE_NUMBER,
    InputKind.INTEGER: INTEGER,
    InputKind.ANGLE: ANGLE,
    InputKind.COLOUR: COLOUR,
}

# Frames to look past for the line that wrote a block: this module, and the `with` machinery.
_OWN_FILES = frozenset({__file__, contextlib.__file__})


def _source_line() -> str | None:
    """'path:line' of the first caller outside this module (and outside contextlib's `with`)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename in _OWN_FILES:
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return None
    path = frame.f_code.co_filename
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return f"{path if rel.startswith('..') else rel}:{frame.f_lineno}"


# ## Expressions


class Expr:
    """A reporter block under construction; arithmetic and comparisons build more of them."""

    __hash__ = object.__hash__

    def __init__(
        self,
        opcode: str,
        inputs: dict[str, Any] | None = None,
        fields: dict[str, Field] | None = None,
        boolean: bool = False,
    ) -> None:
        self.opcode = opcode
        self.inputs = inputs or {}
        self.fields = fields or {}
        self.boolean = boolean
        self.source = _source_line()

    def __add__(self, other: Any) -> Expr:
        return Expr("operator_add", {"NUM1": self, "NUM2": other})

    def __radd__(self, other: Any) -> Expr:
        return Expr("operator_add", {"NUM1": other, "NUM2": self})

    def __sub__(self, other: Any) -> Expr:
        return Expr("operator_subtract", {"NUM1": self, "NUM2": other})

    def __rsub__(self, other: Any) -> Expr:
        return Expr("operator_subtract", {"NUM1": other, "NUM2": self})

    def __mul__(self, other: Any) -> Expr:
        return Expr("operator_multiply", {"NUM1": self, "NUM2": other})

    def __rmul__(self, other: Any) -> Expr:
        return Expr("operator_multiply", {"NUM1": other, "NUM2": self})

    def __truediv__(self, other: Any) -> Expr:
        return Expr("operator_divide", {"NUM1": self, "NUM2": other})

    def __rtruediv__(self, other: Any) -> Expr:
        return Expr("operator_divide", {"NUM1": other, "NUM2": self})

    def __mod__(self, other: Any) -> Expr:
        return Expr("operator_mod", {"NUM1": self, "NUM2": other})

    def __rmod__(self, other: Any) -> Expr:
        return Expr("operator_mod", {"NUM1": other, "NUM2": self})

    def __neg__(self) -> Expr:
        return Expr("operator_subtract", {"NUM1": 0, "NUM2": self})

    def __lt__(self, other: Any) -> Expr:
        return _compare("operator_lt", self, other)

    def __gt__(self, other: Any) -> Expr:
        return _compare("operator_gt", self, other)

    def __le__(self, other: Any) -> Expr:
        return not_(_compare("operator_gt", self, other))

    def __ge__(self, other: Any) -> Expr:
        return not_(_compare("operator_lt", self, other))

    def __eq__(self, other: Any) -> Expr:  # type: ignore[override]
        return _compare("operator_equals", self, other)

    def __ne__(self, other: Any) -> Expr:  # type: ignore[override]
        return not_(_compare("operator_equals", self, other))

    def __and__(self, other: Any) -> Expr:
        return and_(self, other)

    def __or__(self, other: Any) -> Expr:
        return or_(self, other)

    def __invert__(self) -> Expr:
        return not_(self)

    def __bool__(self) -> bool:
        raise TypeError("a Scratch expression has no Python truth value; use if_(...) or and_/or_")

    def __getitem__(self, index: Any) -> Expr:
        return letter_of(index, self)


def _compare(opcode: str, a: Any, b: Any) -> Expr:
    return Expr(opcode, {"OPERAND1": a, "OPERAND2": b}, boolean=True)


class Var(Expr):
    """A variable: use it as a value, or .set() / .change() it inside a script."""

    def __init__(self, owner: TargetBuilder, var_id: str, name: str) -> None:
        super().__init__("data_variable", fields={"VARIABLE": Field(name, var_id)})
        self.owner, self.id, self.name = owner, var_id, name

    def set(self, value: Any) -> None:
        """set [var] to (value)."""
        _statement("data_setvariableto", {"VALUE": value}, {"VARIABLE": Field(self.name, self.id)})

    def change(self, delta: Any) -> None:
        """change [var] by (delta)."""
        _statement(
            "data_changevariableby", {"VALUE": delta}, {"VARIABLE": Field(self.name, self.id)}
        )

    def show(self) -> None:
        """show variable [var]."""
        _statement("data_showvariable", {}, {"VARIABLE": Field(self.name, self.id)})

    def hide(self) -> None:
        """hide variable [var]."""
        _statement("data_hidevariable", {}, {"VARIABLE": Field(self.name, self.id)})


class ScratchList(Expr):
    """A list: as a value it reports its contents; its methods are the list blocks."""

    def __init__(self, owner: TargetBuilder, list_id: str, name: str) -> None:
        super().__init__("data_listcontents", fields={"LIST": Field(name, list_id)})
        self.owner, self.id, self.name = owner, list_id, name

    def _field(self) -> dict[str, Field]:
        return {"LIST": Field(self.name, self.id)}

    def item(self, index: Any) -> Expr:
        """item (index) of [list]."""
        return Expr("data_itemoflist", {"INDEX": index}, self._field())

    def __getitem__(self, index: Any) -> Expr:
        return self.item(index)

    def length(self) -> Expr:
        """length of [list]."""
        return Expr("data_lengthoflist", {}, self._field())

    def index_of(self, item: Any) -> Expr:
        """item # of (item) in [list]."""
        return Expr("data_itemnumoflist", {"ITEM": item}, self._field())

    def contains(self, item: Any) -> Expr:
        """[list] contains (item)?"""
        return Expr("data_listcontainsitem", {"ITEM": item}, self._field(), boolean=True)

    def add(self, item: Any) -> None:
        """add (item) to [list]."""
        _statement("data_addtolist", {"ITEM": item}, self._field())

    def delete(self, index: Any) -> None:
        """delete (index) of [list]."""
        _statement("data_deleteoflist", {"INDEX": index}, self._field())

    def delete_all(self) -> None:
        """delete all of [list]."""
        _statement("data_deletealloflist", {}, self._field())

    def insert(self, index: Any, item: Any) -> None:
        """insert (item) at (index) of [list]."""
        _statement("data_insertatlist", {"ITEM": item, "INDEX": index}, self._field())

    def replace(self, index: Any, item: Any) -> None:
        """replace item (index) of [list] with (item)."""
        _statement("data_replaceitemoflist", {"INDEX": index, "ITEM": item}, self._field())

    def __setitem__(self, index: Any, item: Any) -> None:
        self.replace(index, item)

    def show(self) -> None:
        """show list [list]."""
        _statement("data_showlist", {}, self._field())

    def hide(self) -> None:
        """hide list [list]."""
        _statement("data_hidelist", {}, self._field())


# ## Reporters


def join(a: Any, b: Any) -> Expr:
    """join (a) (b)."""
    return Expr("operator_join", {"STRING1": a, "STRING2": b})


def letter_of(index: Any, text: Any) -> Expr:
    """letter (index) of (text)."""
    return Expr("operator_letter_of", {"LETTER": index, "STRING": text})


def length(text: Any) -> Expr:
    """length of (text)."""
    return Expr("operator_length", {"STRING": text})


def contains(text: Any, part: Any) -> Expr:
    """(text) contains (part)?"""
    return Expr("operator_contains", {"STRING1": text, "STRING2": part}, boolean=True)


def random(low: Any, high: Any) -> Expr:
    """pick random (low) to (high)."""
    return Expr("operator_random", {"FROM": low, "TO": high})


def round_(x: Any) -> Expr:
    """round (x)."""
    return Expr("operator_round", {"NUM": x})


def mathop(operator: str, x: Any) -> Expr:
    """([operator] of (x)): abs, floor, ceiling, sqrt, sin, cos, tan, asin, acos, atan, ln, log, e ^, 10 ^."""
    return Expr("operator_mathop", {"NUM": x}, {"OPERATOR": Field(operator)})


def floor(x: Any) -> Expr:
    """floor of (x)."""
    return mathop("floor", x)


def and_(a: Any, b: Any) -> Expr:
    """<a> and <b>."""
    return Expr("operator_and", {"OPERAND1": a, "OPERAND2": b}, boolean=True)


def or_(a: Any, b: Any) -> Expr:
    """<a> or <b>."""
    return Expr("operator_or", {"OPERAND1": a, "OPERAND2": b}, boolean=True)


def not_(a: Any) -> Expr:
    """not <a>."""
    return Expr("operator_not", {"OPERAND": a}, boolean=True)


def timer() -> Expr:
    """timer."""
    return Expr("sensing_timer")


def answer() -> Expr:
    """answer."""
    return Expr("sensing_answer")


# ## Statements


def say(message: Any) -> None:
    """say (message)."""
    _statement("looks_say", {"MESSAGE": message})


def think(message: Any) -> None:
    """think (message)."""
    _statement("looks_think", {"MESSAGE": message})


def say_for(message: Any, secs: Any) -> None:
    """say (message) for (secs) seconds."""
    _statement("looks_sayforsecs", {"MESSAGE": message, "SECS": secs})


def think_for(message: Any, secs: Any) -> None:
    """think (message) for (secs) seconds."""
    _statement("looks_thinkforsecs", {"MESSAGE": message, "SECS": secs})


def wait(secs: Any) -> None:
    """wait (secs) seconds."""
    _statement("control_wait", {"DURATION": secs})


def wait_until(condition: Any) -> None:
    """wait until <condition>."""
    _statement("control_wait_until", {"CONDITION": condition})


def stop(option: str = "all") -> None:
    """stop [all | this script | other scripts in sprite]."""
    hasnext = "true" if option.startswith("other") else "false"
    mutation = {"tagName": "mutation", "children": [], "hasnext": hasnext}
    _statement("control_stop", {}, {"STOP_OPTION": Field(option)}, mutation=mutation)


def broadcast(message: Any) -> None:
    """broadcast [message]."""
    _statement("event_broadcast", {"BROADCAST_INPUT": _broadcast_operand(message)})


def broadcast_and_wait(message: Any) -> None:
    """broadcast [message] and wait."""
    _statement("event_broadcastandwait", {"BROADCAST_INPUT": _broadcast_operand(message)})


def ask(question: Any) -> None:
    """ask (question) and wait."""
    _statement("sensing_askandwait", {"QUESTION": question})


def reset_timer() -> None:
    """reset timer."""
    _statement("sensing_resettimer", {})


@contextmanager
def repeat(times: Any) -> Iterator[None]:
    """repeat (times) { ... }."""
    with _c_block("control_repeat", {"TIMES": times}):
        yield


@contextmanager
def repeat_until(condition: Any) -> Iterator[None]:
    """repeat until <condition> { ... }."""
    with _c_block("control_repeat_until", {"CONDITION": condition}):
        yield


@contextmanager
def forever() -> Iterator[None]:
    """forever { ... }."""
    with _c_block("control_forever", {}):
        yield


@contextmanager
def if_(condition: Any) -> Iterator[None]:
    """if <condition> then { ... } (follow it with `with else_():` for if/else)."""
    with _c_block("control_if", {"CONDITION": condition}):
        yield


@contextmanager
def else_() -> Iterator[None]:
    """else { ... } of the if block just before."""
    seq = _current()
    last = seq.target.specs.get(seq.last) if seq.last else None
    if last is None or last.opcode != "control_if":
        raise SyntaxError("else_() must follow an if_() block directly")
    last.opcode = "control_if_else"
    with _sequence(seq.target, last.id, "SUBSTACK2"):
        yield


# ## Building blocks


@dataclass
class _BlockSpec:
    """A block while the program is being built (frozen into a Block by build())."""

    id: str
    opcode: str
    parent: str | None
    next: str | None = None
    inputs: dict[str, Input] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    shadow: bool = False
    top_level: bool = False
    mutation: dict[str, Any] | None = None
    source: str | None = None

    def freeze(self, x: float | None, y: float | None) -> Block:
        return Block(
            id=self.id,
            opcode=self.opcode,
            next=self.next,
            parent=self.parent,
            inputs=dict(self.inputs),
            fields=dict(self.fields),
            shadow=self.shadow,
            top_level=self.top_level,
            x=x if self.top_level else None,
            y=y if self.top_level else None,
            mutation=self.mutation,
            source=self.source,
        )


@dataclass
class _Sequence:
    """Where the next statement goes: after `last`, or first in `parent`'s input `slot`."""

    target: TargetBuilder
    parent: str | None
    slot: str | None
    last: str | None = None


_SEQUENCES: list[_Sequence] = []


def _current() -> _Sequence:
    if not _SEQUENCES:
        raise SyntaxError(
            "a Scratch statement must be written inside a script (e.g. when_flag_clicked)"
        )
    return _SEQUENCES[-1]


@contextmanager
def _sequence(target: TargetBuilder, parent: str | None, slot: str | None) -> Iterator[_Sequence]:
    seq = _Sequence(target, parent, slot)
    _SEQUENCES.append(seq)
    try:
        yield seq
    finally:
        _SEQUENCES.pop()


def _statement(
    opcode: str,
    inputs: dict[str, Any],
    fields: dict[str, Field] | None = None,
    mutation: dict[str, Any] | None = None,
) -> _BlockSpec:
    seq = _current()
    spec = seq.target.new_block(opcode, parent=seq.last or seq.parent, source=_source_line())
    spec.fields.update(fields or {})
    spec.mutation = mutation
    for name, value in inputs.items():
        spec.inputs[name] = seq.target.input_for(spec, name, value)
    if seq.last is not None:
        seq.target.specs[seq.last].next = spec.id
    elif seq.parent is not None and seq.slot is not None:
        seq.target.specs[seq.parent].inputs[seq.slot] = Input(INPUT_NO_SHADOW, spec.id)
    seq.last = spec.id
    return spec


def statement(opcode: str, inputs: dict[str, Any], fields: dict[str, Field] | None = None) -> None:
    """Write any stack block into the current script (emulator.dsl_sprite's blocks use it)."""
    _statement(opcode, inputs, fields)


@contextmanager
def _c_block(opcode: str, inputs: dict[str, Any]) -> Iterator[None]:
    spec = _statement(opcode, inputs)
    seq = _current()
    with _sequence(seq.target, spec.id, "SUBSTACK"):
        yield


def _broadcast_operand(message: Any) -> Any:
    return _BroadcastName(str(message)) if isinstance(message, str) else message


@dataclass(frozen=True)
class _BroadcastName:
    name: str


def literal_text(value: Any) -> Value:
    """The text the Scratch editor stores for a Python literal (numbers as JavaScript prints them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_to_string(float(value))
    return str(value)


# ## Targets and procedures


class Procedure:
    """A custom block: `with proc.define() as args:` writes its body; `proc(...)` calls it."""

    def __init__(
        self, owner: TargetBuilder, proccode: str, arg_names: Sequence[str], warp: bool
    ) -> None:
        self.owner, self.proccode, self.warp = owner, proccode, warp
        self.arg_names = list(arg_names)
        kinds = [part[0] for part in proccode.split("%")[1:] if part[:1] in ("s", "b", "n")]
        if len(kinds) != len(self.arg_names):
            raise ValueError(
                f"{proccode!r} has {len(kinds)} argument slots but {len(arg_names)} names"
            )
        self.arg_kinds = kinds
        self.arg_ids = [owner.new_id("arg") for _ in self.arg_names]

    def _mutation(self, with_names: bool) -> dict[str, Any]:
        mutation: dict[str, Any] = {
            "tagName": "mutation",
            "children": [],
            "proccode": self.proccode,
            "argumentids": json.dumps(self.arg_ids),
        }
        if with_names:
            mutation["argumentnames"] = json.dumps(self.arg_names)
            mutation["argumentdefaults"] = json.dumps(
                ["false" if k == "b" else "" for k in self.arg_kinds]
            )
        mutation["warp"] = "true" if self.warp else "false"
        return mutation

    @contextmanager
    def define(self) -> Iterator[list[Expr]]:
        """Write the body; yields the argument reporters in order."""
        owner = self.owner
        definition = owner.new_block("procedures_definition", parent=None, source=_source_line())
        definition.top_level = True
        proto = owner.new_block(
            "procedures_prototype", parent=definition.id, source=definition.source
        )
        proto.shadow = True
        proto.mutation = self._mutation(with_names=True)
        definition.inputs["custom_block"] = Input(INPUT_SHADOW, proto.id)
        for arg_id, name, kind in zip(self.arg_ids, self.arg_names, self.arg_kinds, strict=True):
            opcode = (
                "argument_reporter_boolean" if kind == "b" else "argument_reporter_string_number"
            )
            reporter = owner.new_block(opcode, parent=proto.id, source=definition.source)
            reporter.shadow = True
            reporter.fields["VALUE"] = Field(name)
            proto.inputs[arg_id] = Input(INPUT_SHADOW, reporter.id)
        args = [
            Expr(
                "argument_reporter_boolean" if k == "b" else "argument_reporter_string_number",
                fields={"VALUE": Field(n)},
                boolean=k == "b",
            )
            for n, k in zip(self.arg_names, self.arg_kinds, strict=True)
        ]
        for arg in args:
            arg.source = None  # each use takes the line of the block it is dropped into
        with _sequence(owner, definition.id, None) as seq:
            seq.last = definition.id
            yield args

    def __call__(self, *args: Any) -> None:
        if len(args) != len(self.arg_ids):
            raise TypeError(
                f"{self.proccode!r} takes {len(self.arg_ids)} arguments, got {len(args)}"
            )
        spec = _statement("procedures_call", {}, mutation=self._mutation(with_names=False))
        for arg_id, kind, value in zip(self.arg_ids, self.arg_kinds, args, strict=True):
            spec.inputs[arg_id] = _current().target.input_for(
                spec, arg_id, value, boolean=kind == "b"
            )


class TargetBuilder:
    """The stage or a sprite being built: variables, lists, scripts and custom blocks."""

    def __init__(self, program: Program, name: str, is_stage: bool, layer_order: int) -> None:
        self.program, self.name, self.is_stage, self.layer_order = (
            program,
            name,
            is_stage,
            layer_order,
        )
        self.variables: dict[str, Variable] = {}
        self.lists: dict[str, ListVar] = {}
        self.specs: dict[str, _BlockSpec] = {}
        self.procedures: dict[str, Procedure] = {}
        self.looks: dict[str, Any] = {}  # project.json properties: x, y, direction, visible, ...
        self.costumes: list[str] = []  # costume (or backdrop) names; [] gives the editor's one

    def new_id(self, kind: str) -> str:
        """A fresh, deterministic id."""
        return self.program.new_id(kind)

    def var(self, name: str, value: Any = 0) -> Var:
        """Declare a variable with an initial value (numbers stay numbers, as in a saved project)."""
        var_id = self.new_id("var")
        self.variables[var_id] = Variable(var_id, name, _initial(value))
        return Var(self, var_id, name)

    def list(self, name: str, items: Sequence[Any] = ()) -> ScratchList:
        """Declare a list with initial items (types kept)."""
        list_id = self.new_id("list")
        self.lists[list_id] = ListVar(list_id, name, tuple(_initial(v) for v in items))
        return ScratchList(self, list_id, name)

    @contextmanager
    def when_flag_clicked(self) -> Iterator[None]:
        """when green flag clicked: the statements inside form the script."""
        with self._hat("event_whenflagclicked", {}):
            yield

    @contextmanager
    def when_i_receive(self, message: str) -> Iterator[None]:
        """when I receive [message]."""
        message_id = self.program.broadcast_id(message)
        with self._hat(
            "event_whenbroadcastreceived", {"BROADCAST_OPTION": Field(message, message_id)}
        ):
            yield

    @contextmanager
    def when_i_start_as_clone(self) -> Iterator[None]:
        """when I start as a clone."""
        with self._hat("control_start_as_clone", {}):
            yield

    @contextmanager
    def when_backdrop_switches_to(self, backdrop: str) -> Iterator[None]:
        """when backdrop switches to [backdrop]."""
        with self._hat("event_whenbackdropswitchesto", {"BACKDROP": Field(backdrop)}):
            yield

    @contextmanager
    def when_key_pressed(self, key: str) -> Iterator[None]:
        """when [key] key pressed ("space", "a", "any", "left arrow" ...)."""
        with self._hat("event_whenkeypressed", {"KEY_OPTION": Field(key)}):
            yield

    @contextmanager
    def when_this_sprite_clicked(self) -> Iterator[None]:
        """when this sprite clicked."""
        with self._hat("event_whenthisspriteclicked", {}):
            yield

    @contextmanager
    def when_stage_clicked(self) -> Iterator[None]:
        """when stage clicked."""
        with self._hat("event_whenstageclicked", {}):
            yield

    @contextmanager
    def when_greater_than(self, what: str, value: Any) -> Iterator[None]:
        """when [TIMER | LOUDNESS] > (value)."""
        with self._hat(
            "event_whengreaterthan", {"WHENGREATERTHANMENU": Field(what)}, {"VALUE": value}
        ):
            yield

    @contextmanager
    def when_touching(self, what: Any) -> Iterator[None]:
        """when this sprite touches (MOUSE | EDGE | a sprite's name)."""
        with self._hat("event_whentouchingobject", {}, {"TOUCHINGOBJECTMENU": what}):
            yield

    @contextmanager
    def _hat(
        self, opcode: str, fields: dict[str, Field], inputs: dict[str, Any] | None = None
    ) -> Iterator[None]:
        hat = self.new_block(opcode, parent=None, source=_source_line())
        hat.top_level = True
        hat.fields.update(fields)
        for name, value in (inputs or {}).items():
            hat.inputs[name] = self.input_for(hat, name, value)
        with _sequence(self, hat.id, None) as seq:
            seq.last = hat.id
            yield

    def procedure(self, proccode: str, args: Sequence[str] = (), warp: bool = False) -> Procedure:
        """Declare a custom block ('name %s %b' with argument names); define it with .define()."""
        proc = Procedure(self, proccode, args, warp)
        self.procedures[proccode] = proc
        return proc

    def new_block(self, opcode: str, parent: str | None, source: str | None) -> _BlockSpec:
        """Add a block spec with a fresh id."""
        spec = _BlockSpec(self.new_id("b"), opcode, parent, source=source)
        self.specs[spec.id] = spec
        return spec

    def input_for(self, parent: _BlockSpec, name: str, value: Any, boolean: bool = False) -> Input:
        """The project.json input for a Python value, expression or literal, in a given slot."""
        boolean = boolean or input_kind(parent.opcode, name) is InputKind.BOOLEAN
        if isinstance(value, _BroadcastName):
            return Input(
                INPUT_SHADOW,
                Primitive(BROADCAST, value.name, self.program.broadcast_id(value.name)),
            )
        if input_kind(parent.opcode, name) is InputKind.MENU and name != "BROADCAST_INPUT":
            # A broadcast slot holds a [11, name, id] primitive, not a menu block.
            return self._menu_input(parent, name, value)
        kind = _slot_kind(parent.opcode, name)
        slot = self._reporter_slot(parent, value)
        if slot is None and boolean and isinstance(value, bool):
            # A Python True/False in a boolean slot: build the always-true/false comparison.
            slot = self._materialize(_compare("operator_equals", 1, 1 if value else 0), parent)
        if slot is None:
            return Input(INPUT_SHADOW, Primitive(kind, literal_text(value)))
        # A boolean slot has no shadow: a reporter in it is saved as [2, reporter]. Under a
        # reporter the shadow is empty, but a colour shadow must be a colour to pass the schema.
        under = "#000000" if kind == COLOUR else ""
        return (
            Input(INPUT_NO_SHADOW, slot)
            if boolean
            else Input(INPUT_OBSCURED, slot, Primitive(kind, under))
        )

    def _menu_input(self, parent: _BlockSpec, name: str, value: Any) -> Input:
        """A menu slot: its shadow menu block holds a choice, or lies under a reporter dropped on it."""
        row = TABLE[parent.opcode].input(name)
        assert row is not None and row.menu is not None
        menu = self.new_block(row.menu, parent=parent.id, source=parent.source)
        menu.shadow = True
        slot = self._reporter_slot(parent, value)
        menu.fields[TABLE[row.menu].fields[0].name] = Field("" if slot is not None else str(value))
        return (
            Input(INPUT_SHADOW, menu.id) if slot is None else Input(INPUT_OBSCURED, slot, menu.id)
        )

    def _reporter_slot(self, parent: _BlockSpec, value: Any) -> str | Primitive | None:
        """What a reporter value puts in a slot: a variable or list primitive, or a new block's id."""
        if isinstance(value, Var):
            return Primitive(VARIABLE, value.name, value.id)
        if isinstance(value, ScratchList):
            return Primitive(LIST, value.name, value.id)
        if isinstance(value, Expr):
            return self._materialize(value, parent)
        return None

    def _materialize(self, expr: Expr, parent: _BlockSpec) -> str:
        # An argument reporter is made once by define(); it comes from the line that uses it.
        spec = self.new_block(expr.opcode, parent=parent.id, source=expr.source or parent.source)
        spec.fields.update(expr.fields)
        for name, value in expr.inputs.items():
            spec.inputs[name] = self.input_for(spec, name, value)
        return spec.id

    def build(self) -> Target:
        """Freeze into a project Target."""
        blocks, x = {}, 0.0
        for spec in self.specs.values():
            blocks[spec.id] = spec.freeze(x, 0.0)
            if spec.top_level:
                x += 400.0
        broadcasts = dict(self.program.broadcasts) if self.is_stage else {}
        extra: dict[str, Any] = (
            {}
            if self.is_stage
            else {
                "visible": True,
                "x": 0,
                "y": 0,
                "size": 100,
                "direction": 90,
                "draggable": False,
                "rotationStyle": "all around",
            }
        )
        extra.update(self.looks)
        if self.costumes:
            extra["costumes"] = [empty_costume(name) for name in self.costumes]
        return Target(
            self.name,
            self.is_stage,
            dict(self.variables),
            dict(self.lists),
            broadcasts,
            blocks,
            self.layer_order,
            extra,
        )


def _slot_kind(opcode: str, name: str) -> int:
    kind = input_kind(opcode, name)
    return _SHADOWS.get(kind, TEXT) if kind is not None else TEXT


def _initial(value: Any) -> Value:
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value)
    raise TypeError(f"a variable or list item must be a number, string or boolean, not {value!r}")


class Program:
    """A Scratch project being written in Python: a stage, sprites, and broadcast messages."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._ids = 0
        self.broadcasts: dict[str, str] = {}
        self.stage = TargetBuilder(self, "Stage", True, 0)
        self.sprites: list[TargetBuilder] = []

    def new_id(self, kind: str) -> str:
        """A fresh id, stable from one build to the next."""
        self._ids += 1
        return f"{kind}{self._ids}"

    def sprite(self, name: str, costumes: Sequence[str] = (), **looks: Any) -> TargetBuilder:
        """Add a sprite (the newest is topmost, so its scripts start first).

        `looks` are its project.json properties (x, y, direction, size, visible, currentCostume,
        rotationStyle, draggable, volume); `costumes` names its costumes.
        """
        sprite = TargetBuilder(self, name, False, len(self.sprites) + 1)
        sprite.costumes, sprite.looks = list(costumes), dict(looks)
        self.sprites.append(sprite)
        return sprite

    def broadcast_id(self, message: str) -> str:
        """The id of a broadcast message, declared on the stage on first use."""
        for message_id, name in self.broadcasts.items():
            if name == message:
                return message_id
        message_id = self.new_id("msg")
        self.broadcasts[message_id] = message
        return message_id

    def build(self) -> Project:
        """The finished Project."""
        targets = (self.stage.build(), *(s.build() for s in self.sprites))
        # The editor lists the extensions a project's blocks come from; so far only the pen.
        uses_pen = any(b.opcode.startswith("pen_") for t in targets for b in t.blocks.values())
        return Project(targets=targets, extensions=("pen",) if uses_pen else (), name=self.name)
