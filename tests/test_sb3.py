"""project.json and .sb3 files ⇄ Project: lossless round trips, Scratch's shape, and clear refusals."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import struct
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from emulator import sb3
from emulator.errors import InputFileError
from emulator.project import Block, Field, Input, ListVar, Primitive, Project, Target, Variable
from emulator.runtime.runtime import Runtime
from emulator.sb3 import (
    EMPTY_SVG,
    EMPTY_SVG_MD5,
    load_assets,
    load_project,
    project_from_json,
    project_to_json,
    save_sb3,
)
from tests.strategies import scratch_values

FIXTURES = Path(__file__).parent / "fixtures" / "sb3"
EMPTY_COSTUME = {
    "assetId": EMPTY_SVG_MD5,
    "name": "backdrop1",
    "md5ext": f"{EMPTY_SVG_MD5}.svg",
    "dataFormat": "svg",
    "rotationCenterX": 240,
    "rotationCenterY": 180,
}
META = {"semver": "3.0.0", "vm": "0.2.0", "agent": "scratch-emu"}


# ## Hand-written project.json documents, in the exact shape scratch-vm writes


def stage(blocks: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A stage target as the GUI saves it."""
    return {
        "isStage": True,
        "name": "Stage",
        "variables": fields.pop("variables", {}),
        "lists": fields.pop("lists", {}),
        "broadcasts": fields.pop("broadcasts", {}),
        "blocks": blocks or {},
        "comments": fields.pop("comments", {}),
        "currentCostume": 0,
        "costumes": [EMPTY_COSTUME],
        "sounds": [],
        "volume": 100,
        "layerOrder": 0,
        "tempo": 60,
        "videoTransparency": 50,
        "videoState": "on",
        "textToSpeechLanguage": None,
    }


def sprite(name: str, blocks: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A sprite target as the GUI saves it."""
    return {
        "isStage": False,
        "name": name,
        "variables": fields.pop("variables", {}),
        "lists": fields.pop("lists", {}),
        "broadcasts": {},
        "blocks": blocks or {},
        "comments": fields.pop("comments", {}),
        "currentCostume": 0,
        "costumes": [{**EMPTY_COSTUME, "name": "costume1"}],
        "sounds": [],
        "volume": 100,
        "layerOrder": fields.pop("layerOrder", 1),
        "visible": True,
        "x": fields.pop("x", 0),
        "y": fields.pop("y", 0),
        "size": 100,
        "direction": 90,
        "draggable": False,
        "rotationStyle": "all around",
    }


def document(*targets: dict[str, Any], monitors: list[Any] | None = None) -> dict[str, Any]:
    """A whole project.json."""
    return {"targets": list(targets), "monitors": monitors or [], "extensions": [], "meta": META}


def block(opcode: str, **keys: Any) -> dict[str, Any]:
    """One block object with every key scratch-vm always writes."""
    top = keys.pop("topLevel", False)
    obj = {
        "opcode": opcode,
        "next": keys.pop("next", None),
        "parent": keys.pop("parent", None),
        "inputs": keys.pop("inputs", {}),
        "fields": keys.pop("fields", {}),
        "shadow": keys.pop("shadow", False),
        "topLevel": top,
    }
    if top:
        obj["x"], obj["y"] = keys.pop("x", 0), keys.pop("y", 0)
    return {**obj, **keys}


def every_input_form() -> dict[str, Any]:
    """A stage whose blocks use each input kind, each compact primitive and each field form."""
    return document(
        stage(
            {
                "hat": block("event_whenflagclicked", next="set", topLevel=True, x=10, y=-20.5),
                "set": block(
                    "data_setvariableto",
                    parent="hat",
                    next="say",
                    inputs={"VALUE": [1, [10, "hello"]]},
                    fields={"VARIABLE": ["my var", "var1"]},
                ),
                "say": block(
                    "looks_say",
                    parent="set",
                    next="loop",
                    inputs={"MESSAGE": [3, [12, "my var", "var1"], [10, ""]]},
                ),
                "loop": block(
                    "control_repeat",
                    parent="say",
                    next="bc",
                    inputs={"TIMES": [1, [6, "10"]], "SUBSTACK": [2, "add"]},
                ),
                "add": block(
                    "data_addtolist",
                    parent="loop",
                    inputs={"ITEM": [3, "sum", [10, "thing"]]},
                    fields={"LIST": ["my list", "list1"]},
                ),
                "sum": block(
                    "operator_add",
                    parent="add",
                    inputs={
                        "NUM1": [1, [4, 10]],
                        "NUM2": [3, [13, "my list", "list1"], [4, "2.50"]],
                    },
                ),
                "bc": block(
                    "event_broadcast",
                    parent="loop",
                    next="misc",
                    inputs={"BROADCAST_INPUT": [1, [11, "go", "bc1"]]},
                ),
                "misc": block(
                    "motion_pointindirection",
                    parent="bc",
                    next="empty",
                    inputs={"DIRECTION": [1, [8, 90]], "STEPS": [1, [5, "1"]], "N": [1, [7, -3]]},
                ),
                "empty": block(
                    "pen_setPenColorToColor",
                    parent="misc",
                    next="ifelse",
                    inputs={"COLOR": [1, [9, "#ff00aa"]], "BLANK": [1, None]},
                ),
                "ifelse": block(
                    "control_if_else",
                    parent="empty",
                    inputs={"CONDITION": [2, "cmp"]},
                ),
                "cmp": block(
                    "operator_lt",
                    parent="ifelse",
                    inputs={"OPERAND1": [1, [10, "1"]], "OPERAND2": [1, [10, "2"]]},
                ),
                "when": block(
                    "event_whenbroadcastreceived",
                    topLevel=True,
                    x=300,
                    y=0,
                    next="clone",
                    fields={"BROADCAST_OPTION": ["go", "bc1"]},
                ),
                "clone": block(
                    "control_create_clone_of",
                    parent="when",
                    inputs={"CLONE_OPTION": [1, "menu"]},
                ),
                "menu": block(
                    "control_create_clone_of_menu",
                    parent="clone",
                    shadow=True,
                    fields={"CLONE_OPTION": ["_myself_", None]},
                ),
            },
            variables={"var1": ["my var", 0]},
            lists={"list1": ["my list", ["a", 1, 2.5, True]]},
            broadcasts={"bc1": "go"},
        )
    )


def procedures() -> dict[str, Any]:
    """A sprite with a custom block definition (prototype, argument reporters) and a call."""
    proto_mutation = {
        "tagName": "mutation",
        "children": [],
        "proccode": "f %s and %b",
        "argumentids": '["arg1","arg2"]',
        "argumentnames": '["a","b"]',
        "argumentdefaults": '["",false]',
        "warp": "true",
    }
    call_mutation = {
        "tagName": "mutation",
        "children": [],
        "proccode": "f %s and %b",
        "argumentids": '["arg1","arg2"]',
        "warp": "false",
    }
    blocks = {
        "def": block(
            "procedures_definition",
            topLevel=True,
            x=0,
            y=0,
            next="say",
            inputs={"custom_block": [1, "proto"]},
        ),
        "proto": block(
            "procedures_prototype",
            parent="def",
            shadow=True,
            mutation=proto_mutation,
            inputs={"arg1": [1, "ra"], "arg2": [1, "rb"]},
        ),
        "ra": block(
            "argument_reporter_string_number",
            parent="proto",
            shadow=True,
            fields={"VALUE": ["a", None]},
        ),
        "rb": block(
            "argument_reporter_boolean", parent="proto", shadow=True, fields={"VALUE": ["b", None]}
        ),
        "say": block(
            "looks_say", parent="def", next="stop", inputs={"MESSAGE": [3, "use_a", [10, "Hello!"]]}
        ),
        "use_a": block(
            "argument_reporter_string_number", parent="say", fields={"VALUE": ["a", None]}
        ),
        "stop": block(
            "control_stop",
            parent="say",
            fields={"STOP_OPTION": ["this script", None]},
            mutation={"tagName": "mutation", "children": [], "hasnext": "false"},
        ),
        "flag": block("event_whenflagclicked", topLevel=True, x=0, y=400, next="call"),
        "call": block(
            "procedures_call",
            parent="flag",
            mutation=call_mutation,
            inputs={"arg1": [3, "join", [10, ""]], "arg2": [2, "not"]},
        ),
        "join": block(
            "operator_join",
            parent="call",
            inputs={"STRING1": [1, [10, "x"]], "STRING2": [1, [10, "y"]]},
        ),
        "not": block("operator_not", parent="call"),
    }
    return document(stage(), sprite("Sprite1", blocks))


def loose_reporters_and_comments() -> dict[str, Any]:
    """Loose top-level variable/list reporters, cloud variables, comments, monitors, sprite fields."""
    comments = {
        "c1": {
            "blockId": "hat",
            "x": 5,
            "y": 6,
            "width": 200,
            "height": 100,
            "minimized": False,
            "text": "a note",
        },
        "c2": {
            "blockId": None,
            "x": 0,
            "y": 0,
            "width": 120,
            "height": 80,
            "minimized": True,
            "text": "loose\nnote",
        },
    }
    monitor = {
        "id": "cloud1",
        "mode": "default",
        "opcode": "data_variable",
        "params": {"VARIABLE": "☁ score"},
        "spriteName": None,
        "value": 0,
        "width": 0,
        "height": 0,
        "x": 5,
        "y": 5,
        "visible": True,
        "sliderMin": 0,
        "sliderMax": 100,
        "isDiscrete": True,
    }
    sprite_blocks = {
        "v": [12, "local", "loc1", 100, 200.5],
        "hat": block("event_whenthisspritesclicked", topLevel=True, x=1, y=2, comment="c1"),
        "l": [13, "items", "lst1", -5, 7],
    }
    return document(
        stage(variables={"cloud1": ["☁ score", 42, True], "plain": ["plain", "text"]}),
        {
            **sprite(
                "Cat",
                sprite_blocks,
                variables={"loc1": ["local", True]},
                lists={"lst1": ["items", []]},
                comments=comments,
                layerOrder=2,
                x=-12.5,
                y=33,
            ),
            "visible": False,
            "size": 55.5,
            "direction": -90,
            "draggable": True,
            "rotationStyle": "left-right",
        },
        monitors=[monitor],
    )


DOCUMENTS = {
    "every input form": every_input_form,
    "procedures": procedures,
    "loose reporters and comments": loose_reporters_and_comments,
}


def tiny_project() -> Project:
    """The smallest interesting project: a stage variable and a sprite that sets it."""
    hat = Block("hat", "event_whenflagclicked", next="set", top_level=True, x=0.0, y=0.0)
    set_ = Block(
        "set",
        "data_setvariableto",
        parent="hat",
        inputs={"VALUE": Input(1, Primitive(10, "42"))},
        fields={"VARIABLE": Field("answer", "v1")},
    )
    return Project(
        targets=(
            Target("Stage", True, variables={"v1": Variable("v1", "answer", 0.0)}),
            Target("Sprite1", False, blocks={"hat": hat, "set": set_}, layer_order=1),
        ),
        name="minimal",
    )


def write_json(path: Path, data: Any) -> Path:
    """data written as a project.json file."""
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip file with these members."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


# ## Round trips


@pytest.mark.parametrize("make", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_json_round_trip_is_exact(make: Any) -> None:
    """Reading then writing a project.json gives back the same document, key order included."""
    original = make()
    written = project_to_json(project_from_json(copy.deepcopy(original)))
    assert written == original
    assert json.dumps(written) == json.dumps(original)  # also compares key order everywhere


@pytest.mark.parametrize("make", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_save_then_load_is_lossless(make: Any, tmp_path: Path) -> None:
    """load → save_sb3 → load gives an equal Project, for a bare project.json and for an .sb3."""
    first = load_project(write_json(tmp_path / "p.json", make()))
    save_sb3(first, tmp_path / "p.sb3")
    second = load_project(tmp_path / "p.sb3")
    assert second == first
    save_sb3(second, tmp_path / "p.sb3")  # over an existing file
    assert load_project(tmp_path / "p.sb3") == first


def test_project_name_is_the_file_stem(tmp_path: Path) -> None:
    """Project.name comes from the file name, whatever its extension."""
    assert load_project(write_json(tmp_path / "my game.json", procedures())).name == "my game"
    save_sb3(tiny_project(), tmp_path / "other.sb3")
    assert load_project(tmp_path / "other.sb3").name == "other"


def test_block_forms_load_as_the_model_says() -> None:
    """Each input kind and primitive kind becomes the matching Input/Primitive."""
    blocks = project_from_json(every_input_form()).stage.blocks
    assert blocks["set"].inputs["VALUE"] == Input(1, Primitive(10, "hello"))
    assert blocks["say"].inputs["MESSAGE"] == Input(
        3, Primitive(12, "my var", "var1"), Primitive(10, "")
    )
    assert blocks["loop"].inputs["SUBSTACK"] == Input(2, "add")
    assert blocks["add"].inputs["ITEM"] == Input(3, "sum", Primitive(10, "thing"))
    assert blocks["bc"].inputs["BROADCAST_INPUT"] == Input(1, Primitive(11, "go", "bc1"))
    assert blocks["empty"].inputs["BLANK"] == Input(1, None)
    assert blocks["set"].fields["VARIABLE"] == Field("my var", "var1")
    assert blocks["menu"].fields["CLONE_OPTION"] == Field("_myself_", None)
    assert blocks["hat"].x == 10.0 and blocks["hat"].y == -20.5
    assert blocks["set"].x is None and not blocks["set"].top_level


def test_loose_reporters_load_as_top_level_blocks() -> None:
    """[12, name, id, x, y] and [13, ...] become data_variable/data_listcontents blocks."""
    cat = project_from_json(loose_reporters_and_comments()).target("Cat")
    assert cat.blocks["v"] == Block(
        "v",
        "data_variable",
        fields={"VARIABLE": Field("local", "loc1")},
        top_level=True,
        x=100.0,
        y=200.5,
    )
    assert cat.blocks["l"].opcode == "data_listcontents"
    assert cat.blocks["l"].fields == {"LIST": Field("items", "lst1")}
    assert [b.id for b in cat.top_blocks()] == ["v", "hat", "l"]


def test_procedure_mutations_are_kept_verbatim() -> None:
    """Prototype and call mutations keep their JSON-encoded strings and warp strings."""
    sprite1 = project_from_json(procedures()).target("Sprite1")
    proto = sprite1.blocks["proto"].mutation
    assert proto is not None
    assert proto["argumentids"] == '["arg1","arg2"]' and proto["warp"] == "true"
    assert sprite1.blocks["stop"].mutation == {
        "tagName": "mutation",
        "children": [],
        "hasnext": "false",
    }


def test_cloud_variables_and_target_fields() -> None:
    """Cloud flags, comments, costumes and sprite fields survive into the model."""
    project = project_from_json(loose_reporters_and_comments())
    assert project.stage.variables["cloud1"] == Variable("cloud1", "☁ score", 42.0, is_cloud=True)
    assert not project.stage.variables["plain"].is_cloud
    cat = project.target("Cat")
    assert cat.layer_order == 2
    assert cat.extra["comments"]["c2"]["text"] == "loose\nnote"
    assert cat.extra["rotationStyle"] == "left-right"
    assert cat.blocks["hat"].comment == "c1"
    assert project.monitors[0]["params"] == {"VARIABLE": "☁ score"}


def test_sprite_looks_are_kept_verbatim() -> None:
    """Every looks field of a target is exported exactly as it was loaded (the run wraps its own copy)."""
    looks = {
        "visible": False,
        "x": 1000.25,
        "y": -999,
        "size": 33.5,
        "direction": 270,
        "draggable": True,
        "rotationStyle": "don't rotate",
        "currentCostume": 7,
        "volume": 42,
    }
    sprite = {**stage({}), "isStage": False, "name": "S", "layerOrder": 1, **looks}
    data = document(stage({}), sprite)
    written = project_to_json(project_from_json(data))["targets"][1]
    assert {k: written[k] for k in looks} == looks


# ## Order and types


def test_key_order_is_kept() -> None:
    """Blocks, inputs and variables keep file order (script start order depends on it)."""
    ids = ["b", "10", "a", "2"]
    blocks = {i: block("event_whenflagclicked", topLevel=True) for i in ids}
    blocks["a"] = block(
        "operator_add", topLevel=True, inputs={"NUM2": [1, [4, 1]], "NUM1": [1, [4, 2]]}
    )
    variables = {"z": ["z", 0], "a": ["a", 0], "m": ["m", 0]}
    data = document(stage(blocks, variables=variables))
    target = project_from_json(data).stage
    assert list(target.blocks) == ids
    assert list(target.blocks["a"].inputs) == ["NUM2", "NUM1"]
    assert list(target.variables) == ["z", "a", "m"]
    written = project_to_json(project_from_json(data))["targets"][0]
    assert list(written["blocks"]) == ids
    assert list(written["variables"]) == ["z", "a", "m"]


def test_literals_keep_their_json_type() -> None:
    """[4, "10"] stays the string "10"; [4, 10] becomes the float 10.0."""
    data = document(
        stage(
            {
                "s": block(
                    "looks_say",
                    topLevel=True,
                    inputs={"A": [1, [4, "10"]], "B": [1, [4, 10]], "C": [1, [10, True]]},
                ),
            }
        )
    )
    inputs = project_from_json(data).stage.blocks["s"].inputs
    assert inputs["A"].slot == Primitive(4, "10")
    b = inputs["B"].slot
    assert isinstance(b, Primitive) and type(b.value) is float and b.value == 10.0
    assert inputs["C"].slot == Primitive(10, True)


def test_every_json_number_becomes_a_float() -> None:
    """Variable values, list items, block x/y and layerOrder-free numbers are floats, not ints."""
    project = project_from_json(loose_reporters_and_comments())
    assert type(project.stage.variables["cloud1"].value) is float
    items = project_from_json(every_input_form()).stage.lists["list1"].items
    assert items == ("a", 1.0, 2.5, True)
    assert [type(i) for i in items] == [str, float, float, bool]
    hat = project_from_json(procedures()).target("Sprite1").blocks["def"]
    assert type(hat.x) is float and type(hat.y) is float


def test_numbers_are_written_as_js_writes_them() -> None:
    """Integral floats as integers, NaN and ±Infinity as 0 (as Scratch saves them)."""
    values = {
        "a": 10.0,
        "b": 0.5,
        "c": math.nan,
        "d": math.inf,
        "e": -math.inf,
        "f": -0.0,
        "g": 1e21,
        "h": -3.0,
    }
    project = Project(
        (Target("Stage", True, variables={k: Variable(k, k, v) for k, v in values.items()}),)
    )
    written = project_to_json(project)["targets"][0]["variables"]
    assert {k: v[1] for k, v in written.items()} == {
        "a": 10,
        "b": 0.5,
        "c": 0,
        "d": 0,
        "e": 0,
        "f": 0,
        "g": 1e21,
        "h": -3,
    }
    assert [type(v[1]) for v in written.values()] == [int, float, int, int, int, int, float, int]
    json.dumps(written, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(value=scratch_values())
def test_any_value_survives_a_save(value: Any) -> None:
    """A variable or list item keeps its value and type through project.json (NaN/±Inf save as 0)."""
    project = Project(
        (
            Target(
                "Stage",
                True,
                variables={"v": Variable("v", "v", value)},
                lists={"l": ListVar("l", "l", (value,))},
            ),
        )
    )
    text = json.dumps(project_to_json(project), ensure_ascii=True, allow_nan=False)
    back = project_from_json(json.loads(text)).stage
    expected = 0.0 if isinstance(value, float) and not math.isfinite(value) else value
    assert back.variables["v"].value == expected and type(back.variables["v"].value) is type(
        expected
    )
    assert back.lists["l"].items == (expected,)


# ## What project_to_json adds


def test_a_bare_model_gets_what_scratch_requires() -> None:
    """Missing costumes, meta and sprite fields are filled in the way the GUI would write them."""
    written = project_to_json(tiny_project())
    assert written["meta"] == META
    stage_json, sprite_json = written["targets"]
    assert stage_json["costumes"] == [EMPTY_COSTUME]
    assert sprite_json["costumes"] == [{**EMPTY_COSTUME, "name": "costume1"}]
    assert list(stage_json)[:12] == [
        "isStage",
        "name",
        "variables",
        "lists",
        "broadcasts",
        "blocks",
        "comments",
        "currentCostume",
        "costumes",
        "sounds",
        "volume",
        "layerOrder",
    ]
    assert list(sprite_json)[12:] == [
        "visible",
        "x",
        "y",
        "size",
        "direction",
        "draggable",
        "rotationStyle",
    ]
    assert sprite_json["blocks"]["set"] == {
        "opcode": "data_setvariableto",
        "next": None,
        "parent": "hat",
        "inputs": {"VALUE": [1, [10, "42"]]},
        "fields": {"VARIABLE": ["answer", "v1"]},
        "shadow": False,
        "topLevel": False,
    }


def test_meta_is_kept_and_completed() -> None:
    """Existing meta keys stay as they are; only missing required ones are added."""
    data = {**document(stage()), "meta": {"semver": "3.0.0", "vm": "5.0.300", "origin": "x"}}
    assert project_to_json(project_from_json(data))["meta"] == {
        "semver": "3.0.0",
        "vm": "5.0.300",
        "origin": "x",
        "agent": "scratch-emu",
    }


def test_empty_svg_is_the_gui_asset() -> None:
    """The empty costume's file is the 202-byte SVG whose md5 is its asset id."""
    assert len(EMPTY_SVG) == 202
    assert hashlib.md5(EMPTY_SVG).hexdigest() == EMPTY_SVG_MD5


# ## .sb3 files


def test_save_sb3_writes_project_json_and_the_empty_costume(tmp_path: Path) -> None:
    """The zip holds project.json and the asset file its costumes name."""
    save_sb3(tiny_project(), tmp_path / "t.sb3")
    with zipfile.ZipFile(tmp_path / "t.sb3") as archive:
        assert archive.namelist() == ["project.json", f"{EMPTY_SVG_MD5}.svg"]
        assert archive.read(f"{EMPTY_SVG_MD5}.svg") == EMPTY_SVG
        assert json.loads(archive.read("project.json")) == project_to_json(tiny_project())


def test_assets_are_carried_over(tmp_path: Path) -> None:
    """load_assets + save_sb3 keep the original bytes of an asset we cannot make ourselves."""
    png = b"\x89PNG not really"
    name = "0123456789abcdef0123456789abcdef.png"
    data = document(stage())
    data["targets"][0]["costumes"] = [
        {**EMPTY_COSTUME, "assetId": name[:32], "md5ext": name, "dataFormat": "png"}
    ]
    write_zip(tmp_path / "in.sb3", {"project.json": json.dumps(data).encode(), name: png})
    assets = load_assets(tmp_path / "in.sb3")
    assert assets == {name: png}
    save_sb3(load_project(tmp_path / "in.sb3"), tmp_path / "out.sb3", assets)
    assert load_assets(tmp_path / "out.sb3") == {name: png}
    assert load_assets(write_json(tmp_path / "bare.json", data)) == {}


def test_asset_names_are_never_paths(tmp_path: Path) -> None:
    """A costume whose md5ext is a path is not written into the zip."""
    data = document(stage())
    data["targets"][0]["costumes"] = [{**EMPTY_COSTUME, "md5ext": "../../evil.svg"}]
    save_sb3(project_from_json(data), tmp_path / "x.sb3", {"../../evil.svg": b"x"})
    with zipfile.ZipFile(tmp_path / "x.sb3") as archive:
        assert archive.namelist() == ["project.json"]


def test_project_json_may_sit_one_folder_down(tmp_path: Path) -> None:
    """Like scratch-parser, accept folder/project.json, with assets beside it."""
    path = write_zip(
        tmp_path / "n.sb3",
        {"inner/project.json": json.dumps(procedures()).encode(), "inner/a.svg": b"<svg/>"},
    )
    assert load_project(path).target("Sprite1").blocks["call"].opcode == "procedures_call"
    assert load_assets(path) == {"a.svg": b"<svg/>"}


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that fails part-way leaves the existing file intact and no temporary file behind."""
    path = tmp_path / "keep.sb3"
    save_sb3(tiny_project(), path)
    before = path.read_bytes()

    def broken(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sb3, "_write_zip", broken)
    with pytest.raises(InputFileError, match="No space left"):
        save_sb3(tiny_project(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.sb3"]


def test_hostile_names_are_just_data(tmp_path: Path) -> None:
    """Quotes, newlines, unicode, lone surrogates and very long names round-trip as plain text."""
    names = ['"); import os #', "line\nbreak", "☁ 🐱 é", "\ud800", "x" * 10_000, "../../etc/passwd"]
    variables = {f"id{i}": [n, n] for i, n in enumerate(names)}
    blocks = {n: block("event_whenflagclicked", topLevel=True) for n in names}
    project = project_from_json(document(stage(blocks, variables=variables)))
    save_sb3(project, tmp_path / "project.sb3")
    back = load_project(tmp_path / "project.sb3")
    assert back == project
    assert [v.name for v in back.stage.variables.values()] == names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project.sb3"]


def test_minimal_fixture_loads() -> None:
    """The committed fixture, made by save_sb3 from tiny_project(), loads back as that project."""
    loaded = load_project(FIXTURES / "minimal.sb3")
    assert loaded == project_from_json(project_to_json(tiny_project()), name="minimal")
    assert project_to_json(loaded) == project_to_json(tiny_project())


def test_long_scripts_load_in_linear_time() -> None:
    """A 50,000-block script loads quickly, without recursion."""
    n = 50_000
    blocks = {
        f"b{i}": block(
            "motion_movesteps",
            parent=f"b{i - 1}" if i else None,
            next=f"b{i + 1}" if i + 1 < n else None,
            topLevel=i == 0,
        )
        for i in range(n)
    }
    start = time.perf_counter()
    assert len(project_from_json(document(stage(blocks))).stage.blocks) == n
    assert time.perf_counter() - start < 10


# ## Refusals


def bad(**keys: Any) -> dict[str, Any]:
    """A block object with a made-up opcode."""
    return block("x_y", **keys)


# Each case's stage holds block "a" (the one the error must name), plus "b" where a case needs two.
BLOCK_ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "dangling next": ({"a": bad(next="ghost")}, "'next' points at missing block 'ghost'"),
    "dangling input": ({"a": bad(inputs={"V": [3, "ghost", [10, ""]]})}, "input 'V'"),
    "dangling shadow": ({"a": bad(inputs={"V": [3, None, "ghost"]})}, "ghost"),
    "dangling substack": ({"a": bad(inputs={"SUBSTACK": [2, "ghost"]})}, "input 'SUBSTACK'"),
    "next cycle": ({"a": bad(next="b"), "b": bad(next="a")}, "cycle of next/input links"),
    "self loop": ({"a": bad(next="a")}, "cycle"),
    "input cycle": ({"a": bad(inputs={"V": [2, "b"]}), "b": bad(next="a")}, "cycle"),
    "parent cycle": ({"a": bad(parent="b"), "b": bad(parent="a")}, "cycle of parent links"),
    "missing opcode": ({"a": {"next": None, "parent": None}}, "no opcode"),
    "opcode not a string": ({"a": block(7)}, "no opcode"),
    "block is a number": ({"a": 3}, "must be an object"),
    "inputs not an object": ({"a": bad(inputs=[])}, "'inputs'"),
    "next not a string": ({"a": bad(next=5)}, "'next'"),
    "shadow not a boolean": ({"a": bad(shadow="no")}, "'shadow'"),
    "input kind": ({"a": bad(inputs={"V": [5, None]})}, "input kind"),
    "input too short": ({"a": bad(inputs={"V": [1]})}, "input 'V'"),
    "kind 3 without shadow": ({"a": bad(inputs={"V": [3, None]})}, "kind 3"),
    "primitive kind": ({"a": bad(inputs={"V": [1, [99, 1]]})}, "malformed primitive"),
    "variable without id": ({"a": bad(inputs={"V": [1, [12, "v"]]})}, "malformed primitive"),
    "literal is an object": ({"a": bad(inputs={"V": [1, [4, {}]]})}, "a literal"),
    "field not an array": ({"a": bad(fields={"F": "v"})}, "field 'F'"),
    "field id a number": ({"a": bad(fields={"F": ["v", 3]})}, "field 'F'"),
    "top-level number primitive": ({"a": [4, "10"]}, "variable (12) or list (13)"),
    "loose reporter without x, y": ({"a": [12, "v", "id"]}, "5 items"),
    "mutation not an object": ({"a": bad(mutation="m")}, "'mutation'"),
}


@pytest.mark.parametrize(("blocks", "words"), BLOCK_ERRORS.values(), ids=BLOCK_ERRORS.keys())
def test_bad_blocks_are_refused(blocks: dict[str, Any], words: str, tmp_path: Path) -> None:
    """A malformed block is an InputFileError on one line naming the file and the block."""
    path = write_json(tmp_path / "bad.json", document(stage(blocks)))
    with pytest.raises(InputFileError) as caught:
        load_project(path)
    message = str(caught.value)
    assert str(path) in message and "block 'a'" in message and words in message
    assert "\n" not in message


def test_a_parent_naming_a_missing_block_is_loaded_as_the_vm_loads_it() -> None:
    """The VM loads such a project and runs it (a public test project has one): the script runs."""
    blocks = {
        "hat": block("event_whenflagclicked", next="say", topLevel=True),
        "say": block("looks_say", parent="hat", inputs={"MESSAGE": [1, [10, "hi"]]}),
        "stray": block("looks_say", parent="ghost", inputs={"MESSAGE": [1, [10, "no"]]}),
    }
    project = project_from_json(document(stage(blocks)))
    runtime = Runtime(project)
    runtime.green_flag()
    runtime.run()
    assert [say.text for say in runtime.says] == ["hi"]


PROJECT_ERRORS = {
    "not scratch 3": ({"hello": 1}, "no 'targets' list"),
    "top level array": ([1, 2], "not a Scratch 3 project"),
    "scratch 2": (
        {"objName": "Stage", "children": [], "costumes": []},
        "Scratch 2 projects are not supported",
    ),
    "empty targets": ({"targets": []}, "no 'targets' list"),
    "sprite first": (document(sprite("Cat"), stage()), "targets[0] ('Cat') is not the stage"),
    "two stages": (document(stage(), stage()), "second stage"),
    "target not an object": (document(stage(), "Cat"), "targets[1] must be an object"),
    "target without name": (document({**stage(), "name": None}), "'name'"),
    "variable entry": (document(stage(variables={"v": ["v"]})), "variable 'v'"),
    "variable value an array": (document(stage(variables={"v": ["v", []]})), "the value"),
    "list items": (document(stage(lists={"l": ["l", "abc"]})), "list 'l'"),
    "broadcast name": (document(stage(broadcasts={"b": 1})), "broadcast 'b'"),
    "costumes": (document({**stage(), "costumes": "x"}), "'costumes'"),
    "layer order": (document({**stage(), "layerOrder": 0.5}), "'layerOrder'"),
    "meta": ({**document(stage()), "meta": []}, "'meta'"),
    "monitors": ({**document(stage()), "monitors": {}}, "'monitors'"),
}


@pytest.mark.parametrize(("data", "words"), PROJECT_ERRORS.values(), ids=PROJECT_ERRORS.keys())
def test_bad_projects_are_refused(data: Any, words: str, tmp_path: Path) -> None:
    """JSON that is not a usable Scratch 3 project is an InputFileError naming the file."""
    path = write_json(tmp_path / "bad.json", data)
    with pytest.raises(InputFileError) as caught:
        load_project(path)
    assert str(path) in str(caught.value) and words in str(caught.value)
    assert "\n" not in str(caught.value)


def refused(path: Path) -> str:
    """The one-line message load_project gives for this file."""
    with pytest.raises(InputFileError) as caught:
        load_project(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    return message


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is refused by name."""
    assert "no such file" in refused(tmp_path / "nope.sb3")


def test_directory(tmp_path: Path) -> None:
    """A directory is not a project."""
    (tmp_path / "d.sb3").mkdir()
    assert "is a directory" in refused(tmp_path / "d.sb3")


def test_neither_zip_nor_json(tmp_path: Path) -> None:
    """A file that is neither a zip nor JSON says so."""
    (tmp_path / "x.sb3").write_bytes(b"\x00\x01 hello")
    assert "neither an .sb3 (zip) nor a project.json" in refused(tmp_path / "x.sb3")
    (tmp_path / "y.json").write_bytes(b"{\xff\xfe}")
    assert "invalid UTF-8" in refused(tmp_path / "y.json")


def test_broken_zip(tmp_path: Path) -> None:
    """A file that starts like a zip but is not one is refused."""
    (tmp_path / "b.sb3").write_bytes(b"PK\x03\x04 truncated")
    assert "not a valid .sb3 zip" in refused(tmp_path / "b.sb3")


def test_zip_without_project_json(tmp_path: Path) -> None:
    """An .sb3 must contain project.json."""
    path = write_zip(tmp_path / "z.sb3", {"other.json": b"{}"})
    assert "no project.json" in refused(path)


def test_invalid_json_says_where(tmp_path: Path) -> None:
    """A JSON syntax error names the line and column, in a bare file or inside a zip."""
    text = b'{\n  "targets": [,]\n}'
    (tmp_path / "p.json").write_bytes(text)
    assert "invalid JSON at line 2, column 15" in refused(tmp_path / "p.json")
    path = write_zip(tmp_path / "p.sb3", {"project.json": text})
    assert "project.json: invalid JSON at line 2" in refused(path)


def test_deeply_nested_json(tmp_path: Path) -> None:
    """JSON nested past the recursion limit is refused, not a crash."""
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in refused(tmp_path / "deep.json")


def test_zip_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    """A member whose header claims more than 256 MB is refused before any of it is read."""
    path = write_zip(tmp_path / "bomb.sb3", {"project.json": b"{}"})
    raw = bytearray(path.read_bytes())
    central = raw.index(b"PK\x01\x02")
    raw[central + 24 : central + 28] = struct.pack("<I", 0xF000_0000)  # uncompressed size
    path.write_bytes(bytes(raw))
    message = refused(path)
    assert "zip member 'project.json'" in message and "over the 268435456-byte limit" in message


def test_size_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same cap applies to a bare project.json and to each asset of an .sb3."""
    monkeypatch.setattr(sb3, "MAX_MEMBER_BYTES", 100)
    big = write_json(tmp_path / "big.json", document(stage()))
    assert "over the 100-byte limit" in refused(big)
    path = write_zip(tmp_path / "a.sb3", {"project.json": b"{}", "asset.png": b"x" * 101})
    with pytest.raises(InputFileError, match=r"zip member 'asset\.png'"):
        load_assets(path)


def test_project_from_json_names_its_origin() -> None:
    """Errors from project_from_json name the origin it was given."""
    with pytest.raises(InputFileError, match=r"^net:123: Scratch 2"):
        project_from_json({"objName": "Stage"}, origin="net:123")


if __name__ == "__main__":
    # Regenerate the fixture: python -m tests.test_sb3
    FIXTURES.mkdir(parents=True, exist_ok=True)
    save_sb3(tiny_project(), FIXTURES / "minimal.sb3")
