"""project.json (sb3) ⇄ Project: the only module that knows Scratch's JSON shape."""

from __future__ import annotations

import copy
import json
import math
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, NoReturn

from emulator.errors import EmulatorError, InputFileError
from emulator.files import replacing
from emulator.opcodes import Opcode
from emulator.project import (
    INPUT_NO_SHADOW,
    INPUT_OBSCURED,
    INPUT_SHADOW,
    LITERAL_KINDS,
    REFERENCE_KINDS,
    Block,
    Field,
    Input,
    ListVar,
    Primitive,
    Project,
    Slot,
    Target,
    Variable,
)
from emulator.values import Value

# Limits on what we read into memory; a zip member's header is checked before it is read.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024

# The GUI's empty backdrop: 202 bytes whose md5 is also its asset id.
EMPTY_SVG_MD5 = "cd21514d0531fdffb22204e0ec5ed84a"
EMPTY_SVG = (
    b'<svg version="1.1" width="2" height="2" viewBox="-1 -1 2 2" '
    b'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
    b"  <!-- Exported by Scratch - http://scratch.mit.edu/ -->\n"
    b"</svg>"
)
_EMPTY_COSTUME = {
    "assetId": EMPTY_SVG_MD5,
    "name": "backdrop1",
    "md5ext": f"{EMPTY_SVG_MD5}.svg",
    "dataFormat": "svg",
    "rotationCenterX": 240,
    "rotationCenterY": 180,
}


def empty_costume(name: str) -> dict[str, Any]:
    """A costume entry for the editor's empty image, under a given name."""
    return {**_EMPTY_COSTUME, "name": name, "rotationCenterX": 0, "rotationCenterY": 0}


_META_DEFAULTS = {"semver": "3.0.0", "vm": "0.2.0", "agent": "scratch-emu"}
_MODELLED_TARGET_KEYS = frozenset(
    {"isStage", "name", "variables", "lists", "broadcasts", "blocks", "layerOrder"}
)
# Keys scratch-vm writes after `blocks`, in its order, with the value a fresh target would have.
_COMMON_DEFAULTS: dict[str, Any] = {
    "comments": {},
    "currentCostume": 0,
    "costumes": [],
    "sounds": [],
}
_STAGE_DEFAULTS: dict[str, Any] = {
    "tempo": 60,
    "videoTransparency": 50,
    "videoState": "on",
    "textToSpeechLanguage": None,
}
_SPRITE_DEFAULTS: dict[str, Any] = {
    "visible": True,
    "x": 0,
    "y": 0,
    "size": 100,
    "direction": 90,
    "draggable": False,
    "rotationStyle": "all around",
}
# Loose top-level reporters are stored as [12, name, id, x, y] / [13, ...].
_LOOSE_REPORTERS = {
    12: (Opcode.DATA_VARIABLE, "VARIABLE"),
    13: (Opcode.DATA_LISTCONTENTS, "LIST"),
}
_LOOSE_KIND: dict[str, tuple[int, str]] = {
    opcode: (kind, field) for kind, (opcode, field) in _LOOSE_REPORTERS.items()
}
_NESTED_PROJECT_JSON = re.compile(r"[^/]+/project\.json")
_ASSET_NAME = re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9]+")
# What a damaged, encrypted or exotic zip member raises while being read.
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps keep saved files byte-stable


# ## Errors


def _fail(where: str, message: str) -> NoReturn:
    raise InputFileError(f"{where}: {message}")


def _one_line(text: str) -> str:
    """Text with control characters escaped, so an error stays on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _q(name: object) -> str:
    """A name quoted for an error message: escaped, and cut short if very long."""
    shown = repr(name)
    return shown if len(shown) <= 80 else shown[:76] + "...'"


def _json_type(raw: object) -> str:
    """How JSON would call this value's type."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if raw is None:
        return "null"
    return names.get(type(raw), "a number")


# ## Reading files


def load_project(path: str | Path) -> Project:
    """Load a .sb3 (zip) or a bare project.json, deciding by content; name it after the file."""
    path = Path(path)
    origin = _one_line(str(path))
    if _is_zip(path, origin):
        with _open_zip(path, origin) as archive:
            member = _project_member(archive, origin)
            data = _parse_json(_read_member(archive, member, origin), f"{origin}: project.json")
    else:
        data = _parse_json(_read_bare(path, origin), origin)
    return project_from_json(data, name=path.stem, origin=origin)


def load_assets(path: str | Path) -> dict[str, bytes]:
    """Every asset file of an .sb3 by name (md5ext), to re-save it with save_sb3; {} for bare JSON."""
    path = Path(path)
    origin = _one_line(str(path))
    if not _is_zip(path, origin):
        return {}
    with _open_zip(path, origin) as archive:
        folder = _project_member(archive, origin).filename[: -len("project.json")]
        members = [
            info
            for info in archive.infolist()
            if info.filename.startswith(folder)
            and not info.is_dir()
            and info.filename != f"{folder}project.json"
        ]
        if sum(info.file_size for info in members) > MAX_TOTAL_BYTES:
            _fail(origin, f"assets total over the {MAX_TOTAL_BYTES}-byte limit")
        return {
            info.filename[len(folder) :]: _read_member(archive, info, origin) for info in members
        }


def _is_zip(path: Path, origin: str) -> bool:
    """Whether the file starts with a zip signature (after checking it is a readable file)."""
    try:
        if stat.S_ISDIR(path.stat().st_mode):
            _fail(origin, "is a directory, not a project file")
        with path.open("rb") as f:
            return f.read(2) == b"PK"
    except FileNotFoundError:
        _fail(origin, "no such file")
    except OSError as e:
        _fail(origin, f"cannot read the file ({_one_line(str(e.strerror))})")


def _read_bare(path: Path, origin: str) -> bytes:
    """The bytes of a file that should be project.json itself."""
    try:
        if path.stat().st_size > MAX_MEMBER_BYTES:
            _fail(origin, f"file is over the {MAX_MEMBER_BYTES}-byte limit")
        raw = path.read_bytes()
    except OSError as e:
        _fail(origin, f"cannot read the file ({_one_line(str(e.strerror))})")
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        _fail(origin, "neither an .sb3 (zip) nor a project.json (JSON)")
    return raw


def _open_zip(path: Path, origin: str) -> zipfile.ZipFile:
    """The file opened as a zip archive."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as e:
        _fail(origin, f"not a valid .sb3 zip ({_one_line(str(e))})")


def _project_member(archive: zipfile.ZipFile, origin: str) -> zipfile.ZipInfo:
    """The project.json entry: at the root, or else one folder down (as scratch-parser allows)."""
    infos = archive.infolist()
    for info in infos:
        if info.filename == "project.json":
            return info
    for info in infos:
        if _NESTED_PROJECT_JSON.fullmatch(info.filename):
            return info
    _fail(origin, "the zip has no project.json")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, origin: str) -> bytes:
    """One zip member's bytes, refused before reading if its header claims too much."""
    where = f"{origin}: zip member {_q(info.filename)}"
    if info.file_size > MAX_MEMBER_BYTES:
        _fail(
            where, f"is {info.file_size} bytes uncompressed, over the {MAX_MEMBER_BYTES}-byte limit"
        )
    try:
        with archive.open(info) as f:
            data = f.read(MAX_MEMBER_BYTES + 1)
    except _ZIP_READ_ERRORS as e:
        _fail(where, f"cannot be read ({_one_line(str(e))})")
    if len(data) > MAX_MEMBER_BYTES:
        _fail(where, f"is over the {MAX_MEMBER_BYTES}-byte limit")
    return data


def _parse_json(raw: bytes, where: str) -> Any:
    """The parsed JSON document, or an error that says where the syntax broke."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        _fail(where, f"not JSON: invalid UTF-8 at byte {e.start}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        _fail(where, f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}")
    except RecursionError:
        _fail(where, "invalid JSON: nested too deeply")
    except ValueError as e:  # e.g. an integer literal past Python's digit limit
        _fail(where, f"invalid JSON: {_one_line(str(e))}")


# ## JSON → Project


def project_from_json(
    data: Mapping[str, Any], name: str = "project", origin: str = "<json>"
) -> Project:
    """The Project a parsed project.json describes; InputFileError naming `origin` if malformed."""
    if not isinstance(data, Mapping):
        _fail(origin, f"not a Scratch 3 project: the top level is {_json_type(data)}")
    if "objName" in data or "children" in data:
        _fail(origin, "Scratch 2 projects are not supported")
    raw_targets = data.get("targets")
    if not isinstance(raw_targets, list) or not raw_targets:
        _fail(origin, "not a Scratch 3 project: no 'targets' list")
    targets = tuple(_target(raw, index, origin) for index, raw in enumerate(raw_targets))
    _check_one_stage_first(targets, origin)
    return Project(
        targets=targets,
        monitors=tuple(_list_of(data, "monitors", dict, "objects", origin)),
        extensions=tuple(_list_of(data, "extensions", str, "strings", origin)),
        meta=copy.deepcopy(_object(data.get("meta", {"semver": "3.0.0"}), origin, "'meta'")),
        name=name,
    )


def _check_one_stage_first(targets: tuple[Target, ...], origin: str) -> None:
    """Scratch needs exactly one stage, and it must be targets[0]."""
    if not targets[0].is_stage:
        _fail(origin, f"targets[0] ({_q(targets[0].name)}) is not the stage")
    for t in targets[1:]:
        if t.is_stage:
            _fail(origin, f"target {_q(t.name)} is a second stage")


def _list_of(data: Mapping[str, Any], key: str, kind: type, noun: str, origin: str) -> list[Any]:
    """A top-level array whose items are all of one JSON type, deep-copied."""
    raw = data.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(item, kind) for item in raw):
        _fail(origin, f"{key!r} must be an array of {noun}")
    return copy.deepcopy(raw)


def _object(raw: object, where: str, what: str) -> dict[str, Any]:
    """raw, checked to be a JSON object."""
    if not isinstance(raw, dict):
        _fail(where, f"{what} must be an object, not {_json_type(raw)}")
    return raw


def _array(raw: object, where: str, what: str, lengths: tuple[int, ...]) -> list[Any]:
    """raw, checked to be a JSON array of one of the given lengths."""
    if not isinstance(raw, list) or len(raw) not in lengths:
        sizes = " or ".join(map(str, lengths))
        _fail(
            where, f"{what} must be an array of {sizes} items, not {_json_type(raw)} {_brief(raw)}"
        )
    return raw


def _brief(raw: object) -> str:
    """A short JSON rendering of a bad value for an error message."""
    text = _one_line(json.dumps(raw, ensure_ascii=False, default=str))
    return text if len(text) <= 60 else text[:57] + "..."


def _string(raw: object, where: str, what: str) -> str:
    """raw, checked to be a JSON string."""
    if not isinstance(raw, str):
        _fail(where, f"{what} must be a string, not {_json_type(raw)}")
    return raw


def _optional_string(raw: object, where: str, what: str) -> str | None:
    """raw, checked to be a string or null."""
    return None if raw is None else _string(raw, where, what)


def _boolean(raw: object, where: str, what: str) -> bool:
    """raw, checked to be a JSON boolean."""
    if not isinstance(raw, bool):
        _fail(where, f"{what} must be true or false, not {_json_type(raw)}")
    return raw


def _number(raw: object, where: str, what: str) -> float:
    """raw, checked to be a JSON number, as the double JS would hold."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        _fail(where, f"{what} must be a number, not {_json_type(raw)}")
    return _double(raw)


def _double(raw: int | float) -> float:
    """A JSON number as a float; integers too big for a double overflow to ±Infinity like JS."""
    try:
        return float(raw)
    except OverflowError:
        return math.copysign(math.inf, raw)


def _value(raw: object, where: str, what: str) -> Value:
    """A Scratch value: strings and booleans kept, every number a float, null as None."""
    if raw is None or isinstance(raw, str | bool):
        return raw
    if isinstance(raw, int | float):
        return _double(raw)
    _fail(where, f"{what} must be a string, number or boolean, not {_json_type(raw)}")


def _target(raw: object, index: int, origin: str) -> Target:
    """One stage or sprite."""
    obj = _object(raw, origin, f"targets[{index}]")
    name = _string(obj.get("name"), f"{origin}: targets[{index}]", "'name'")
    where = f"{origin}: target {_q(name)}"
    _check_assets(obj, where)
    return Target(
        name=name,
        is_stage=_boolean(obj.get("isStage"), where, "'isStage'"),
        variables=_variables(_object(obj.get("variables", {}), where, "'variables'"), where),
        lists=_lists(_object(obj.get("lists", {}), where, "'lists'"), where),
        broadcasts=_broadcasts(_object(obj.get("broadcasts", {}), where, "'broadcasts'"), where),
        blocks=_blocks(_object(obj.get("blocks", {}), where, "'blocks'"), where),
        layer_order=_layer_order(obj.get("layerOrder", index), where),
        extra={k: copy.deepcopy(v) for k, v in obj.items() if k not in _MODELLED_TARGET_KEYS},
    )


def _check_assets(obj: Mapping[str, Any], where: str) -> None:
    """costumes and sounds, kept in `extra`, must be arrays of objects (save_sb3 reads them)."""
    for key in ("costumes", "sounds"):
        entries = obj.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            _fail(where, f"{key!r} must be an array of objects")


def _layer_order(raw: object, where: str) -> int:
    """layerOrder, which must be a whole number."""
    value = _number(raw, where, "'layerOrder'")
    if not value.is_integer():
        _fail(where, f"'layerOrder' must be a whole number, not {raw!r}")
    return int(value)


def _variables(raw: dict[str, Any], where: str) -> dict[str, Variable]:
    """{id: [name, value]} or [name, value, true] for a cloud variable."""
    out = {}
    for var_id, entry in raw.items():
        here = f"{where}: variable {_q(var_id)}"
        entry = _array(entry, here, "the entry", (2, 3))
        is_cloud = len(entry) == 3 and _boolean(entry[2], here, "the cloud flag")
        name = _string(entry[0], here, "the name")
        out[var_id] = Variable(var_id, name, _value(entry[1], here, "the value"), is_cloud)
    return out


def _lists(raw: dict[str, Any], where: str) -> dict[str, ListVar]:
    """{id: [name, [items]]}, item types kept."""
    out = {}
    for list_id, entry in raw.items():
        here = f"{where}: list {_q(list_id)}"
        name, items = _array(entry, here, "the entry", (2,))
        if not isinstance(items, list):
            _fail(here, f"the items must be an array, not {_json_type(items)}")
        values = tuple(_value(item, here, "an item") for item in items)
        out[list_id] = ListVar(list_id, _string(name, here, "the name"), values)
    return out


def _broadcasts(raw: dict[str, Any], where: str) -> dict[str, str]:
    """{id: name}."""
    return {
        b_id: _string(name, f"{where}: broadcast {_q(b_id)}", "the name")
        for b_id, name in raw.items()
    }


# ## Blocks


def _blocks(raw: dict[str, Any], where: str) -> dict[str, Block]:
    """A target's blocks in file order, checked for dangling links and cycles."""
    blocks = {block_id: _block(block_id, entry, where) for block_id, entry in raw.items()}
    _check_links(blocks, where)
    _check_acyclic(blocks, _child_ids, where, "next/input links")
    _check_acyclic(blocks, lambda b: [b.parent] if b.parent else [], where, "parent links")
    return blocks


def _block(block_id: str, raw: object, target_where: str) -> Block:
    """One block: an object, or the array form of a loose variable/list reporter."""
    where = f"{target_where}: block {_q(block_id)}"
    if isinstance(raw, list):
        return _loose_reporter(block_id, raw, where)
    obj = _object(raw, where, "a block")
    opcode = obj.get("opcode")
    if not isinstance(opcode, str) or not opcode:
        _fail(where, "has no opcode")
    top_level = _boolean(obj.get("topLevel", False), where, "'topLevel'")
    return Block(
        id=block_id,
        opcode=opcode,
        next=_optional_string(obj.get("next"), where, "'next'"),
        parent=_optional_string(obj.get("parent"), where, "'parent'"),
        inputs=_inputs(_object(obj.get("inputs", {}), where, "'inputs'"), where),
        fields=_fields(_object(obj.get("fields", {}), where, "'fields'"), where),
        shadow=_boolean(obj.get("shadow", False), where, "'shadow'"),
        top_level=top_level,
        x=_number(obj.get("x", 0), where, "'x'") if top_level else None,
        y=_number(obj.get("y", 0), where, "'y'") if top_level else None,
        mutation=_mutation(obj.get("mutation"), where),
        comment=_optional_string(obj.get("comment"), where, "'comment'"),
    )


def _mutation(raw: object, where: str) -> dict[str, Any] | None:
    """A block's mutation, kept verbatim (procedure strings stay JSON-encoded strings)."""
    return None if raw is None else copy.deepcopy(_object(raw, where, "'mutation'"))


def _loose_reporter(block_id: str, raw: list[Any], where: str) -> Block:
    """[12, name, id, x, y] or [13, name, id, x, y] as a top-level data_variable/data_listcontents."""
    if not raw or _kind(raw[0]) not in _LOOSE_REPORTERS:
        _fail(where, f"a top-level array must be a variable (12) or list (13), not {_brief(raw)}")
    kind, name, ref_id, x, y = _array(raw, where, "a top-level reporter", (5,))
    opcode, field_name = _LOOSE_REPORTERS[_kind(kind)]
    field = Field(_string(name, where, "the name"), _string(ref_id, where, "the id"))
    return Block(
        id=block_id,
        opcode=opcode.value,
        fields={field_name: field},
        top_level=True,
        x=_number(x, where, "x"),
        y=_number(y, where, "y"),
    )


def _kind(raw: object) -> int:
    """A compact-array kind as an int; 0 (no kind) if it is not a whole number."""
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not float(raw).is_integer():
        return 0
    return int(raw)


def _inputs(raw: dict[str, Any], where: str) -> dict[str, Input]:
    """{NAME: [1, X]} | [2, X] | [3, X, Y]."""
    return {name: _input(entry, f"{where}: input {_q(name)}") for name, entry in raw.items()}


def _input(raw: object, where: str) -> Input:
    """One compact input array."""
    arr = _array(raw, where, "an input", (2, 3))
    kind = _kind(arr[0])
    if kind not in (INPUT_SHADOW, INPUT_NO_SHADOW, INPUT_OBSCURED):
        _fail(where, f"unknown input kind {_brief(arr[0])} (expected 1, 2 or 3)")
    if len(arr) != (3 if kind == INPUT_OBSCURED else 2):
        _fail(
            where, f"an input of kind {kind} must have {3 if kind == INPUT_OBSCURED else 2} items"
        )
    shadow = _slot(arr[2], where) if kind == INPUT_OBSCURED else None
    return Input(kind, _slot(arr[1], where), shadow)


def _slot(raw: object, where: str) -> Slot:
    """What an input holds: a block id, a compact primitive, or null."""
    if raw is None or isinstance(raw, str):
        return raw
    arr = _array(raw, where, "an input value", (2, 3))
    kind = _kind(arr[0])
    if kind in LITERAL_KINDS and len(arr) == 2:
        return Primitive(kind, _value(arr[1], where, "a literal"))
    if kind in REFERENCE_KINDS and len(arr) == 3:
        return Primitive(kind, _string(arr[1], where, "a name"), _string(arr[2], where, "an id"))
    _fail(where, f"malformed primitive {_brief(raw)}")


def _fields(raw: dict[str, Any], where: str) -> dict[str, Field]:
    """{NAME: [value]} or [value, id-or-null]."""
    out = {}
    for name, entry in raw.items():
        here = f"{where}: field {_q(name)}"
        arr = _array(entry, here, "a field", (1, 2))
        ref_id = _optional_string(arr[1], here, "the id") if len(arr) == 2 else None
        out[name] = Field(_value(arr[0], here, "the value"), ref_id)
    return out


def _child_ids(block: Block) -> list[str]:
    """Ids this block runs or evaluates: its next block and the blocks in its inputs."""
    ids = [block.next] if block.next else []
    for inp in block.inputs.values():
        ids.extend(slot for slot in (inp.slot, inp.shadow) if isinstance(slot, str))
    return ids


def _check_links(blocks: Mapping[str, Block], where: str) -> None:
    """Every next/parent/input id must name a block of the same target."""
    for block in blocks.values():
        links: list[tuple[str, Slot]] = [("'next'", block.next), ("'parent'", block.parent)]
        for name, inp in block.inputs.items():
            links += [(f"input {_q(name)}", slot) for slot in (inp.slot, inp.shadow)]
        for what, link in links:
            if isinstance(link, str) and link not in blocks:
                _fail(
                    f"{where}: block {_q(block.id)}", f"{what} points at missing block {_q(link)}"
                )


def _check_acyclic(
    blocks: Mapping[str, Block], children: Callable[[Block], list[str]], where: str, links: str
) -> None:
    """Refuse a cycle, naming a block on it; iterative depth-first search, linear time."""
    on_path, done = 1, 2
    state: dict[str, int] = {}
    for root in blocks:
        if root in state:
            continue
        state[root] = on_path
        stack = [(root, iter(children(blocks[root])))]
        while stack:
            block_id, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                state[block_id] = done
                stack.pop()
            elif state.get(child) == on_path:
                _fail(f"{where}: block {_q(child)}", f"is on a cycle of {links}")
            elif child not in state:
                state[child] = on_path
                stack.append((child, iter(children(blocks[child]))))


# ## Project → JSON


def project_to_json(project: Project) -> dict[str, Any]:
    """The project.json document scratch-vm would write for this project."""
    doc = {
        "targets": [_target_json(t) for t in project.targets],
        "monitors": list(project.monitors),
        "extensions": list(project.extensions),
        "meta": {
            **project.meta,
            **{k: v for k, v in _META_DEFAULTS.items() if k not in project.meta},
        },
    }
    return _plain(doc)


def _target_json(target: Target) -> dict[str, Any]:
    """One target in scratch-vm's key order; unmodelled keys follow from `extra`."""
    extra = target.extra
    obj: dict[str, Any] = {
        "isStage": target.is_stage,
        "name": target.name,
        "variables": {v.id: _variable_json(v) for v in target.variables.values()},
        "lists": {lst.id: [lst.name, list(lst.items)] for lst in target.lists.values()},
        "broadcasts": dict(target.broadcasts),
        "blocks": {b.id: _block_json(b) for b in target.blocks.values()},
    }
    obj.update({key: extra.get(key, default) for key, default in _COMMON_DEFAULTS.items()})
    if not obj["costumes"]:
        # Scratch refuses a target with no costume; give it the GUI's empty one.
        name = "backdrop1" if target.is_stage else "costume1"
        obj["costumes"] = [{**_EMPTY_COSTUME, "name": name}]
    obj["volume"] = extra.get("volume", 100)
    obj["layerOrder"] = target.layer_order
    defaults = _STAGE_DEFAULTS if target.is_stage else _SPRITE_DEFAULTS
    obj.update({key: extra.get(key, default) for key, default in defaults.items()})
    obj.update({k: v for k, v in extra.items() if k not in obj and k not in _MODELLED_TARGET_KEYS})
    return obj


def _variable_json(var: Variable) -> list[Any]:
    """[name, value], with a trailing true for a cloud variable."""
    return [var.name, var.value, True] if var.is_cloud else [var.name, var.value]


def _block_json(block: Block) -> dict[str, Any] | list[Any]:
    """One block object, or the array form for a plain loose variable/list reporter."""
    if _is_loose_reporter(block):
        kind, field_name = _LOOSE_KIND[block.opcode]
        field = block.fields[field_name]
        return [kind, field.value, field.ref_id, block.x or 0, block.y or 0]
    obj: dict[str, Any] = {
        "opcode": block.opcode,
        "next": block.next,  # scratch-vm misbehaves when `next` or `parent` is absent
        "parent": block.parent,
        "inputs": {name: _input_json(inp) for name, inp in block.inputs.items()},
        "fields": {name: [f.value, f.ref_id] for name, f in block.fields.items()},
        "shadow": block.shadow,
        "topLevel": block.top_level,
    }
    if block.top_level:
        obj["x"], obj["y"] = block.x or 0, block.y or 0
    if block.mutation is not None:
        obj["mutation"] = block.mutation
    if block.comment is not None:
        obj["comment"] = block.comment
    return obj


def _is_loose_reporter(block: Block) -> bool:
    """Whether the array form says everything about this block."""
    if block.opcode not in _LOOSE_KIND or not block.top_level or block.shadow:
        return False
    field = block.fields.get(_LOOSE_KIND[block.opcode][1])
    if field is None or len(block.fields) != 1 or not isinstance(field.ref_id, str):
        return False
    attached = block.next or block.parent or block.inputs
    return not attached and block.mutation is None and block.comment is None


def _input_json(inp: Input) -> list[Any]:
    """[kind, X] or [3, X, Y]."""
    if inp.kind == INPUT_OBSCURED:
        return [inp.kind, _slot_json(inp.slot), _slot_json(inp.shadow)]
    return [inp.kind, _slot_json(inp.slot)]


def _slot_json(slot: Slot) -> str | list[Any] | None:
    """A block id, a compact primitive array, or null."""
    if not isinstance(slot, Primitive):
        return slot
    if slot.kind in LITERAL_KINDS:
        return [slot.kind, slot.value]
    return [slot.kind, slot.value, slot.ref_id]


def _plain(obj: Any) -> Any:
    """A JSON-ready deep copy: tuples become arrays, numbers are written as JS writes them."""
    if obj is None or isinstance(obj, str | bool):
        return obj
    if isinstance(obj, int | float):
        return _js_number(obj)
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    raise EmulatorError(f"cannot write a {type(obj).__name__} to project.json")


def _js_number(x: int | float) -> int | float:
    """NaN and ±Infinity as 0 (as Scratch saves them), integral doubles as JSON integers."""
    if isinstance(x, int):
        return x
    if not math.isfinite(x):
        return 0
    # JS prints integral doubles below 1e21 without a fraction; -0 prints as 0.
    return int(x) if x.is_integer() and abs(x) < 1e21 else x


# ## Writing files


def save_sb3(project: Project, path: str | Path, assets: Mapping[str, bytes] | None = None) -> None:
    """Write an .sb3 atomically: project.json plus each costume/sound file we have or can make."""
    doc = project_to_json(project)
    text = json.dumps(doc, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    members = {"project.json": text.encode("ascii"), **_asset_members(doc, assets or {})}
    try:
        with replacing(path) as f:
            _write_zip(f, members)
    except OSError as e:
        _fail(_one_line(str(path)), f"cannot write the file ({_one_line(str(e.strerror))})")


def _asset_members(doc: Mapping[str, Any], assets: Mapping[str, bytes]) -> dict[str, bytes]:
    """The asset files the targets refer to: given bytes, or the empty SVG we can make ourselves."""
    members: dict[str, bytes] = {}
    for target in doc["targets"]:
        for entry in [*target["costumes"], *target["sounds"]]:
            name = _md5ext(entry)
            if name is None or name in members:
                continue
            if name in assets:
                members[name] = assets[name]
            elif name == f"{EMPTY_SVG_MD5}.svg":
                members[name] = EMPTY_SVG
    return members


def _md5ext(entry: object) -> str | None:
    """A costume/sound's file name, if it is a plain `<md5>.<ext>` (never a path)."""
    if not isinstance(entry, Mapping):
        return None
    name = entry.get("md5ext")
    if name is None:
        name = f"{entry.get('assetId')}.{entry.get('dataFormat')}"
    return name if isinstance(name, str) and _ASSET_NAME.fullmatch(name) else None


def _write_zip(f: IO[bytes], members: Mapping[str, bytes]) -> None:
    """A deflated zip with fixed timestamps, so the same project gives the same bytes."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
