"""Turn a fuzzer program (plain data from tests/strategies.py fuzz_programs) into project.json.

The same translation builds the fuzzer's projects and the permanent cases in fuzz_found.py, so a
program pasted from a Hypothesis failure rebuilds the exact project that failed.
"""

from __future__ import annotations

from typing import Any

from tests.conformance.cases import _json as J

# The shadow kind each input gets, as the editor writes it.
NUMBER_INPUTS = frozenset(
    {"NUM", "NUM1", "NUM2", "FROM", "TO", "TIMES", "STEPS", "DEGREES", "X", "Y", "DX", "CHANGE"}
)
# Sprite S's costumes and the stage's backdrops: names that read as numbers, and an odd word.
COSTUMES = ("c1", "2", "c3")
BACKDROPS = ("b1", "3", "next backdrop")
WHOLE_INPUTS = frozenset({"LETTER", "INDEX"})
BOOLEAN_OPS = frozenset({"operator_and", "operator_or", "operator_not"})

# Operand input names of each binary reporter.
OPERANDS: dict[str, tuple[str, ...]] = {
    "operator_add": ("NUM1", "NUM2"),
    "operator_subtract": ("NUM1", "NUM2"),
    "operator_multiply": ("NUM1", "NUM2"),
    "operator_divide": ("NUM1", "NUM2"),
    "operator_mod": ("NUM1", "NUM2"),
    "operator_random": ("FROM", "TO"),
    "operator_join": ("STRING1", "STRING2"),
    "operator_letter_of": ("LETTER", "STRING"),
    "operator_contains": ("STRING1", "STRING2"),
    "operator_lt": ("OPERAND1", "OPERAND2"),
    "operator_equals": ("OPERAND1", "OPERAND2"),
    "operator_gt": ("OPERAND1", "OPERAND2"),
    "operator_and": ("OPERAND1", "OPERAND2"),
    "operator_or": ("OPERAND1", "OPERAND2"),
    "operator_not": ("OPERAND",),
    "operator_round": ("NUM",),
    "operator_length": ("STRING",),
}


class _Compiler:
    def __init__(self, blocks: J.Blocks, procedures: list[dict[str, Any]]) -> None:
        self.b = blocks
        self.procedures = procedures

    # ## Expressions

    def input(self, expr: tuple | None, slot: str, boolean: bool = False) -> list[Any]:
        """The project.json input for an expression in a slot of the given name."""
        if expr is None:
            return J.boolean(None) if boolean else [1, [10, ""]]
        shadow = (
            None
            if boolean
            else [4 if slot in NUMBER_INPUTS else 6 if slot in WHOLE_INPUTS else 10, ""]
        )
        tag = expr[0]
        if tag in ("lit", "num"):
            return [1, [shadow[0] if shadow else 10, expr[1]]]
        if tag == "var":
            ref = [12, expr[1], f"var-{expr[1]}"]
            return [2, ref] if boolean else [3, ref, shadow]
        if tag == "contents":
            ref = [13, expr[1], f"list-{expr[1]}"]
            return [2, ref] if boolean else [3, ref, shadow]
        block = self.reporter(expr)
        return J.boolean(block) if boolean else [3, block, shadow]

    def reporter(self, expr: tuple) -> str:
        tag, b = expr[0], self.b
        if tag == "sprite":
            # ("sprite", opcode, NUMBER_NAME or None): a reporter of looks or place.
            return b.add(expr[1], {}, {"NUMBER_NAME": [expr[2], None]} if expr[2] else {})
        if tag == "arg":
            return J.arg(b, expr[1], expr[2])
        if tag == "timer":
            return b.add("sensing_timer")
        if tag == "mathop":
            return b.add(
                "operator_mathop",
                {"NUM": self.input(expr[2], "NUM")},
                {"OPERATOR": [expr[1], None]},
            )
        if tag in OPERANDS:
            boolean = tag in BOOLEAN_OPS
            names = OPERANDS[tag]
            return b.add(
                tag, {n: self.input(e, n, boolean) for n, e in zip(names, expr[1:], strict=True)}
            )
        field = {"LIST": [expr[1], f"list-{expr[1]}"]}
        if tag == "data_itemoflist":
            return b.add(tag, {"INDEX": self.input(expr[2], "INDEX")}, field)
        if tag in ("data_itemnumoflist", "data_listcontainsitem"):
            return b.add(tag, {"ITEM": self.input(expr[2], "ITEM")}, field)
        if tag == "data_lengthoflist":
            return b.add(tag, {}, field)
        raise ValueError(f"unknown fuzz expression {expr!r}")

    # ## Statements

    def statements(self, stmts: list[tuple]) -> list[str]:
        return [self.statement(s) for s in stmts]

    def substack(self, stmts: list[tuple] | None) -> list[Any]:
        ids = self.statements(stmts or [])
        return J.substack(self.b.chain(*ids) if ids else None)

    def statement(self, stmt: tuple) -> str:
        tag, b = stmt[0], self.b
        if tag in ("set", "change"):
            opcode = "data_setvariableto" if tag == "set" else "data_changevariableby"
            return b.add(
                opcode,
                {"VALUE": self.input(stmt[2], "VALUE")},
                {"VARIABLE": [stmt[1], f"var-{stmt[1]}"]},
            )
        if tag == "say":
            return b.add("looks_say", {"MESSAGE": self.input(stmt[1], "MESSAGE")})
        if tag == "repeat":
            return b.add(
                "control_repeat",
                {"TIMES": self.input(stmt[1], "TIMES"), "SUBSTACK": self.substack(stmt[2])},
            )
        if tag == "repeat_until":
            # Bounded: repeat until <c or (k > 5)> { change k by 1; ... } ends within 6 passes.
            bound = b.op("operator_gt", OPERAND1=J.var("k"), OPERAND2=J.text("5"))
            cond = b.add(
                "operator_or",
                {
                    "OPERAND1": self.input(stmt[1], "OPERAND1", boolean=True),
                    "OPERAND2": J.boolean(bound),
                },
            )
            body = [b.change("k", J.number("1")), *self.statements(stmt[2])]
            return b.add(
                "control_repeat_until",
                {"CONDITION": J.boolean(cond), "SUBSTACK": J.substack(b.chain(*body))},
            )
        if tag == "wait_until":
            # Bounded: wait until <c or (timer > 0.1)>.
            bound = b.op(
                "operator_gt", OPERAND1=J.reporter(b.add("sensing_timer")), OPERAND2=J.text("0.1")
            )
            cond = b.add(
                "operator_or",
                {
                    "OPERAND1": self.input(stmt[1], "OPERAND1", boolean=True),
                    "OPERAND2": J.boolean(bound),
                },
            )
            return b.add("control_wait_until", {"CONDITION": J.boolean(cond)})
        if tag == "wait":
            return b.add("control_wait", {"DURATION": [1, [5, stmt[1][1]]]})
        if tag == "say_for":
            return b.add(
                "looks_sayforsecs",
                {"MESSAGE": self.input(stmt[1], "MESSAGE"), "SECS": [1, [4, stmt[2][1]]]},
            )
        if tag == "stop":
            mutation = {
                "tagName": "mutation",
                "children": [],
                "hasnext": "true" if stmt[1].startswith("other") else "false",
            }
            return b.add("control_stop", {}, {"STOP_OPTION": [stmt[1], None]}, mutation=mutation)
        if tag == "broadcast":
            opcode = "event_broadcastandwait" if stmt[2] else "event_broadcast"
            message = stmt[1]
            if message[0] == "menu":
                return b.add(
                    opcode, {"BROADCAST_INPUT": [1, [11, message[1], f"msg-{message[1]}"]]}
                )
            if message[0] in ("lit", "num"):
                # Text cannot be typed into the menu: a reporter is dropped on it instead.
                message = ("operator_join", message, ("lit", ""))
            slot = self.input(message, "BROADCAST_INPUT")
            return b.add(opcode, {"BROADCAST_INPUT": [3, slot[1], [11, "m1", "msg-m1"]]})
        if tag == "if":
            inputs = {
                "CONDITION": self.input(stmt[1], "CONDITION", boolean=True),
                "SUBSTACK": self.substack(stmt[2]),
            }
            if stmt[3] is None:
                return b.add("control_if", inputs)
            return b.add("control_if_else", {**inputs, "SUBSTACK2": self.substack(stmt[3])})
        if tag == "sprite":
            return self.sprite_statement(stmt[1], stmt[2], stmt[3])
        if tag == "clone":
            return b.add(
                "control_create_clone_of", {"CLONE_OPTION": [1, self.menu("clone", stmt[1])]}
            )
        if tag == "call":
            kinds = self.procedures[stmt[1]]["kinds"]
            args = {
                f"p{stmt[1]}-arg{j}": self.input(e, "ARG", boolean=k == "b")
                for j, (k, e) in enumerate(zip(kinds, stmt[2], strict=True))
            }
            return J.call(b, proccode(stmt[1], kinds), args)
        field = {"LIST": [stmt[1], f"list-{stmt[1]}"]}
        if tag == "add":
            return b.add("data_addtolist", {"ITEM": self.input(stmt[2], "ITEM")}, field)
        if tag == "insert":
            return b.add(
                "data_insertatlist",
                {"ITEM": self.input(stmt[3], "ITEM"), "INDEX": self.input(stmt[2], "INDEX")},
                field,
            )
        if tag == "replace":
            return b.add(
                "data_replaceitemoflist",
                {"INDEX": self.input(stmt[2], "INDEX"), "ITEM": self.input(stmt[3], "ITEM")},
                field,
            )
        if tag == "delete":
            return b.add("data_deleteoflist", {"INDEX": self.input(stmt[2], "INDEX")}, field)
        if tag == "deleteall":
            return b.add("data_deletealloflist", {}, field)
        raise ValueError(f"unknown fuzz statement {stmt!r}")

    def menu(self, kind: str, choice: str) -> str:
        """A shadow menu block holding a choice."""
        opcode, field = _MENUS[kind]
        return self.b.add(opcode, {}, {field: [choice, None]}, shadow=True)

    def sprite_statement(self, opcode: str, inputs: dict[str, Any], choice: str | None) -> str:
        """A motion, looks or clone block (fuzz_sprite_statements)."""
        shadows = {"DIRECTION": 8, "NUM": 7, "SECS": 4, "VALUE": 4, "SIZE": 4, "SHADE": 4}
        args = {
            name: self.input(e, name)
            if name not in shadows or e[0] not in ("lit", "num")
            # A literal goes in the slot's own shadow kind.
            else [1, [shadows[name], e[1]]]
            for name, e in inputs.items()
        }
        fields: dict[str, list[Any]] = {}
        if opcode in _MENU_INPUTS:
            name, kind = _MENU_INPUTS[opcode]
            args[name] = [1, self.menu(kind, choice or "")]
        elif choice is not None:
            fields[_FIELDS[opcode]] = [choice, None]
        return self.b.add(opcode, args, fields)


# Menus a fuzz block may hold: (menu opcode, its field), and which input of which block holds it.
_MENUS = {
    "clone": ("control_create_clone_of_menu", "CLONE_OPTION"),
    "goto": ("motion_goto_menu", "TO"),
    "glideto": ("motion_glideto_menu", "TO"),
    "towards": ("motion_pointtowards_menu", "TOWARDS"),
    "costume": ("looks_costume", "COSTUME"),
    "backdrop": ("looks_backdrops", "BACKDROP"),
    "colorparam": ("pen_menu_colorParam", "colorParam"),
}
_MENU_INPUTS = {
    "motion_goto": ("TO", "goto"),
    "motion_glideto": ("TO", "glideto"),
    "motion_pointtowards": ("TOWARDS", "towards"),
    "looks_switchcostumeto": ("COSTUME", "costume"),
    "looks_switchbackdropto": ("BACKDROP", "backdrop"),
    "pen_changePenColorParamBy": ("COLOR_PARAM", "colorparam"),
}
_FIELDS = {
    "looks_changeeffectby": "EFFECT",
    "looks_seteffectto": "EFFECT",
    "looks_gotofrontback": "FRONT_BACK",
    "looks_goforwardbackwardlayers": "FORWARD_BACKWARD",
    "sound_seteffectto": "EFFECT",
    "sensing_setdragmode": "DRAG_MODE",
}


def proccode(index: int, kinds: tuple[str, ...] | list[str]) -> str:
    """The proccode of custom block `index`: "p0 %s %b"."""
    return " ".join([f"p{index}", *(f"%{k}" for k in kinds)])


def build_project(program: dict[str, Any]) -> dict[str, Any]:
    """The project.json of a fuzzer program: stage data, custom blocks and scripts on the stage or sprite S."""
    stage, sprite = J.Blocks("st"), J.Blocks("sp")
    procedures = program["procedures"]
    for owner in (stage, sprite):
        compiler = _Compiler(owner, procedures)
        for i, proc in enumerate(procedures):
            args = [
                (f"p{i}-arg{j}", f"x{j}" if k == "s" else f"y{j}", k)
                for j, k in enumerate(proc["kinds"])
            ]
            J.define(
                owner,
                proccode(i, proc["kinds"]),
                args,
                *compiler.statements(proc["body"]),
                warp="true" if proc["warp"] else "false",
            )
    for where, body in program["scripts"]:
        owner = stage if where == "stage" else sprite
        owner.flag(*_Compiler(owner, procedures).statements(body))
    for where, message, body in program.get("receivers", []):
        owner = stage if where == "stage" else sprite
        owner.receive(message, *_Compiler(owner, procedures).statements(body))
    for body in program.get("clone_scripts", []):
        sprite.script(
            sprite.add("control_start_as_clone"), *_Compiler(sprite, procedures).statements(body)
        )
    messages = {f"msg-{m}": m for m in ("m1", "m2")}
    project = J.project(
        stage,
        J.Sprite("S", sprite),
        variables={**program["variables"], "k": 0},
        lists={k: list(v) for k, v in program["lists"].items()},
        broadcasts=messages,
    )
    if "looks" in program:
        # Programs from before sprites were fuzzed have no "looks": their projects stay as they were.
        _dress(project, program["looks"])
    return project


def _dress(project: dict[str, Any], looks: dict[str, Any]) -> None:
    """Give the stage its backdrops and sprite S its costumes and looks."""
    stage, sprite = project["targets"]
    stage["costumes"] = [dict(J.MINIMAL_COSTUME, name=n) for n in BACKDROPS]
    sprite["costumes"] = [dict(J.MINIMAL_COSTUME, name=n) for n in COSTUMES]
    sprite.update(looks)
