"""render_blocks: scripts as scratchblocks-style text, one line per stack block, C-blocks closed with `end`."""

from __future__ import annotations

from emulator.dsl import Program, else_, forever, if_, join, mathop, repeat, say, stop
from emulator.dsl_sprite import MOUSE, MYSELF, RANDOM, create_clone, go_to, point_towards
from emulator.project import Target
from emulator.render_blocks import render_block, render_script, script_top, scripts


def _sprite() -> Target:
    prog = Program("render")
    x = prog.stage.var("x", 0)
    weights = prog.stage.list("weights", [1, 2, 3])
    sprite = prog.sprite("S")
    scale = sprite.procedure("scale %s by %b", ["amount", "flag"], warp=True)
    with scale.define() as (amount, flag), if_(flag):
        x.change(amount)
    with sprite.when_flag_clicked():
        x.set(weights[x + 1])
        with repeat(3):
            weights.replace(x, x * 2)
        with if_(x < 2):
            say("low")
        with else_():
            say(join("x = ", x))
        scale(5, x > 1)
        x.set(mathop("sqrt", x))
        with forever():
            stop("all")
    return prog.build().target("S")


def _texts(target: Target, top_opcode: str) -> list[tuple[int, str]]:
    top = next(b.id for b in target.blocks.values() if b.opcode == top_opcode)
    return [(line.depth, line.text) for line in render_script(target.blocks, top)]


def test_a_script_reads_as_scratchblocks() -> None:
    """Every stack block is a line; C-blocks indent their branches and close with `end`."""
    # Number slots read (2), text slots [2]: comparisons and custom block arguments take text.
    assert _texts(_sprite(), "event_whenflagclicked") == [
        (0, "when flag clicked"),
        (0, "set [x v] to (item ((x) + (1)) of [weights v])"),
        (0, "repeat (3)"),
        (1, "replace item (x) of [weights v] with ((x) * (2))"),
        (0, "end"),
        (0, "if <(x) < [2]> then"),
        (1, "say [low]"),
        (0, "else"),
        (1, "say (join [x = ] (x))"),
        (0, "end"),
        (0, "scale [5] by <(x) > [1]>"),
        (0, "set [x v] to ([sqrt v] of (x))"),
        (0, "forever"),
        (1, "stop [all v]"),
        (0, "end"),
    ]


def test_a_custom_block_definition_names_its_arguments() -> None:
    """`define` shows the argument names in their slots; reporters of them read as (name) and <name>."""
    assert _texts(_sprite(), "procedures_definition") == [
        (0, "define scale (amount) by <flag>"),
        (0, "if <flag> then"),
        (1, "change [x v] by (amount)"),
        (0, "end"),
    ]


def test_else_and_end_lines_carry_no_block() -> None:
    """Only block lines have a block id, so a breakpoint can only land on a block."""
    target = _sprite()
    top = next(b.id for b in target.blocks.values() if b.opcode == "event_whenflagclicked")
    lines = render_script(target.blocks, top)
    assert {line.text for line in lines if line.block_id is None} == {"else", "end"}
    assert all(target.blocks[line.block_id].opcode for line in lines if line.block_id is not None)


def test_script_top_walks_up_from_a_nested_block() -> None:
    """A block deep in a branch belongs to the script of its hat."""
    target = _sprite()
    change = next(b for b in target.blocks.values() if b.opcode == "data_changevariableby")
    assert target.blocks[script_top(target.blocks, change.id)].opcode == "procedures_definition"


def test_scripts_lists_hats_before_definitions() -> None:
    """Hat scripts come first, then custom block definitions."""
    target = _sprite()
    assert [target.blocks[t].opcode for t in scripts(target.blocks)] == [
        "event_whenflagclicked",
        "procedures_definition",
    ]


def test_an_unknown_opcode_still_renders() -> None:
    """A block without a template shows its opcode, inputs and fields rather than failing."""
    from emulator.project import Block, Field, Input, Primitive

    blocks = {
        "a": Block(
            "a",
            "videoSensing_setVideoTransparency",
            inputs={"TRANSPARENCY": Input(1, Primitive(4, "10"))},
            fields={"STYLE": Field("fast")},
        )
    }
    assert render_block(blocks, "a") == "videoSensing_setVideoTransparency (10) [fast v]"


def test_brackets_in_text_are_escaped() -> None:
    """Text holding ] cannot end its own slot early."""
    from emulator.project import Block, Input, Primitive

    blocks = {"a": Block("a", "looks_say", inputs={"MESSAGE": Input(1, Primitive(10, "a]b"))})}
    assert render_block(blocks, "a") == "say [a\\]b]"


def test_sprite_menus_show_the_editors_words() -> None:
    """Special menu choices read as the editor shows them; a sprite's name reads as itself."""
    prog = Program("p")
    with prog.sprite("S").when_flag_clicked():
        go_to(RANDOM)
        go_to(MOUSE)
        point_towards(RANDOM)
        point_towards("Cat")
        create_clone(MYSELF)
    blocks = prog.build().target("S").blocks
    hat = next(b.id for b in blocks.values() if b.top_level)
    assert [line.text for line in render_script(blocks, hat)][1:] == [
        "go to (random position v)",
        "go to (mouse-pointer v)",
        "point towards (random direction v)",
        "point towards (Cat v)",
        "create clone of (myself v)",
    ]
