"""project.json (sb3) ⇄ Project: the only module that knows Scratch's JSON shape."""

from __future__ import annotations

import json
import math
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from itertools import accumulate
from pathlib import Path
from typing import IO, Any, NoReturn

from emulator.errors import EmulatorError, InputFileError
from emulator.files import replacing
from emulator.opcodes import STACK_INPUTS, Opcode
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
from emulator.values import LIST_ITEM_LIMIT, Value, as_double


def _limit(variable: str, default: int) -> int:
    """A limit from the environment variable, if it holds a whole number above 0, else the default."""
    raw = os.environ.get(variable, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) > 0 else default


# Limits on what a project file may make us read, build or recurse into: each is far above what the
# editor writes, and each refusal is a one-line InputFileError. The byte limits can be changed
# with the environment variable named beside them.
MAX_FILE_BYTES = _limit("SCRATCH_EMU_MAX_FILE_BYTES", 512 * 1024 * 1024)  # an .sb3 itself
MAX_MEMBER_BYTES = _limit(
    "SCRATCH_EMU_MAX_MEMBER_BYTES", 256 * 1024 * 1024
)  # project.json (bare or zipped), and each asset
MAX_TOTAL_BYTES = _limit("SCRATCH_EMU_MAX_TOTAL_BYTES", 1024 * 1024 * 1024)  # all assets together
MAX_ZIP_MEMBERS = 100_000  # files in an .sb3: one project.json and its costumes and sounds
MAX_JSON_DEPTH = 100  # arrays and objects inside each other; the editor writes 8 at most
MAX_TARGETS = 10_000  # the stage and its sprites
MAX_BLOCKS = 1_000_000  # blocks of all targets together
MAX_DECLARATIONS = 1_000_000  # variables, lists and broadcasts of all targets together
MAX_LIST_ITEMS = LIST_ITEM_LIMIT  # items of one list: the VM's own limit, 200,000
MAX_NESTING = 10_000  # reporters inside reporters; the VM itself overflows its stack at 2,000-3,000
MAX_UNFOLDED = 1_000_000  # blocks a script's inputs unfold to when a block is used in two places
MAX_ARGUMENTS = 1_000  # arguments of one custom block

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
    with _open_file(path, origin) as f:
        if _is_zip(f, origin):
            with _open_zip(f, origin) as archive:
                member = _project_member(archive, origin)
                raw = _read_member(archive, member, origin)
                data = _parse_json(raw, f"{origin}: project.json")
        else:
            data = _parse_json(_read_bare(f, origin), origin)
    return project_from_json(data, name=path.stem, origin=origin)


def load_assets(path: str | Path) -> dict[str, bytes]:
    """Every asset file of an .sb3 by name (md5ext), to re-save it with save_sb3; {} for bare JSON."""
    path = Path(path)
    origin = _one_line(str(path))
    with _open_file(path, origin) as f:
        if not _is_zip(f, origin):
            return {}
        with _open_zip(f, origin) as archive:
            return _assets(archive, origin)


def _assets(archive: zipfile.ZipFile, origin: str) -> dict[str, bytes]:
    """The members beside project.json, refused before reading if their headers claim too much."""
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
    return {info.filename[len(folder) :]: _read_member(archive, info, origin) for info in members}


def _open_file(path: Path, origin: str) -> IO[bytes]:
    """The file opened for reading, refused unless it is a regular file.

    The open does not block, so a named pipe is refused rather than waited on; a device such as
    /dev/zero is refused rather than read without end.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        _fail(origin, "no such file")
    except IsADirectoryError:
        _fail(origin, "is a directory, not a project file")
    except OSError as e:
        _fail(origin, f"cannot read the file ({_one_line(str(e.strerror))})")
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return os.fdopen(fd, "rb")
    os.close(fd)
    if stat.S_ISDIR(mode):
        _fail(origin, "is a directory, not a project file")
    _fail(origin, "is not a regular file (a device, pipe or socket), so not a project file")


def _is_zip(f: IO[bytes], origin: str) -> bool:
    """Whether the file starts with a zip signature."""
    try:
        signature = f.read(2)
        f.seek(0)
    except OSError as e:
        _fail(origin, f"cannot read the file ({_one_line(str(e.strerror))})")
    return signature == b"PK"


def _read_bare(f: IO[bytes], origin: str) -> bytes:
    """The bytes of a file that should be project.json itself, refused past MAX_MEMBER_BYTES."""
    try:
        if os.fstat(f.fileno()).st_size > MAX_MEMBER_BYTES:
            _fail(origin, f"file is over the {MAX_MEMBER_BYTES}-byte limit")
        raw = f.read(MAX_MEMBER_BYTES + 1)  # the file may have grown since
    except OSError as e:
        _fail(origin, f"cannot read the file ({_one_line(str(e.strerror))})")
    if len(raw) > MAX_MEMBER_BYTES:
        _fail(origin, f"file is over the {MAX_MEMBER_BYTES}-byte limit")
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        _fail(origin, "neither an .sb3 (zip) nor a project.json (JSON)")
    return raw


def _open_zip(f: IO[bytes], origin: str) -> zipfile.ZipFile:
    """The file opened as a zip archive, once its size and its count of members are checked."""
    try:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_FILE_BYTES:
            _fail(origin, f"the .sb3 is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
        members = _zip_member_count(f)
        if members is not None and members > MAX_ZIP_MEMBERS:
            _fail(origin, f"the zip lists {members} files, over the limit of {MAX_ZIP_MEMBERS}")
        return zipfile.ZipFile(f)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as e:
        _fail(origin, f"not a valid .sb3 zip ({_one_line(str(e))})")


_END_OF_DIRECTORY = struct.Struct("<4s4H2LH")  # the zip's last record: counts and sizes
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # just before it in a zip64 file: where its own one is
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")


def _zip_member_count(f: IO[bytes]) -> int | None:
    """How many files the zip's directory lists (read before zipfile loads it), or None if unclear."""
    f.seek(0, os.SEEK_END)
    size = f.tell()
    tail_start = max(0, size - _END_OF_DIRECTORY.size - 65_535)  # the record ends with a comment
    f.seek(tail_start)
    tail = f.read()
    f.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END_OF_DIRECTORY.size:
        return None  # zipfile will say what is wrong
    count = _END_OF_DIRECTORY.unpack_from(tail, at)[4]
    if count != 0xFFFF or at < _ZIP64_LOCATOR.size:
        return int(count)
    signature, _, offset, _ = _ZIP64_LOCATOR.unpack_from(tail, at - _ZIP64_LOCATOR.size)
    if signature != b"PK\x06\x07" or offset > size - _ZIP64_END.size:
        return None
    f.seek(offset)
    record = f.read(_ZIP64_END.size)
    f.seek(0)
    return int(_ZIP64_END.unpack(record)[7]) if record[:4] == b"PK\x06\x06" else None


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
    """One zip member's bytes, refused before reading if its header claims too much.

    zipfile stops at the size the header gives, so a member cannot inflate past it.
    """
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


# ## Parsing JSON

_JSON_ESCAPE = re.compile(r"\\.", re.DOTALL)
_JSON_STRING = re.compile(r'"[^"]*"')  # once escapes are gone, a string ends at its next quote
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _parse_json(raw: bytes, where: str) -> Any:
    """The parsed JSON document, or an error that says where the syntax broke."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        _fail(where, f"not JSON: invalid UTF-8 at byte {e.start}")
    return parse_json_text(text, where)


def parse_json_text(text: str, where: str) -> Any:
    """Parse JSON as JavaScript's JSON.parse would accept it, within MAX_JSON_DEPTH.

    NaN and Infinity are not JSON, and a number too big for a double would be Infinity in
    JavaScript and a giant integer here, so all three are refused.
    """
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        _fail(
            where,
            f"invalid JSON: nested too deeply ({depth} levels, over the limit of {MAX_JSON_DEPTH})",
        )
    try:
        return json.loads(
            text,
            parse_constant=lambda name: _fail(where, f"invalid JSON: {name} is not a JSON number"),
            parse_int=lambda digits: _json_int(digits, where),
            parse_float=lambda digits: _json_float(digits, where),
        )
    except json.JSONDecodeError as e:
        _fail(where, f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}")
    except RecursionError:  # not reached within MAX_JSON_DEPTH; kept should the limit be raised
        _fail(where, "invalid JSON: nested too deeply")
    except ValueError as e:
        _fail(where, f"invalid JSON: {_one_line(str(e))}")


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (found without recursion, as json.loads has)."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", _JSON_ESCAPE.sub("", text)))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _json_int(digits: str, where: str) -> int:
    # A long literal is refused unread: Python's int() itself stops at 4,300 digits.
    value = int(digits) if len(digits) < 320 else None
    if value is None or not -_DOUBLE_BOUND < value < _DOUBLE_BOUND:
        _fail(where, f"invalid JSON: the number {_cut(digits, 20)} is too big for a double")
    return value


def _json_float(digits: str, where: str) -> float:
    value = float(digits)
    if math.isinf(value):
        _fail(where, f"invalid JSON: the number {_cut(digits, 20)} is too big for a double")
    return value


# Integers at least this big round to Infinity as doubles (2**1024 less half an ulp of the largest).
_DOUBLE_BOUND = 2**1024 - 2**970


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


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
    _check_counts(raw_targets, origin)
    targets = tuple(_target(raw, index, origin) for index, raw in enumerate(raw_targets))
    _check_one_stage_first(targets, origin)
    return Project(
        targets=targets,
        monitors=tuple(_list_of(data, "monitors", dict, "objects", origin)),
        extensions=tuple(_list_of(data, "extensions", str, "strings", origin)),
        meta=_copy(
            _object(data.get("meta", {"semver": "3.0.0"}), origin, "'meta'"), origin, "'meta'"
        ),
        name=name,
    )


def _check_counts(raw_targets: list[Any], origin: str) -> None:
    """Refuse more targets, blocks or declarations than MAX_TARGETS, MAX_BLOCKS, MAX_DECLARATIONS."""
    if len(raw_targets) > MAX_TARGETS:
        _fail(origin, f"{len(raw_targets)} targets, over the limit of {MAX_TARGETS}")
    counts = {"blocks": 0, "declarations": 0}
    for raw in raw_targets:
        if not isinstance(raw, dict):
            continue  # _target says what is wrong
        for key in ("blocks", "variables", "lists", "broadcasts"):
            entries = raw.get(key)
            if isinstance(entries, dict):
                counts["blocks" if key == "blocks" else "declarations"] += len(entries)
    for what, limit in (("blocks", MAX_BLOCKS), ("declarations", MAX_DECLARATIONS)):
        if counts[what] > limit:
            noun = "blocks" if what == "blocks" else "variables, lists and broadcasts"
            _fail(origin, f"{counts[what]} {noun}, over the limit of {limit}")


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
    return _copy(raw, origin, repr(key))


def _copy(raw: Any, where: str, what: str) -> Any:
    """A deep copy of JSON data, refused if nested past MAX_JSON_DEPTH; made without recursion."""
    if not isinstance(raw, dict | list):
        return raw
    top: dict[Any, Any] | list[Any] = {} if isinstance(raw, dict) else []
    todo = [(raw, top, 1)]
    while todo:
        source, copied, depth = todo.pop()
        if depth > MAX_JSON_DEPTH:
            _fail(where, f"{what} is nested too deeply (over the limit of {MAX_JSON_DEPTH} levels)")
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, value in items:
            if isinstance(value, dict | list):
                inner: dict[Any, Any] | list[Any] = {} if isinstance(value, dict) else []
                todo.append((value, inner, depth + 1))
                value = inner
            if isinstance(copied, dict):
                copied[key] = value
            else:
                copied.append(value)
    return top


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
    try:
        text = _one_line(json.dumps(raw, ensure_ascii=False, default=str))
    except (RecursionError, ValueError):  # nested too deeply to show
        return ""
    return _cut(text, 60)


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
    return as_double(raw)


def _value(raw: object, where: str, what: str) -> Value:
    """A Scratch value: strings and booleans kept, every number a float, null as None."""
    if raw is None or isinstance(raw, str | bool):
        return raw
    if isinstance(raw, int | float):
        return as_double(raw)
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
        extra={
            k: _copy(v, where, repr(k)) for k, v in obj.items() if k not in _MODELLED_TARGET_KEYS
        },
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
        if len(items) > MAX_LIST_ITEMS:
            _fail(here, f"{len(items)} items, over the limit of {MAX_LIST_ITEMS}")
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
    _check_acyclic(
        blocks, lambda b: [b.parent] if b.parent in blocks else [], where, "parent links"
    )
    _check_nesting(blocks, where)
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
    """A block's mutation, kept verbatim (procedure strings stay JSON-encoded strings), checked."""
    if raw is None:
        return None
    mutation: dict[str, Any] = _copy(_object(raw, where, "'mutation'"), where, "'mutation'")
    procedure_arguments(mutation, where)
    return mutation


def procedure_arguments(
    mutation: Mapping[str, Any], where: str
) -> tuple[list[str], list[str], list[Value]]:
    """A custom block's argument names, ids and defaults: JSON arrays its mutation holds as strings.

    An absent key gives []. InputFileError naming `where` if one is not a string holding an array
    of the right items (names and ids: strings; defaults: strings, numbers, booleans or null), or
    if a prototype has not as many names as ids.
    """
    names = _argument_array(mutation, "argumentnames", where)
    ids = _argument_array(mutation, "argumentids", where)
    defaults = _argument_array(mutation, "argumentdefaults", where)
    if "argumentnames" in mutation and "argumentids" in mutation and len(names) != len(ids):
        _fail(where, f"the mutation has {len(names)} argument names for {len(ids)} argument ids")
    return names, ids, defaults


_ARGUMENT_ITEMS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "argumentnames": (str, "strings"),
    "argumentids": (str, "strings"),
    "argumentdefaults": ((str, int, float, type(None)), "strings, numbers, booleans or null"),
}


def _argument_array(mutation: Mapping[str, Any], key: str, where: str) -> list[Any]:
    if key not in mutation:
        return []
    what = f"the mutation's {key!r}"
    text = mutation[key]
    if not isinstance(text, str):
        _fail(where, f"{what} must be a string holding a JSON array, not {_json_type(text)}")
    items = parse_json_text(text, f"{where}: {what}")
    kinds, noun = _ARGUMENT_ITEMS[key]
    if not isinstance(items, list) or not all(isinstance(item, kinds) for item in items):
        _fail(where, f"{what} must hold a JSON array of {noun}, not {_brief(items)}")
    if len(items) > MAX_ARGUMENTS:
        _fail(where, f"{what} has {len(items)} arguments, over the limit of {MAX_ARGUMENTS}")
    return items


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
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if not isinstance(raw, float) or not raw.is_integer():
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
    """Every next and input id must name a block of the same target.

    A 'parent' may name a missing block: the VM loads such a project (public ones have them) and
    runs nothing through a parent link.
    """
    for block in blocks.values():
        links: list[tuple[str, Slot]] = [("'next'", block.next)]
        for name, inp in block.inputs.items():
            links += [(f"input {_q(name)}", slot) for slot in (inp.slot, inp.shadow)]
        for what, link in links:
            if isinstance(link, str) and link not in blocks:
                _fail(
                    f"{where}: block {_q(block.id)}", f"{what} points at missing block {_q(link)}"
                )


def _check_nesting(blocks: Mapping[str, Block], where: str) -> None:
    """Refuse reporters nested past MAX_NESTING, or inputs that unfold past MAX_UNFOLDED blocks.

    A block used as an input in two places is run in both, so a chain of such blocks doubles the
    work at each link; the unfolded count is what a run would evaluate. Acyclic links assumed.
    """
    depth: dict[str, int] = {}  # reporters nested in a block's value inputs, itself included
    size: dict[str, int] = {}  # blocks in its inputs, counted once per use, itself included
    for root in blocks:
        todo = [root]
        while todo:
            block_id = todo[-1]
            if block_id in depth:
                todo.pop()
                continue
            inputs = [(name, inp.slot) for name, inp in blocks[block_id].inputs.items()]
            waiting = [s for _, s in inputs if isinstance(s, str) and s not in depth]
            if waiting:
                todo.extend(waiting)
                continue
            todo.pop()
            nested = [depth[s] for n, s in inputs if isinstance(s, str) and n not in STACK_INPUTS]
            depth[block_id] = 1 + max(nested, default=0)
            unfolded = 1 + sum(size[s] for _, s in inputs if isinstance(s, str))
            size[block_id] = min(unfolded, MAX_UNFOLDED + 1)
            if depth[block_id] > MAX_NESTING:
                _fail(
                    f"{where}: block {_q(block_id)}",
                    f"has reporters nested over {MAX_NESTING} deep",
                )
            if size[block_id] > MAX_UNFOLDED:
                _fail(
                    f"{where}: block {_q(block_id)}",
                    f"has inputs that unfold to over {MAX_UNFOLDED} blocks "
                    "(blocks used as inputs in more than one place)",
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


def save_sb3(
    project: Project, path: str | Path, assets: Mapping[str, bytes] | None = None
) -> list[str]:
    """Write an .sb3 atomically: project.json plus each costume/sound file we have or can make.

    Returns the asset files the project names that were neither given nor ours to make.
    """
    doc = project_to_json(project)
    text = json.dumps(doc, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    members, missing = _asset_members(doc, assets or {})
    try:
        with replacing(path) as f:
            _write_zip(f, {"project.json": text.encode("ascii"), **members})
    except OSError as e:
        _fail(_one_line(str(path)), f"cannot write the file ({_one_line(str(e.strerror))})")
    return missing


def _asset_members(
    doc: Mapping[str, Any], assets: Mapping[str, bytes]
) -> tuple[dict[str, bytes], list[str]]:
    """The asset files the targets refer to (given bytes, or the empty SVG we can make ourselves),
    and the names of those we have not got."""
    members: dict[str, bytes] = {}
    missing: list[str] = []
    for target in doc["targets"]:
        for entry in [*target["costumes"], *target["sounds"]]:
            name = _md5ext(entry)
            if name is None or name in members or name in missing:
                continue
            if name in assets:
                members[name] = assets[name]
            elif name == f"{EMPTY_SVG_MD5}.svg":
                members[name] = EMPTY_SVG
            else:
                missing.append(name)
    return members, missing


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
