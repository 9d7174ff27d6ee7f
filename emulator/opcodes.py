"""The one table of the Scratch opcodes the emulator knows: shape, inputs, fields, text and behaviour of each.

The handler registry, the hat sets, the rendered text of blocks, the DSL's shadows and the
debugger's list accesses are all read from here. Templates are scratchblocks text: `{NAME}` is an
input, `[{NAME} v]` a field shown as a dropdown, and `{proccode}` a custom block's own text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Opcode(StrEnum):
    """Every opcode in the table, by category; a member equals the opcode string of project.json."""

    # ## Events
    EVENT_WHENFLAGCLICKED = "event_whenflagclicked"
    EVENT_WHENBROADCASTRECEIVED = "event_whenbroadcastreceived"
    EVENT_WHENKEYPRESSED = "event_whenkeypressed"
    EVENT_WHENTHISSPRITECLICKED = "event_whenthisspriteclicked"
    EVENT_WHENSTAGECLICKED = "event_whenstageclicked"
    EVENT_WHENBACKDROPSWITCHESTO = "event_whenbackdropswitchesto"
    EVENT_WHENGREATERTHAN = "event_whengreaterthan"
    EVENT_WHENTOUCHINGOBJECT = "event_whentouchingobject"
    EVENT_TOUCHINGOBJECTMENU = "event_touchingobjectmenu"
    EVENT_BROADCAST = "event_broadcast"
    EVENT_BROADCASTANDWAIT = "event_broadcastandwait"
    EVENT_BROADCAST_MENU = "event_broadcast_menu"
    # ## Motion
    MOTION_MOVESTEPS = "motion_movesteps"
    MOTION_TURNRIGHT = "motion_turnright"
    MOTION_TURNLEFT = "motion_turnleft"
    MOTION_GOTO = "motion_goto"
    MOTION_GOTO_MENU = "motion_goto_menu"
    MOTION_GOTOXY = "motion_gotoxy"
    MOTION_GLIDETO = "motion_glideto"
    MOTION_GLIDETO_MENU = "motion_glideto_menu"
    MOTION_GLIDESECSTOXY = "motion_glidesecstoxy"
    MOTION_POINTINDIRECTION = "motion_pointindirection"
    MOTION_POINTTOWARDS = "motion_pointtowards"
    MOTION_POINTTOWARDS_MENU = "motion_pointtowards_menu"
    MOTION_CHANGEXBY = "motion_changexby"
    MOTION_SETX = "motion_setx"
    MOTION_CHANGEYBY = "motion_changeyby"
    MOTION_SETY = "motion_sety"
    MOTION_IFONEDGEBOUNCE = "motion_ifonedgebounce"
    MOTION_SETROTATIONSTYLE = "motion_setrotationstyle"
    MOTION_XPOSITION = "motion_xposition"
    MOTION_YPOSITION = "motion_yposition"
    MOTION_DIRECTION = "motion_direction"
    # ## Control
    CONTROL_START_AS_CLONE = "control_start_as_clone"
    CONTROL_REPEAT = "control_repeat"
    CONTROL_FOREVER = "control_forever"
    CONTROL_IF = "control_if"
    CONTROL_IF_ELSE = "control_if_else"
    CONTROL_REPEAT_UNTIL = "control_repeat_until"
    CONTROL_WHILE = "control_while"
    CONTROL_FOR_EACH = "control_for_each"
    CONTROL_ALL_AT_ONCE = "control_all_at_once"
    CONTROL_WAIT = "control_wait"
    CONTROL_WAIT_UNTIL = "control_wait_until"
    CONTROL_STOP = "control_stop"
    CONTROL_CREATE_CLONE_OF = "control_create_clone_of"
    CONTROL_CREATE_CLONE_OF_MENU = "control_create_clone_of_menu"
    CONTROL_DELETE_THIS_CLONE = "control_delete_this_clone"
    # ## Looks
    LOOKS_SAY = "looks_say"
    LOOKS_SAYFORSECS = "looks_sayforsecs"
    LOOKS_THINK = "looks_think"
    LOOKS_THINKFORSECS = "looks_thinkforsecs"
    LOOKS_SHOW = "looks_show"
    LOOKS_HIDE = "looks_hide"
    LOOKS_SWITCHCOSTUMETO = "looks_switchcostumeto"
    LOOKS_COSTUME = "looks_costume"
    LOOKS_NEXTCOSTUME = "looks_nextcostume"
    LOOKS_SWITCHBACKDROPTO = "looks_switchbackdropto"
    LOOKS_SWITCHBACKDROPTOANDWAIT = "looks_switchbackdroptoandwait"
    LOOKS_BACKDROPS = "looks_backdrops"
    LOOKS_NEXTBACKDROP = "looks_nextbackdrop"
    LOOKS_CHANGESIZEBY = "looks_changesizeby"
    LOOKS_SETSIZETO = "looks_setsizeto"
    LOOKS_CHANGEEFFECTBY = "looks_changeeffectby"
    LOOKS_SETEFFECTTO = "looks_seteffectto"
    LOOKS_CLEARGRAPHICEFFECTS = "looks_cleargraphiceffects"
    LOOKS_GOTOFRONTBACK = "looks_gotofrontback"
    LOOKS_GOFORWARDBACKWARDLAYERS = "looks_goforwardbackwardlayers"
    LOOKS_COSTUMENUMBERNAME = "looks_costumenumbername"
    LOOKS_BACKDROPNUMBERNAME = "looks_backdropnumbername"
    LOOKS_SIZE = "looks_size"
    # ## Sound
    SOUND_PLAY = "sound_play"
    SOUND_PLAYUNTILDONE = "sound_playuntildone"
    SOUND_SOUNDS_MENU = "sound_sounds_menu"
    SOUND_STOPALLSOUNDS = "sound_stopallsounds"
    SOUND_SETEFFECTTO = "sound_seteffectto"
    SOUND_CHANGEEFFECTBY = "sound_changeeffectby"
    SOUND_CLEAREFFECTS = "sound_cleareffects"
    SOUND_SETVOLUMETO = "sound_setvolumeto"
    SOUND_CHANGEVOLUMEBY = "sound_changevolumeby"
    SOUND_VOLUME = "sound_volume"
    # ## Sensing
    SENSING_ASKANDWAIT = "sensing_askandwait"
    SENSING_ANSWER = "sensing_answer"
    SENSING_TIMER = "sensing_timer"
    SENSING_RESETTIMER = "sensing_resettimer"
    SENSING_TOUCHINGOBJECT = "sensing_touchingobject"
    SENSING_TOUCHINGOBJECTMENU = "sensing_touchingobjectmenu"
    SENSING_TOUCHINGCOLOR = "sensing_touchingcolor"
    SENSING_COLORISTOUCHINGCOLOR = "sensing_coloristouchingcolor"
    SENSING_DISTANCETO = "sensing_distanceto"
    SENSING_DISTANCETOMENU = "sensing_distancetomenu"
    SENSING_OF = "sensing_of"
    SENSING_OF_OBJECT_MENU = "sensing_of_object_menu"
    SENSING_MOUSEX = "sensing_mousex"
    SENSING_MOUSEY = "sensing_mousey"
    SENSING_MOUSEDOWN = "sensing_mousedown"
    SENSING_KEYPRESSED = "sensing_keypressed"
    SENSING_KEYOPTIONS = "sensing_keyoptions"
    SENSING_SETDRAGMODE = "sensing_setdragmode"
    SENSING_CURRENT = "sensing_current"
    SENSING_DAYSSINCE2000 = "sensing_dayssince2000"
    SENSING_LOUDNESS = "sensing_loudness"
    SENSING_LOUD = "sensing_loud"
    SENSING_USERNAME = "sensing_username"
    SENSING_USERID = "sensing_userid"
    # ## Operators
    OPERATOR_ADD = "operator_add"
    OPERATOR_SUBTRACT = "operator_subtract"
    OPERATOR_MULTIPLY = "operator_multiply"
    OPERATOR_DIVIDE = "operator_divide"
    OPERATOR_MOD = "operator_mod"
    OPERATOR_ROUND = "operator_round"
    OPERATOR_MATHOP = "operator_mathop"
    OPERATOR_RANDOM = "operator_random"
    OPERATOR_JOIN = "operator_join"
    OPERATOR_LETTER_OF = "operator_letter_of"
    OPERATOR_LENGTH = "operator_length"
    OPERATOR_CONTAINS = "operator_contains"
    OPERATOR_LT = "operator_lt"
    OPERATOR_GT = "operator_gt"
    OPERATOR_EQUALS = "operator_equals"
    OPERATOR_AND = "operator_and"
    OPERATOR_OR = "operator_or"
    OPERATOR_NOT = "operator_not"
    # ## Variables and lists
    DATA_VARIABLE = "data_variable"
    DATA_SETVARIABLETO = "data_setvariableto"
    DATA_CHANGEVARIABLEBY = "data_changevariableby"
    DATA_SHOWVARIABLE = "data_showvariable"
    DATA_HIDEVARIABLE = "data_hidevariable"
    DATA_LISTCONTENTS = "data_listcontents"
    DATA_ITEMOFLIST = "data_itemoflist"
    DATA_ITEMNUMOFLIST = "data_itemnumoflist"
    DATA_LENGTHOFLIST = "data_lengthoflist"
    DATA_LISTCONTAINSITEM = "data_listcontainsitem"
    DATA_ADDTOLIST = "data_addtolist"
    DATA_DELETEOFLIST = "data_deleteoflist"
    DATA_DELETEALLOFLIST = "data_deletealloflist"
    DATA_INSERTATLIST = "data_insertatlist"
    DATA_REPLACEITEMOFLIST = "data_replaceitemoflist"
    DATA_SHOWLIST = "data_showlist"
    DATA_HIDELIST = "data_hidelist"
    # ## Pen (an extension: camelCase opcodes)
    PEN_CLEAR = "pen_clear"
    PEN_STAMP = "pen_stamp"
    PEN_PENDOWN = "pen_penDown"
    PEN_PENUP = "pen_penUp"
    PEN_SETPENCOLORTOCOLOR = "pen_setPenColorToColor"
    PEN_CHANGEPENCOLORPARAMBY = "pen_changePenColorParamBy"
    PEN_SETPENCOLORPARAMTO = "pen_setPenColorParamTo"
    PEN_MENU_COLORPARAM = "pen_menu_colorParam"
    PEN_CHANGEPENSIZEBY = "pen_changePenSizeBy"
    PEN_SETPENSIZETO = "pen_setPenSizeTo"
    PEN_SETPENSHADETONUMBER = "pen_setPenShadeToNumber"
    PEN_CHANGEPENSHADEBY = "pen_changePenShadeBy"
    PEN_SETPENHUETONUMBER = "pen_setPenHueToNumber"
    PEN_CHANGEPENHUEBY = "pen_changePenHueBy"
    # ## Music (an extension whose blocks make sound: headless only its timing and tempo remain)
    MUSIC_PLAYDRUMFORBEATS = "music_playDrumForBeats"
    MUSIC_MIDIPLAYDRUMFORBEATS = "music_midiPlayDrumForBeats"
    MUSIC_MENU_DRUM = "music_menu_DRUM"
    MUSIC_RESTFORBEATS = "music_restForBeats"
    MUSIC_PLAYNOTEFORBEATS = "music_playNoteForBeats"
    NOTE = "note"
    MUSIC_SETINSTRUMENT = "music_setInstrument"
    MUSIC_MIDISETINSTRUMENT = "music_midiSetInstrument"
    MUSIC_MENU_INSTRUMENT = "music_menu_INSTRUMENT"
    MUSIC_SETTEMPO = "music_setTempo"
    MUSIC_CHANGETEMPO = "music_changeTempo"
    MUSIC_GETTEMPO = "music_getTempo"
    # ## Custom blocks
    PROCEDURES_DEFINITION = "procedures_definition"
    PROCEDURES_PROTOTYPE = "procedures_prototype"
    PROCEDURES_CALL = "procedures_call"
    ARGUMENT_REPORTER_STRING_NUMBER = "argument_reporter_string_number"
    ARGUMENT_REPORTER_BOOLEAN = "argument_reporter_boolean"


class Shape(StrEnum):
    """How a block looks, and so where it may sit."""

    HAT = "hat"
    STACK = "stack"
    C_BLOCK = "c-block"
    CAP = "cap"
    REPORTER = "reporter"
    BOOLEAN = "boolean"


class InputKind(StrEnum):
    """What an input takes: the editor's shadow for it, a boolean, a branch, or a menu."""

    NUMBER = "number"  # math_number
    POSITIVE = "positive"  # math_positive_number
    WHOLE = "whole"  # math_whole_number
    INTEGER = "integer"  # math_integer
    ANGLE = "angle"  # math_angle
    COLOUR = "colour"  # colour_picker
    TEXT = "text"
    BOOLEAN = "boolean"  # hexagonal, no shadow
    SUBSTACK = "substack"  # a C-block's mouth
    MENU = "menu"  # a shadow menu block (InputSpec.menu names it)
    PROTOTYPE = "prototype"  # a definition's signature


class ListOp(StrEnum):
    """What a block does at a list index."""

    READ = "read"
    REPLACE = "replace"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class ListIndex:
    """How a block reads its INDEX input: Scratch's Cast.toListIndex with this block's range."""

    op: ListOp
    past_end: int = 0  # 1 when item length + 1 is valid too (insert appends there)
    words: tuple[str, ...] = ("last", "random", "any")  # "all" too where a delete takes it

    @property
    def accepts_all(self) -> bool:
        """Whether "all" names every item (delete all)."""
        return "all" in self.words

    @property
    def writes(self) -> bool:
        """Whether the block writes the list (an index outside it drops the write)."""
        return self.op is not ListOp.READ


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One input of a block."""

    name: str
    kind: InputKind
    menu: Opcode | None = None  # the shadow menu block the editor puts in it


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a block: a variable, list or message name, or a dropdown's choice."""

    name: str
    options: tuple[str, ...] = ()  # a dropdown's fixed choices; () when the project names them


@dataclass(frozen=True, slots=True)
class BlockSpec:
    """One row of the table."""

    opcode: Opcode
    shape: Shape
    text: str
    inputs: tuple[InputSpec, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    random: bool = False  # running it may draw from the run's random number generator
    list_index: ListIndex | None = None
    restarts: bool = False  # a hat that restarts its running script instead of starting another
    edge: bool = False  # a hat tested every frame, which starts its script when it turns true
    yields: bool = False  # running it may end its thread's turn
    no_handler: str = ""  # why the block needs no handler (hats, menus, the custom block's parts)

    @property
    def reports(self) -> bool:
        """Whether the block is a reporter (round or hexagonal)."""
        return self.shape in (Shape.REPORTER, Shape.BOOLEAN)

    def input(self, name: str) -> InputSpec | None:
        """The input with this name, if the block has one."""
        return next((i for i in self.inputs if i.name == name), None)


# ## Building rows

_INPUT_HAT = "a hat: an injected input event starts the script under it"
_EDGE_HAT = "a hat the runtime tests at the start of every frame: {}"
_STARTED = "a hat: the runtime starts the script under it, and running it does nothing"
_MENU = "a shadow menu: its one field is the choice, read by the block it sits in"


def _num(name: str) -> InputSpec:
    return InputSpec(name, InputKind.NUMBER)


def _text(name: str) -> InputSpec:
    return InputSpec(name, InputKind.TEXT)


def _bool(name: str) -> InputSpec:
    return InputSpec(name, InputKind.BOOLEAN)


def _int(name: str) -> InputSpec:
    return InputSpec(name, InputKind.INTEGER)


def _sub(name: str = "SUBSTACK") -> InputSpec:
    return InputSpec(name, InputKind.SUBSTACK)


def _menu(name: str, menu: Opcode) -> InputSpec:
    return InputSpec(name, InputKind.MENU, menu)


def _field(name: str, *options: str) -> tuple[FieldSpec, ...]:
    return (FieldSpec(name, options),)


def _hat(
    opcode: Opcode,
    text: str,
    why: str,
    *inputs: InputSpec,
    fields: tuple[FieldSpec, ...] = (),
    restarts: bool = False,
    edge: bool = False,
) -> BlockSpec:
    return BlockSpec(
        opcode, Shape.HAT, text, inputs, fields, restarts=restarts, edge=edge, no_handler=why
    )


def _block(opcode: Opcode, shape: Shape, text: str, *inputs: InputSpec) -> BlockSpec:
    return BlockSpec(opcode, shape, text, inputs)


def _loop(
    opcode: Opcode, text: str, *inputs: InputSpec, fields: tuple[FieldSpec, ...] = ()
) -> BlockSpec:
    return BlockSpec(opcode, Shape.C_BLOCK, text, (*inputs, _sub()), fields, yields=True)


def _waits(opcode: Opcode, text: str, *inputs: InputSpec) -> BlockSpec:
    return BlockSpec(opcode, Shape.STACK, text, inputs, yields=True)


def _data(
    opcode: Opcode, shape: Shape, text: str, *inputs: InputSpec, field: str = "LIST"
) -> BlockSpec:
    return BlockSpec(opcode, shape, text, inputs, _field(field))


def _indexed(
    opcode: Opcode, shape: Shape, text: str, index: ListIndex, *inputs: InputSpec
) -> BlockSpec:
    # Every list index may be "random", so each of these may draw a random number.
    return BlockSpec(opcode, shape, text, inputs, _field("LIST"), random=True, list_index=index)


def _numeric(opcode: Opcode, text: str, *names: str) -> BlockSpec:
    return _block(opcode, Shape.REPORTER, text, *(_num(n) for n in names))


def _compare(opcode: Opcode, text: str, kind: InputKind) -> BlockSpec:
    return _block(
        opcode, Shape.BOOLEAN, text, InputSpec("OPERAND1", kind), InputSpec("OPERAND2", kind)
    )


_STOP = _field(
    "STOP_OPTION", "all", "this script", "other scripts in sprite", "other scripts in stage"
)
_MATHOP = _field(
    "OPERATOR",
    *("abs", "floor", "ceiling", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan"),
    *("ln", "log", "e ^", "10 ^"),
)
_BROADCAST = _menu("BROADCAST_INPUT", Opcode.EVENT_BROADCAST_MENU)
_EFFECT = _field("EFFECT", "COLOR", "FISHEYE", "WHIRL", "PIXELATE", "MOSAIC", "BRIGHTNESS", "GHOST")
_NUMBER_NAME = _field("NUMBER_NAME", "number", "name")
_SOUND_EFFECT = _field("EFFECT", "PITCH", "PAN")


def _menu_row(opcode: Opcode, field: str) -> BlockSpec:
    return BlockSpec(
        opcode, Shape.REPORTER, f"({{{field}}} v)", fields=_field(field), no_handler=_MENU
    )


def _draws(opcode: Opcode, text: str, *inputs: InputSpec, yields: bool = False) -> BlockSpec:
    # A menu may say "random": the block may draw from the run's random numbers.
    return BlockSpec(opcode, Shape.STACK, text, inputs, random=True, yields=yields)


# ## The table

SPECS: tuple[BlockSpec, ...] = (
    # ## Events
    _hat(Opcode.EVENT_WHENFLAGCLICKED, "when flag clicked", _STARTED, restarts=True),
    _hat(
        Opcode.EVENT_WHENBROADCASTRECEIVED,
        "when I receive [{BROADCAST_OPTION} v]",
        _STARTED,
        fields=_field("BROADCAST_OPTION"),
        restarts=True,
    ),
    _hat(
        Opcode.EVENT_WHENKEYPRESSED,
        "when [{KEY_OPTION} v] key pressed",
        _INPUT_HAT,
        fields=_field("KEY_OPTION"),
    ),
    _hat(
        Opcode.EVENT_WHENTHISSPRITECLICKED,
        "when this sprite clicked",
        _INPUT_HAT,
        restarts=True,
    ),
    _hat(
        Opcode.EVENT_WHENSTAGECLICKED,
        "when stage clicked",
        _INPUT_HAT,
        restarts=True,
    ),
    _hat(
        Opcode.EVENT_WHENBACKDROPSWITCHESTO,
        "when backdrop switches to [{BACKDROP} v]",
        _STARTED,
        fields=_field("BACKDROP"),
        restarts=True,
    ),
    _hat(
        Opcode.EVENT_WHENGREATERTHAN,
        "when [{WHENGREATERTHANMENU} v] > {VALUE}",
        _EDGE_HAT.format("timer or loudness above the value"),
        _num("VALUE"),
        fields=_field("WHENGREATERTHANMENU", "LOUDNESS", "TIMER"),
        edge=True,
    ),
    _hat(
        Opcode.EVENT_WHENTOUCHINGOBJECT,
        "when this sprite touches {TOUCHINGOBJECTMENU}",
        _EDGE_HAT.format("headless, touching is always false"),
        _menu("TOUCHINGOBJECTMENU", Opcode.EVENT_TOUCHINGOBJECTMENU),
        edge=True,
    ),
    BlockSpec(
        Opcode.EVENT_TOUCHINGOBJECTMENU,
        Shape.REPORTER,
        "({TOUCHINGOBJECTMENU} v)",
        fields=_field("TOUCHINGOBJECTMENU"),
        no_handler=_MENU,
    ),
    _block(Opcode.EVENT_BROADCAST, Shape.STACK, "broadcast {BROADCAST_INPUT}", _BROADCAST),
    _waits(Opcode.EVENT_BROADCASTANDWAIT, "broadcast {BROADCAST_INPUT} and wait", _BROADCAST),
    BlockSpec(
        Opcode.EVENT_BROADCAST_MENU,
        Shape.REPORTER,
        "({BROADCAST_OPTION} v)",
        fields=_field("BROADCAST_OPTION"),
        no_handler=_MENU,
    ),
    # ## Motion
    _block(Opcode.MOTION_MOVESTEPS, Shape.STACK, "move {STEPS} steps", _num("STEPS")),
    _block(Opcode.MOTION_TURNRIGHT, Shape.STACK, "turn right {DEGREES} degrees", _num("DEGREES")),
    _block(Opcode.MOTION_TURNLEFT, Shape.STACK, "turn left {DEGREES} degrees", _num("DEGREES")),
    _draws(Opcode.MOTION_GOTO, "go to {TO}", _menu("TO", Opcode.MOTION_GOTO_MENU)),
    _menu_row(Opcode.MOTION_GOTO_MENU, "TO"),
    _block(Opcode.MOTION_GOTOXY, Shape.STACK, "go to x: {X} y: {Y}", _num("X"), _num("Y")),
    _draws(
        Opcode.MOTION_GLIDETO,
        "glide {SECS} secs to {TO}",
        _num("SECS"),
        _menu("TO", Opcode.MOTION_GLIDETO_MENU),
        yields=True,
    ),
    _menu_row(Opcode.MOTION_GLIDETO_MENU, "TO"),
    _waits(
        Opcode.MOTION_GLIDESECSTOXY,
        "glide {SECS} secs to x: {X} y: {Y}",
        _num("SECS"),
        _num("X"),
        _num("Y"),
    ),
    _block(
        Opcode.MOTION_POINTINDIRECTION,
        Shape.STACK,
        "point in direction {DIRECTION}",
        InputSpec("DIRECTION", InputKind.ANGLE),
    ),
    _draws(
        Opcode.MOTION_POINTTOWARDS,
        "point towards {TOWARDS}",
        _menu("TOWARDS", Opcode.MOTION_POINTTOWARDS_MENU),
    ),
    _menu_row(Opcode.MOTION_POINTTOWARDS_MENU, "TOWARDS"),
    _block(Opcode.MOTION_CHANGEXBY, Shape.STACK, "change x by {DX}", _num("DX")),
    _block(Opcode.MOTION_SETX, Shape.STACK, "set x to {X}", _num("X")),
    _block(Opcode.MOTION_CHANGEYBY, Shape.STACK, "change y by {DY}", _num("DY")),
    _block(Opcode.MOTION_SETY, Shape.STACK, "set y to {Y}", _num("Y")),
    _block(Opcode.MOTION_IFONEDGEBOUNCE, Shape.STACK, "if on edge, bounce"),
    BlockSpec(
        Opcode.MOTION_SETROTATIONSTYLE,
        Shape.STACK,
        "set rotation style [{STYLE} v]",
        fields=_field("STYLE", "left-right", "don't rotate", "all around"),
    ),
    _block(Opcode.MOTION_XPOSITION, Shape.REPORTER, "(x position)"),
    _block(Opcode.MOTION_YPOSITION, Shape.REPORTER, "(y position)"),
    _block(Opcode.MOTION_DIRECTION, Shape.REPORTER, "(direction)"),
    # ## Control
    _hat(Opcode.CONTROL_START_AS_CLONE, "when I start as a clone", _STARTED),
    _loop(Opcode.CONTROL_REPEAT, "repeat {TIMES}", InputSpec("TIMES", InputKind.WHOLE)),
    _loop(Opcode.CONTROL_FOREVER, "forever"),
    _block(Opcode.CONTROL_IF, Shape.C_BLOCK, "if {CONDITION} then", _bool("CONDITION"), _sub()),
    _block(
        Opcode.CONTROL_IF_ELSE,
        Shape.C_BLOCK,
        "if {CONDITION} then",
        _bool("CONDITION"),
        _sub(),
        _sub("SUBSTACK2"),
    ),
    _loop(Opcode.CONTROL_REPEAT_UNTIL, "repeat until {CONDITION}", _bool("CONDITION")),
    _loop(Opcode.CONTROL_WHILE, "while {CONDITION}", _bool("CONDITION")),
    _loop(
        Opcode.CONTROL_FOR_EACH,
        "for each [{VARIABLE} v] in {VALUE}",
        _text("VALUE"),
        fields=_field("VARIABLE"),
    ),
    _block(Opcode.CONTROL_ALL_AT_ONCE, Shape.C_BLOCK, "all at once", _sub()),
    _waits(
        Opcode.CONTROL_WAIT, "wait {DURATION} seconds", InputSpec("DURATION", InputKind.POSITIVE)
    ),
    _waits(Opcode.CONTROL_WAIT_UNTIL, "wait until {CONDITION}", _bool("CONDITION")),
    # A cap, except with "other scripts in sprite", after which the script goes on.
    BlockSpec(Opcode.CONTROL_STOP, Shape.CAP, "stop [{STOP_OPTION} v]", fields=_STOP),
    _block(
        Opcode.CONTROL_CREATE_CLONE_OF,
        Shape.STACK,
        "create clone of {CLONE_OPTION}",
        _menu("CLONE_OPTION", Opcode.CONTROL_CREATE_CLONE_OF_MENU),
    ),
    _menu_row(Opcode.CONTROL_CREATE_CLONE_OF_MENU, "CLONE_OPTION"),
    _block(Opcode.CONTROL_DELETE_THIS_CLONE, Shape.CAP, "delete this clone"),
    # ## Looks
    _block(Opcode.LOOKS_SAY, Shape.STACK, "say {MESSAGE}", _text("MESSAGE")),
    _waits(
        Opcode.LOOKS_SAYFORSECS, "say {MESSAGE} for {SECS} seconds", _text("MESSAGE"), _num("SECS")
    ),
    _block(Opcode.LOOKS_THINK, Shape.STACK, "think {MESSAGE}", _text("MESSAGE")),
    _waits(
        Opcode.LOOKS_THINKFORSECS,
        "think {MESSAGE} for {SECS} seconds",
        _text("MESSAGE"),
        _num("SECS"),
    ),
    _block(Opcode.LOOKS_SHOW, Shape.STACK, "show"),
    _block(Opcode.LOOKS_HIDE, Shape.STACK, "hide"),
    _block(
        Opcode.LOOKS_SWITCHCOSTUMETO,
        Shape.STACK,
        "switch costume to {COSTUME}",
        _menu("COSTUME", Opcode.LOOKS_COSTUME),
    ),
    _menu_row(Opcode.LOOKS_COSTUME, "COSTUME"),
    _block(Opcode.LOOKS_NEXTCOSTUME, Shape.STACK, "next costume"),
    _draws(
        Opcode.LOOKS_SWITCHBACKDROPTO,
        "switch backdrop to {BACKDROP}",
        _menu("BACKDROP", Opcode.LOOKS_BACKDROPS),
    ),
    _draws(
        Opcode.LOOKS_SWITCHBACKDROPTOANDWAIT,
        "switch backdrop to {BACKDROP} and wait",
        _menu("BACKDROP", Opcode.LOOKS_BACKDROPS),
        yields=True,
    ),
    _menu_row(Opcode.LOOKS_BACKDROPS, "BACKDROP"),
    _block(Opcode.LOOKS_NEXTBACKDROP, Shape.STACK, "next backdrop"),
    _block(Opcode.LOOKS_CHANGESIZEBY, Shape.STACK, "change size by {CHANGE}", _num("CHANGE")),
    _block(Opcode.LOOKS_SETSIZETO, Shape.STACK, "set size to {SIZE} %", _num("SIZE")),
    BlockSpec(
        Opcode.LOOKS_CHANGEEFFECTBY,
        Shape.STACK,
        "change [{EFFECT} v] effect by {CHANGE}",
        (_num("CHANGE"),),
        _EFFECT,
    ),
    BlockSpec(
        Opcode.LOOKS_SETEFFECTTO,
        Shape.STACK,
        "set [{EFFECT} v] effect to {VALUE}",
        (_num("VALUE"),),
        _EFFECT,
    ),
    _block(Opcode.LOOKS_CLEARGRAPHICEFFECTS, Shape.STACK, "clear graphic effects"),
    BlockSpec(
        Opcode.LOOKS_GOTOFRONTBACK,
        Shape.STACK,
        "go to [{FRONT_BACK} v] layer",
        fields=_field("FRONT_BACK", "front", "back"),
    ),
    BlockSpec(
        Opcode.LOOKS_GOFORWARDBACKWARDLAYERS,
        Shape.STACK,
        "go [{FORWARD_BACKWARD} v] {NUM} layers",
        (_int("NUM"),),
        _field("FORWARD_BACKWARD", "forward", "backward"),
    ),
    BlockSpec(
        Opcode.LOOKS_COSTUMENUMBERNAME,
        Shape.REPORTER,
        "(costume [{NUMBER_NAME} v])",
        fields=_NUMBER_NAME,
    ),
    BlockSpec(
        Opcode.LOOKS_BACKDROPNUMBERNAME,
        Shape.REPORTER,
        "(backdrop [{NUMBER_NAME} v])",
        fields=_NUMBER_NAME,
    ),
    _block(Opcode.LOOKS_SIZE, Shape.REPORTER, "(size)"),
    # ## Sound: headless there is no audio engine, so no sound plays and none is waited for;
    # the volume and effect blocks wait for a promise (until the next frame).
    _block(
        Opcode.SOUND_PLAY,
        Shape.STACK,
        "start sound {SOUND_MENU}",
        _menu("SOUND_MENU", Opcode.SOUND_SOUNDS_MENU),
    ),
    _block(
        Opcode.SOUND_PLAYUNTILDONE,
        Shape.STACK,
        "play sound {SOUND_MENU} until done",
        _menu("SOUND_MENU", Opcode.SOUND_SOUNDS_MENU),
    ),
    _menu_row(Opcode.SOUND_SOUNDS_MENU, "SOUND_MENU"),
    _block(Opcode.SOUND_STOPALLSOUNDS, Shape.STACK, "stop all sounds"),
    BlockSpec(
        Opcode.SOUND_SETEFFECTTO,
        Shape.STACK,
        "set [{EFFECT} v] effect to {VALUE}",
        (_num("VALUE"),),
        _SOUND_EFFECT,
        yields=True,
    ),
    BlockSpec(
        Opcode.SOUND_CHANGEEFFECTBY,
        Shape.STACK,
        "change [{EFFECT} v] effect by {VALUE}",
        (_num("VALUE"),),
        _SOUND_EFFECT,
        yields=True,
    ),
    _block(Opcode.SOUND_CLEAREFFECTS, Shape.STACK, "clear sound effects"),
    _waits(Opcode.SOUND_SETVOLUMETO, "set volume to {VOLUME} %", _num("VOLUME")),
    _waits(Opcode.SOUND_CHANGEVOLUMEBY, "change volume by {VOLUME}", _num("VOLUME")),
    _block(Opcode.SOUND_VOLUME, Shape.REPORTER, "(volume)"),
    # ## Sensing
    _waits(Opcode.SENSING_ASKANDWAIT, "ask {QUESTION} and wait", _text("QUESTION")),
    _block(Opcode.SENSING_ANSWER, Shape.REPORTER, "(answer)"),
    _block(Opcode.SENSING_TIMER, Shape.REPORTER, "(timer)"),
    _block(Opcode.SENSING_RESETTIMER, Shape.STACK, "reset timer"),
    # Headless there is no renderer: touching anything is false, and the mouse has no position
    # until the first input moves it.
    _block(
        Opcode.SENSING_TOUCHINGOBJECT,
        Shape.BOOLEAN,
        "<touching {TOUCHINGOBJECTMENU}?>",
        _menu("TOUCHINGOBJECTMENU", Opcode.SENSING_TOUCHINGOBJECTMENU),
    ),
    _menu_row(Opcode.SENSING_TOUCHINGOBJECTMENU, "TOUCHINGOBJECTMENU"),
    _block(
        Opcode.SENSING_TOUCHINGCOLOR,
        Shape.BOOLEAN,
        "<touching color {COLOR}?>",
        InputSpec("COLOR", InputKind.COLOUR),
    ),
    _block(
        Opcode.SENSING_COLORISTOUCHINGCOLOR,
        Shape.BOOLEAN,
        "<color {COLOR} is touching {COLOR2}?>",
        InputSpec("COLOR", InputKind.COLOUR),
        InputSpec("COLOR2", InputKind.COLOUR),
    ),
    _block(
        Opcode.SENSING_DISTANCETO,
        Shape.REPORTER,
        "(distance to {DISTANCETOMENU})",
        _menu("DISTANCETOMENU", Opcode.SENSING_DISTANCETOMENU),
    ),
    _menu_row(Opcode.SENSING_DISTANCETOMENU, "DISTANCETOMENU"),
    BlockSpec(
        Opcode.SENSING_OF,
        Shape.REPORTER,
        "([{PROPERTY} v] of {OBJECT})",
        (_menu("OBJECT", Opcode.SENSING_OF_OBJECT_MENU),),
        _field("PROPERTY"),
    ),
    _menu_row(Opcode.SENSING_OF_OBJECT_MENU, "OBJECT"),
    _block(Opcode.SENSING_MOUSEX, Shape.REPORTER, "(mouse x)"),
    _block(Opcode.SENSING_MOUSEY, Shape.REPORTER, "(mouse y)"),
    _block(Opcode.SENSING_MOUSEDOWN, Shape.BOOLEAN, "<mouse down?>"),
    _block(
        Opcode.SENSING_KEYPRESSED,
        Shape.BOOLEAN,
        "<key {KEY_OPTION} pressed?>",
        _menu("KEY_OPTION", Opcode.SENSING_KEYOPTIONS),
    ),
    _menu_row(Opcode.SENSING_KEYOPTIONS, "KEY_OPTION"),
    BlockSpec(
        Opcode.SENSING_SETDRAGMODE,
        Shape.STACK,
        "set drag mode [{DRAG_MODE} v]",
        fields=_field("DRAG_MODE", "draggable", "not draggable"),
    ),
    BlockSpec(
        Opcode.SENSING_CURRENT,
        Shape.REPORTER,
        "(current [{CURRENTMENU} v])",
        fields=_field(
            "CURRENTMENU", "YEAR", "MONTH", "DATE", "DAYOFWEEK", "HOUR", "MINUTE", "SECOND"
        ),
    ),
    _block(Opcode.SENSING_DAYSSINCE2000, Shape.REPORTER, "(days since 2000)"),
    _block(Opcode.SENSING_LOUDNESS, Shape.REPORTER, "(loudness)"),
    _block(Opcode.SENSING_LOUD, Shape.BOOLEAN, "<loud?>"),  # hidden from the palette
    _block(Opcode.SENSING_USERNAME, Shape.REPORTER, "(username)"),
    _block(Opcode.SENSING_USERID, Shape.REPORTER, "(user id)"),  # Scratch 2's, a no-op
    # ## Operators
    _numeric(Opcode.OPERATOR_ADD, "({NUM1} + {NUM2})", "NUM1", "NUM2"),
    _numeric(Opcode.OPERATOR_SUBTRACT, "({NUM1} - {NUM2})", "NUM1", "NUM2"),
    _numeric(Opcode.OPERATOR_MULTIPLY, "({NUM1} * {NUM2})", "NUM1", "NUM2"),
    _numeric(Opcode.OPERATOR_DIVIDE, "({NUM1} / {NUM2})", "NUM1", "NUM2"),
    _numeric(Opcode.OPERATOR_MOD, "({NUM1} mod {NUM2})", "NUM1", "NUM2"),
    _numeric(Opcode.OPERATOR_ROUND, "(round {NUM})", "NUM"),
    BlockSpec(
        Opcode.OPERATOR_MATHOP, Shape.REPORTER, "([{OPERATOR} v] of {NUM})", (_num("NUM"),), _MATHOP
    ),
    BlockSpec(
        Opcode.OPERATOR_RANDOM,
        Shape.REPORTER,
        "(pick random {FROM} to {TO})",
        (_num("FROM"), _num("TO")),
        random=True,
    ),
    _block(
        Opcode.OPERATOR_JOIN,
        Shape.REPORTER,
        "(join {STRING1} {STRING2})",
        _text("STRING1"),
        _text("STRING2"),
    ),
    _block(
        Opcode.OPERATOR_LETTER_OF,
        Shape.REPORTER,
        "(letter {LETTER} of {STRING})",
        InputSpec("LETTER", InputKind.WHOLE),
        _text("STRING"),
    ),
    _block(Opcode.OPERATOR_LENGTH, Shape.REPORTER, "(length of {STRING})", _text("STRING")),
    _block(
        Opcode.OPERATOR_CONTAINS,
        Shape.BOOLEAN,
        "<{STRING1} contains {STRING2}?>",
        _text("STRING1"),
        _text("STRING2"),
    ),
    # Comparisons take text, as the editor gives them: "<(x) < [2]>".
    _compare(Opcode.OPERATOR_LT, "<{OPERAND1} < {OPERAND2}>", InputKind.TEXT),
    _compare(Opcode.OPERATOR_GT, "<{OPERAND1} > {OPERAND2}>", InputKind.TEXT),
    _compare(Opcode.OPERATOR_EQUALS, "<{OPERAND1} = {OPERAND2}>", InputKind.TEXT),
    _compare(Opcode.OPERATOR_AND, "<{OPERAND1} and {OPERAND2}>", InputKind.BOOLEAN),
    _compare(Opcode.OPERATOR_OR, "<{OPERAND1} or {OPERAND2}>", InputKind.BOOLEAN),
    _block(Opcode.OPERATOR_NOT, Shape.BOOLEAN, "<not {OPERAND}>", _bool("OPERAND")),
    # ## Variables
    _data(Opcode.DATA_VARIABLE, Shape.REPORTER, "({VARIABLE})", field="VARIABLE"),
    _data(
        Opcode.DATA_SETVARIABLETO,
        Shape.STACK,
        "set [{VARIABLE} v] to {VALUE}",
        _text("VALUE"),
        field="VARIABLE",
    ),
    _data(
        Opcode.DATA_CHANGEVARIABLEBY,
        Shape.STACK,
        "change [{VARIABLE} v] by {VALUE}",
        _num("VALUE"),
        field="VARIABLE",
    ),
    _data(Opcode.DATA_SHOWVARIABLE, Shape.STACK, "show variable [{VARIABLE} v]", field="VARIABLE"),
    _data(Opcode.DATA_HIDEVARIABLE, Shape.STACK, "hide variable [{VARIABLE} v]", field="VARIABLE"),
    # ## Lists
    _data(Opcode.DATA_LISTCONTENTS, Shape.REPORTER, "({LIST} :: list)"),
    _indexed(
        Opcode.DATA_ITEMOFLIST,
        Shape.REPORTER,
        "(item {INDEX} of [{LIST} v])",
        ListIndex(ListOp.READ),
        _int("INDEX"),
    ),
    _data(
        Opcode.DATA_ITEMNUMOFLIST, Shape.REPORTER, "(item # of {ITEM} in [{LIST} v])", _text("ITEM")
    ),
    _data(Opcode.DATA_LENGTHOFLIST, Shape.REPORTER, "(length of [{LIST} v])"),
    _data(
        Opcode.DATA_LISTCONTAINSITEM, Shape.BOOLEAN, "<[{LIST} v] contains {ITEM}?>", _text("ITEM")
    ),
    _data(Opcode.DATA_ADDTOLIST, Shape.STACK, "add {ITEM} to [{LIST} v]", _text("ITEM")),
    _indexed(
        Opcode.DATA_DELETEOFLIST,
        Shape.STACK,
        "delete {INDEX} of [{LIST} v]",
        ListIndex(ListOp.DELETE, words=("all", "last", "random", "any")),
        _int("INDEX"),
    ),
    _data(Opcode.DATA_DELETEALLOFLIST, Shape.STACK, "delete all of [{LIST} v]"),
    _indexed(
        Opcode.DATA_INSERTATLIST,
        Shape.STACK,
        "insert {ITEM} at {INDEX} of [{LIST} v]",
        ListIndex(ListOp.INSERT, past_end=1),
        _text("ITEM"),
        _int("INDEX"),
    ),
    _indexed(
        Opcode.DATA_REPLACEITEMOFLIST,
        Shape.STACK,
        "replace item {INDEX} of [{LIST} v] with {ITEM}",
        ListIndex(ListOp.REPLACE),
        _int("INDEX"),
        _text("ITEM"),
    ),
    _data(Opcode.DATA_SHOWLIST, Shape.STACK, "show list [{LIST} v]"),
    _data(Opcode.DATA_HIDELIST, Shape.STACK, "hide list [{LIST} v]"),
    # ## Pen
    _block(Opcode.PEN_CLEAR, Shape.STACK, "erase all"),
    _block(Opcode.PEN_STAMP, Shape.STACK, "stamp"),
    _block(Opcode.PEN_PENDOWN, Shape.STACK, "pen down"),
    _block(Opcode.PEN_PENUP, Shape.STACK, "pen up"),
    _block(
        Opcode.PEN_SETPENCOLORTOCOLOR,
        Shape.STACK,
        "set pen color to {COLOR}",
        InputSpec("COLOR", InputKind.COLOUR),
    ),
    _block(
        Opcode.PEN_CHANGEPENCOLORPARAMBY,
        Shape.STACK,
        "change pen {COLOR_PARAM} by {VALUE}",
        _menu("COLOR_PARAM", Opcode.PEN_MENU_COLORPARAM),
        _num("VALUE"),
    ),
    _block(
        Opcode.PEN_SETPENCOLORPARAMTO,
        Shape.STACK,
        "set pen {COLOR_PARAM} to {VALUE}",
        _menu("COLOR_PARAM", Opcode.PEN_MENU_COLORPARAM),
        _num("VALUE"),
    ),
    _menu_row(Opcode.PEN_MENU_COLORPARAM, "colorParam"),
    _block(Opcode.PEN_CHANGEPENSIZEBY, Shape.STACK, "change pen size by {SIZE}", _num("SIZE")),
    _block(Opcode.PEN_SETPENSIZETO, Shape.STACK, "set pen size to {SIZE}", _num("SIZE")),
    # Scratch 2's pen blocks, hidden from the palette but still run.
    _block(Opcode.PEN_SETPENSHADETONUMBER, Shape.STACK, "set pen shade to {SHADE}", _num("SHADE")),
    _block(Opcode.PEN_CHANGEPENSHADEBY, Shape.STACK, "change pen shade by {SHADE}", _num("SHADE")),
    _block(Opcode.PEN_SETPENHUETONUMBER, Shape.STACK, "set pen hue to {HUE}", _num("HUE")),
    _block(Opcode.PEN_CHANGEPENHUEBY, Shape.STACK, "change pen hue by {HUE}", _num("HUE")),
    # ## Music: no audio engine headless, so nothing plays; a block that plays for some beats
    # waits that long (60 / tempo seconds a beat, on the frame clock, asking for no redraw).
    _waits(
        Opcode.MUSIC_PLAYDRUMFORBEATS,
        "play drum {DRUM} for {BEATS} beats",
        _menu("DRUM", Opcode.MUSIC_MENU_DRUM),
        _num("BEATS"),
    ),
    _menu_row(Opcode.MUSIC_MENU_DRUM, "DRUM"),
    # Scratch 2's drum and instrument blocks, hidden from the palette but still run.
    _waits(
        Opcode.MUSIC_MIDIPLAYDRUMFORBEATS,
        "play drum {DRUM} for {BEATS} beats",
        _num("DRUM"),
        _num("BEATS"),
    ),
    _waits(Opcode.MUSIC_RESTFORBEATS, "rest for {BEATS} beats", _num("BEATS")),
    _waits(
        Opcode.MUSIC_PLAYNOTEFORBEATS,
        "play note {NOTE} for {BEATS} beats",
        _menu("NOTE", Opcode.NOTE),
        _num("BEATS"),
    ),
    _menu_row(Opcode.NOTE, "NOTE"),
    _block(
        Opcode.MUSIC_SETINSTRUMENT,
        Shape.STACK,
        "set instrument to {INSTRUMENT}",
        _menu("INSTRUMENT", Opcode.MUSIC_MENU_INSTRUMENT),
    ),
    _menu_row(Opcode.MUSIC_MENU_INSTRUMENT, "INSTRUMENT"),
    _block(
        Opcode.MUSIC_MIDISETINSTRUMENT,
        Shape.STACK,
        "set instrument to {INSTRUMENT}",
        _num("INSTRUMENT"),
    ),
    _block(Opcode.MUSIC_SETTEMPO, Shape.STACK, "set tempo to {TEMPO}", _num("TEMPO")),
    _block(Opcode.MUSIC_CHANGETEMPO, Shape.STACK, "change tempo by {TEMPO}", _num("TEMPO")),
    _block(Opcode.MUSIC_GETTEMPO, Shape.REPORTER, "(tempo)"),
    # ## Custom blocks: the text is the proccode, its %s and %b filled with the arguments
    _hat(
        Opcode.PROCEDURES_DEFINITION,
        "define {proccode}",
        "a hat nothing starts: a call runs the blocks under it",
        InputSpec("custom_block", InputKind.PROTOTYPE, Opcode.PROCEDURES_PROTOTYPE),
    ),
    BlockSpec(
        Opcode.PROCEDURES_PROTOTYPE,
        Shape.STACK,
        "{proccode}",
        no_handler="the definition's signature: a call reads its argument names and warp flag",
    ),
    # A call's inputs are named by the argument ids of its mutation. It yields on recursion.
    BlockSpec(Opcode.PROCEDURES_CALL, Shape.STACK, "{proccode}", yields=True),
    _data(Opcode.ARGUMENT_REPORTER_STRING_NUMBER, Shape.REPORTER, "({VALUE})", field="VALUE"),
    _data(Opcode.ARGUMENT_REPORTER_BOOLEAN, Shape.BOOLEAN, "<{VALUE}>", field="VALUE"),
)

TABLE: Mapping[str, BlockSpec] = {s.opcode: s for s in SPECS}

PROCCODE = "{proccode}"  # the placeholder for a custom block's own text

# ## Queries


def spec(opcode: str) -> BlockSpec:
    """The row of an opcode (KeyError when the table lacks it)."""
    return TABLE[opcode]


def input_kind(opcode: str, name: str) -> InputKind | None:
    """What an input of a block takes; None for an opcode or input the table does not list."""
    row = TABLE.get(opcode)
    found = row.input(name) if row is not None else None
    return found.kind if found is not None else None


def list_access(opcode: str) -> ListIndex | None:
    """How a block indexes its list; None when it takes no list index (or is not in the table)."""
    row = TABLE.get(opcode)
    return row.list_index if row is not None else None


HATS = frozenset(s.opcode for s in SPECS if s.shape is Shape.HAT)
RESTARTING_HATS = frozenset(s.opcode for s in SPECS if s.restarts)
# In the VM's order of registering them: every frame starts these before its ticks.
EDGE_HATS = tuple(s.opcode for s in SPECS if s.edge)
RANDOM_REPORTERS = frozenset(s.opcode for s in SPECS if s.random and s.reports)
HANDLED = frozenset(s.opcode for s in SPECS if not s.no_handler)
# Input names that hold blocks rather than a value: C-block mouths and a definition's prototype.
STACK_INPUTS = frozenset(
    i.name for s in SPECS for i in s.inputs if i.kind in (InputKind.SUBSTACK, InputKind.PROTOTYPE)
)
