"""Hostile input: one clear line and status 2 for a project that cannot be used; never a traceback, never a hang.

The property at the end throws generated hostile project.json at the loader, the linker, a bounded
run, the debugger's explain, and a recorded trace of the run read back, printed and diffed. The suite runs a few of them; a long campaign by hand:
``SCRATCH_HOSTILE_EXAMPLES=20000 python -m pytest tests/test_sb3_hostile.py -k property -s``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import struct
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from emulator import sb3
from emulator.cli import main
from emulator.debug.explain import explain
from emulator.debug.session import DebugSession
from emulator.errors import InputFileError, ProgramError
from emulator.project import Project
from emulator.runtime import linker
from emulator.runtime.linker import UnsupportedBlock
from emulator.runtime.runtime import Runtime
from emulator.sb3 import json_depth, load_assets, load_project, project_from_json, project_to_json
from emulator.trace import render
from emulator.trace.diff import diff
from emulator.trace.recorder import record_run
from emulator.trace.replay import Trace
from emulator.value_text import safe_text
from tests import strategies
from tests.oracle import run_in_vm, vm_unavailable_reason
from tests.test_sb3 import block, document, stage, write_json, write_zip

EXAMPLES = int(os.environ.get("SCRATCH_HOSTILE_EXAMPLES", "30"))
MAX_BLOCKS = 3_000  # blocks (and frames) a generated project may run before the run is stopped
SECONDS = 60  # an example that takes longer has hung


def refused(path: Path) -> str:
    """The one-line message load_project gives for this file; it names the file."""
    with pytest.raises(InputFileError) as caught:
        load_project(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    return message


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(status, stdout, stderr) of the command run in-process."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def one_line(err: str) -> str:
    """stderr, checked to be one line with no traceback."""
    assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err, err
    return err


def says(doc: dict[str, Any]) -> list[object]:
    """What a project says when its flag is clicked and it runs to the end."""
    runtime = Runtime(project_from_json(doc))
    runtime.green_flag()
    runtime.run(max_blocks=10**7)
    return [s.text for s in runtime.says]


def at_python_depth(frames: int, run: Callable[[], object]) -> object:
    """run() called from `frames` Python frames deeper than here, as under a deep caller."""
    if frames == 0:
        return run()
    return at_python_depth(frames - 1, run)


# ## Numbers JSON can write that a double cannot hold


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("1" + "0" * 400, "too big for a double"),
        ("-1" + "0" * 400, "too big for a double"),
        ("1" + "0" * 5000, "too big for a double"),  # past Python's own 4,300-digit int limit
        ("1e400", "too big for a double"),
        ("NaN", "NaN is not a JSON number"),
        ("Infinity", "Infinity is not a JSON number"),
        ("-Infinity", "-Infinity is not a JSON number"),
    ],
)
def test_numbers_a_double_cannot_hold_are_refused(
    number: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A literal, a layer order or a meta value that is no double is refused by name, not an OverflowError."""
    for where in ("literal", "layerOrder", "meta"):
        doc = document(stage({"a": block("looks_say", inputs={"MESSAGE": [1, [10, "X"]]})}))
        target = doc["targets"][0]
        if where == "layerOrder":
            target["layerOrder"] = "X"
        elif where == "meta":
            doc["meta"] = {**doc["meta"], "n": "X"}
        path = tmp_path / f"{where}.json"
        path.write_text(json.dumps(doc).replace('"X"', number))
        assert words in refused(path)
        status, _, err = cli(capsys, "run", str(path))
        assert status == 2 and words in one_line(err)


def test_numbers_too_big_for_a_double_in_a_parsed_document_become_infinity() -> None:
    """Given already parsed (no text to refuse), a giant integer is Infinity, as JSON.parse makes it."""
    doc = document(stage({"a": block("looks_say", inputs={"MESSAGE": [1, [10, 10**400]]})}))
    doc["targets"][0]["layerOrder"] = 0
    loaded = project_from_json(doc)
    assert loaded.stage.blocks["a"].inputs["MESSAGE"].slot.value == float("inf")  # type: ignore[union-attr]
    doc["targets"][0]["blocks"]["a"]["inputs"]["MESSAGE"] = [1, [10**400, "x"]]
    with pytest.raises(InputFileError, match="malformed primitive"):
        project_from_json(doc)


def test_a_targets_numbers_too_big_for_a_double_run_as_infinity() -> None:
    """x, size, direction or volume given as a giant integer (found by the campaign) load as the
    ±Infinity JSON.parse makes of them, and the run goes on."""
    doc = document(stage({}))
    doc["targets"][0].update(x=10**400, size=-(10**400), direction=10**400, volume=10**400)
    runtime = Runtime(project_from_json(doc))
    runtime.green_flag()
    runtime.run()
    stage_target = runtime.stage
    assert stage_target.x == float("inf") and stage_target.size == float("-inf")


# ## Custom blocks' mutations


def procedure_doc(**mutation: Any) -> dict[str, Any]:
    """A stage whose flag script calls custom block `f %s`, whose prototype has this mutation."""
    proto_mutation = {
        "tagName": "mutation",
        "children": [],
        "proccode": "f %s",
        "argumentids": '["i"]',
        "argumentnames": '["a"]',
        "argumentdefaults": '[""]',
        "warp": "false",
        **mutation,
    }
    call_mutation = {"tagName": "mutation", "children": [], "proccode": "f %s", "warp": "false"}
    return document(
        stage(
            {
                "d": block(
                    "procedures_definition", topLevel=True, inputs={"custom_block": [1, "p"]}
                ),
                "p": block(
                    "procedures_prototype", parent="d", shadow=True, mutation=proto_mutation
                ),
                "h": block("event_whenflagclicked", topLevel=True, next="c"),
                "c": block("procedures_call", parent="h", mutation=call_mutation),
            }
        )
    )


MUTATION_ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "names a number": ({"argumentnames": "5"}, "'argumentnames' must hold a JSON array of strings"),
    "ids an object": ({"argumentids": '{"x": 1}'}, "'argumentids' must hold a JSON array"),
    "a default an object": ({"argumentdefaults": "[{}]"}, "strings, numbers, booleans or null"),
    "a default an array": ({"argumentdefaults": "[[1]]"}, "'argumentdefaults' must hold"),
    "a name a number": ({"argumentnames": "[1]"}, "of strings, not [1]"),
    "names not in a string": ({"argumentnames": ["a"]}, "must be a string holding a JSON array"),
    "names null": ({"argumentnames": None}, "must be a string holding a JSON array, not null"),
    "names not JSON": ({"argumentnames": "[a"}, "'argumentnames': invalid JSON at line 1"),
    "fewer names than ids": ({"argumentnames": "[]"}, "0 argument names for 1 argument ids"),
    "NaN in the defaults": ({"argumentdefaults": "[NaN]"}, "NaN is not a JSON number"),
    "a giant default": ({"argumentdefaults": "[1e999]"}, "too big for a double"),
    "deep JSON in a string": ({"argumentnames": "[" * 500 + "]" * 500}, "nested too deeply"),
    "too many arguments": ({"argumentdefaults": json.dumps([""] * 1001)}, "over the limit of 1000"),
}


@pytest.mark.parametrize(
    ("mutation", "words"), MUTATION_ERRORS.values(), ids=MUTATION_ERRORS.keys()
)
def test_bad_mutations_are_refused_when_loaded(
    mutation: dict[str, Any], words: str, tmp_path: Path
) -> None:
    """The JSON inside a mutation's strings is checked at load: one line naming the file and block."""
    message = refused(write_json(tmp_path / "p.json", procedure_doc(**mutation)))
    assert "block 'p'" in message and words in message


@pytest.mark.parametrize(
    ("mutation", "words"), MUTATION_ERRORS.values(), ids=MUTATION_ERRORS.keys()
)
def test_bad_mutations_are_a_program_error_when_linked(
    mutation: dict[str, Any], words: str
) -> None:
    """A project built in memory, never checked by the loader, gets the same words from the linker."""
    project = project_from_json(procedure_doc())
    proto = project.stage.blocks["p"]
    bad = replace(proto, mutation={**(proto.mutation or {}), **mutation})
    project = project.with_target(replace(project.stage, blocks={**project.stage.blocks, "p": bad}))
    with pytest.raises(ProgramError, match="custom block 'p'") as caught:
        Runtime(project)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_good_mutations_still_load_and_run() -> None:
    """Numbers, booleans and null are defaults the VM accepts; a missing key is an empty list."""
    doc = procedure_doc(argumentdefaults='[1, true, null, "x"]')
    assert says(doc) == []
    doc = procedure_doc()
    del doc["targets"][0]["blocks"]["p"]["mutation"]["argumentdefaults"]
    assert says(doc) == []


# ## Nesting: JSON, blocks in blocks, and the Python stack


def test_deep_json_is_refused_from_a_file(tmp_path: Path) -> None:
    """JSON nested past MAX_JSON_DEPTH (100; the editor writes 8) is refused before it is parsed."""
    doc = json.dumps(document(stage())).replace(
        '"meta": {', '"meta": {"deep": ' + "[" * 500 + "]" * 500 + ", "
    )
    (tmp_path / "meta.json").write_text(doc)
    assert "nested too deeply (502 levels, over the limit of 100)" in refused(
        tmp_path / "meta.json"
    )
    ok = json.dumps(document(stage())).replace(
        '"meta": {', '"meta": {"deep": ' + "[" * 90 + "]" * 90 + ", "
    )
    (tmp_path / "ok.json").write_text(ok)
    assert load_project(tmp_path / "ok.json").meta["deep"] is not None


@pytest.mark.parametrize("where", ["meta", "mutation", "monitors", "target key"])
def test_deep_json_is_refused_from_a_parsed_document(where: str) -> None:
    """Data nested 500 deep, where it is kept verbatim, is refused instead of crashing a deep copy."""
    deep: Any = []
    for _ in range(500):
        deep = [deep]
    doc = procedure_doc()
    if where == "meta":
        doc["meta"] = {**doc["meta"], "deep": deep}
    elif where == "mutation":
        doc["targets"][0]["blocks"]["p"]["mutation"]["children"] = deep
    elif where == "monitors":
        doc["monitors"] = [{"deep": deep}]
    else:
        doc["targets"][0]["tempo"] = deep
    with pytest.raises(InputFileError, match="nested too deeply"):
        project_from_json(doc)


def test_json_depth_needs_no_recursion() -> None:
    """The depth of a million nested brackets is counted, not recursed into; brackets in strings do not count."""
    assert json_depth("[" * 10**6) == 10**6
    assert json_depth('[{"a": "[[[\\"[{"}, [[]]]') == 3


def join_chain(depth: int) -> dict[str, Any]:
    """A project that says `depth` joins nested in one another."""
    return {
        "targets": [{"isStage": True, "name": "Stage", "blocks": strategies._chain_of_joins(depth)}]
    }


def join_chain_text(depth: int) -> str:
    """What join_chain(depth) says: its letters, then z."""
    return "".join(chr(97 + i % 26) for i in range(depth)) + "z"


def nested_ifs(depth: int) -> dict[str, Any]:
    """A project with `depth` ifs nested in one another, all true, saying "deep" in the last."""
    blocks = strategies._nested_ifs(depth)
    blocks["deep"] = {"opcode": "looks_say", "inputs": {"MESSAGE": [1, [10, "deep"]]}}
    blocks[f"i{depth - 1}"]["inputs"]["SUBSTACK"] = [2, "deep"]
    return {"targets": [{"isStage": True, "name": "Stage", "blocks": blocks}]}


def test_a_200_deep_join_chain_says_what_the_vm_says() -> None:
    """The VM runs a join chain 200 deep; so does the emulator, from a caller already 850 frames deep."""
    expected = join_chain_text(200)
    assert says(join_chain(200)) == [expected]
    assert at_python_depth(850, lambda: says(join_chain(200))) == [expected]


@pytest.mark.oracle
@pytest.mark.parametrize("depth", [200, 1000])
def test_deep_join_chains_say_what_the_vm_says(depth: int) -> None:
    """Opt-in (pytest -m oracle): the official VM says the same for join chains 200 and 1,000 deep."""
    reason = vm_unavailable_reason()
    if reason:
        pytest.skip(reason)
    [result] = run_in_vm([project_to_json(project_from_json(join_chain(depth)))])
    assert result["ok"], result.get("error")
    assert [say["text"] for say in result["state"]["says"]] == says(join_chain(depth))


@pytest.mark.parametrize(
    ("shape", "depth"), [("joins", 1000), ("joins", 3000), ("ifs", 1000), ("ifs", 10_000)]
)
def test_deep_scripts_link_and_run(shape: str, depth: int) -> None:
    """Linking keeps its own stack and a deep input gets the Python stack it needs: deeper than the VM runs."""
    if shape == "joins":
        assert says(join_chain(depth)) == [join_chain_text(depth)]
    else:
        assert says(nested_ifs(depth)) == ["deep"]
    limit = sys.getrecursionlimit()
    says(join_chain(500))
    assert sys.getrecursionlimit() == limit


def test_reporters_nested_past_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_NESTING (10,000; the VM overflows at 2,000 to 3,000) the loader names the outermost reporter."""
    monkeypatch.setattr(sb3, "MAX_NESTING", 50)
    assert says(join_chain(49)) == [join_chain_text(49)]  # with the say block, 50 deep
    with pytest.raises(InputFileError, match=r"block 'j0': has reporters nested over 50 deep"):
        project_from_json(join_chain(51))


def test_shared_inputs_that_unfold_too_far_are_refused() -> None:
    """A block used as two inputs is run twice; thirty such links would run a billion blocks, so are refused."""
    blocks: dict[str, Any] = {
        "hat": block("event_whenflagclicked", topLevel=True, next="say"),
        "say": block("looks_say", parent="hat", inputs={"MESSAGE": [3, "j0", [10, ""]]}),
    }
    for i in range(30):
        inner = [3, f"j{i + 1}", [10, ""]] if i < 29 else [1, [10, "x"]]
        blocks[f"j{i}"] = block("operator_join", inputs={"STRING1": inner, "STRING2": inner})
    with pytest.raises(InputFileError, match="unfold to over 1000000 blocks"):
        project_from_json(document(stage(blocks)))
    # One shared block is no threat: it is linked once and run twice, and, as in the VM, only the
    # input built last receives its value (the golden project_json.shared_reporter_in_one_statement).
    blocks["j1"]["inputs"] = {"STRING1": [1, [10, "x"]], "STRING2": [1, [10, ""]]}
    assert says(
        document(stage({k: v for k, v in blocks.items() if k[1:] in ("at", "ay", "0", "1")}))
    ) == ["undefinedx"]


def test_an_input_cycle_in_a_project_built_in_memory_is_a_program_error() -> None:
    """The loader refuses cycles; a Project made in memory with one gets a ProgramError from the linker."""
    project = project_from_json(join_chain(3))
    j2 = project.stage.blocks["j2"]
    looped = replace(j2, inputs={**j2.inputs, "STRING2": replace(j2.inputs["STRING2"], slot="j0")})
    project = project.with_target(
        replace(project.stage, blocks={**project.stage.blocks, "j2": looped})
    )
    with pytest.raises(ProgramError, match="cycle of input links"):
        Runtime(project)


# ## Linking in linear time


def test_ten_thousand_calls_link_with_one_lookup_of_their_prototype(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each target's blocks are ordered once and each prototype parsed once, however many calls it has."""
    n = 10_000
    doc = procedure_doc()
    blocks = doc["targets"][0]["blocks"]
    call = blocks.pop("c")
    blocks["h"]["next"] = "c0"
    for i in range(n):
        blocks[f"c{i}"] = {**call, "parent": None, "next": f"c{i + 1}" if i + 1 < n else None}
    project = project_from_json(doc)
    counts = {"ordered": 0, "parsed": 0}

    def counted(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            counts[name] += 1
            return fn(*args)

        return wrapper

    monkeypatch.setattr(linker, "js_key_order", counted("ordered", linker.js_key_order))
    monkeypatch.setattr(linker, "_parse_prototype", counted("parsed", linker._parse_prototype))
    runtime = Runtime(project)
    assert counts == {"ordered": 1, "parsed": 1}
    runtime.green_flag()
    runtime.run(max_blocks=10**6)
    assert runtime.blocks > n


# ## Files that are not files


def test_devices_and_pipes_are_refused_not_read(tmp_path: Path) -> None:
    """/dev/zero would be read until memory ran out, and a pipe waited on for ever: both are refused."""
    if Path("/dev/zero").exists():
        assert "not a regular file" in refused(Path("/dev/zero"))
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.sb3")
        assert "not a regular file" in refused(tmp_path / "pipe.sb3")
        assert "not a regular file" in refused(tmp_path / "pipe.sb3")


def test_a_path_in_an_unreadable_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PermissionError on the user's path is one line naming it and status 2.

    Path.exists() raises it for a path in a folder the user may not search (the lookup of a target
    with no .sb3 or .json suffix calls it); simulated, since the tests may run as root.
    """
    path = tmp_path / "closed" / "project"

    def denied(self: Path, *args: Any, **kwargs: Any) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "exists", denied)
    status, _, err = cli(capsys, "run", str(path))
    assert status == 2 and f"{path}: Permission denied" in one_line(err)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any folder")
def test_a_real_unreadable_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same with a folder whose permissions really shut the user out."""
    folder = tmp_path / "closed"
    folder.mkdir()
    write_json(folder / "p.json", document(stage()))
    folder.chmod(0)
    try:
        status, _, err = cli(capsys, "run", str(folder / "p.json"))
    finally:
        folder.chmod(0o755)
    assert status == 2 and "p.json" in one_line(err)


# ## Sizes


def test_byte_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A byte limit is the named variable when it holds a positive whole number, else the default."""
    for raw, expected in [("1000", 1000), ("", 7), ("-5", 7), ("1e9", 7), ("0", 7), ("٣", 7)]:
        monkeypatch.setenv("SCRATCH_EMU_TEST_LIMIT", raw)
        assert sb3._limit("SCRATCH_EMU_TEST_LIMIT", 7) == expected
    assert sb3.MAX_FILE_BYTES == 512 * 1024 * 1024 or "SCRATCH_EMU_MAX_FILE_BYTES" in os.environ


def test_an_sb3_over_the_file_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The .sb3 itself is refused past MAX_FILE_BYTES, before its directory is read."""
    path = write_zip(tmp_path / "big.sb3", {"project.json": json.dumps(document(stage())).encode()})
    monkeypatch.setattr(sb3, "MAX_FILE_BYTES", 100)
    assert "over the 100-byte limit" in refused(path)


def test_a_zip_listing_too_many_files_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count of members is read from the zip's last record, before zipfile builds an entry for each."""
    members = {"project.json": json.dumps(document(stage())).encode()}
    members.update({f"{i:032x}.svg": b"<svg/>" for i in range(5)})
    path = write_zip(tmp_path / "many.sb3", members)
    monkeypatch.setattr(sb3, "MAX_ZIP_MEMBERS", 5)
    assert "the zip lists 6 files, over the limit of 5" in refused(path)
    monkeypatch.setattr(sb3, "MAX_ZIP_MEMBERS", 6)
    assert len(load_assets(path)) == 5


def test_a_member_that_inflates_past_its_header_is_cut_short(tmp_path: Path) -> None:
    """zipfile stops at the size a header gives, so a member that lies about it is refused, not inflated."""
    path = write_zip(tmp_path / "bomb.sb3", {"project.json": b"{" + b" " * 100_000 + b"}"})
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = raw.index(signature)
        raw[at + offset : at + offset + 4] = struct.pack("<I", 10)  # uncompressed size
    path.write_bytes(bytes(raw))
    assert "cannot be read" in refused(path)


COUNT_LIMITS = {
    "targets": (
        "MAX_TARGETS",
        lambda: document(
            stage(), *[{**stage(), "isStage": False, "name": f"s{i}"} for i in range(3)]
        ),
        "4 targets, over the limit of 3",
    ),
    "blocks": ("MAX_BLOCKS", lambda: join_chain(5), "7 blocks, over the limit of 3"),
    "declarations": (
        "MAX_DECLARATIONS",
        lambda: document(stage(variables={f"v{i}": ["v", 0] for i in range(4)})),
        "4 variables, lists and broadcasts, over the limit of 3",
    ),
}


@pytest.mark.parametrize("case", sorted(COUNT_LIMITS))
def test_counts_past_their_limits_are_refused(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Too many targets, blocks, or variables, lists and broadcasts: refused by count, before building."""
    name, make, words = COUNT_LIMITS[case]
    monkeypatch.setattr(sb3, name, 3)
    with pytest.raises(InputFileError, match=words):
        project_from_json(make())


def test_a_list_past_the_vm_limit_is_refused() -> None:
    """A list of more than 200,000 items (the VM's own limit) is refused by name; 200,000 load."""
    doc = document(stage(lists={"l": ["L", ["1"] * 200_000]}))
    assert len(project_from_json(doc).stage.lists["l"].items) == 200_000
    doc["targets"][0]["lists"]["l"][1].append("1")
    with pytest.raises(InputFileError, match="list 'l': 200001 items, over the limit of 200000"):
        project_from_json(doc)


# ## The command line


def _text_file(text: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        (folder / "p.json").write_text(text)
        return folder / "p.json"

    return make


def _doc_file(doc: Callable[[], dict[str, Any]]) -> Callable[[Path], Path]:
    return lambda folder: write_json(folder / "p.json", doc())


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "p.sb3")
    return folder / "p.sb3"


def _big_sb3(folder: Path) -> Path:
    return write_zip(folder / "p.sb3", {"project.json": b"{" + b" " * 2_000 + b"}"})


KNOWN_FAILURES: dict[str, Callable[[Path], Path]] = {
    "integer past a double": _text_file('{"targets": [], "meta": {"n": 1' + "0" * 400 + "}}"),
    "NaN literal": _text_file('{"targets": [], "meta": {"n": NaN}}'),
    "names not an array": _doc_file(lambda: procedure_doc(argumentnames="5")),
    "a default an object": _doc_file(lambda: procedure_doc(argumentdefaults="[{}]")),
    "meta 500 deep": _text_file('{"targets": [], "meta": ' + "[" * 500 + "]" * 500 + "}"),
    "mutation string 500 deep": _doc_file(lambda: procedure_doc(argumentids="[" * 500 + "]" * 500)),
    "reporters past the limit": _doc_file(lambda: join_chain(10_000)),
    "a named pipe": _fifo,
    "an sb3 over its limit": _big_sb3,
}


@pytest.mark.parametrize("case", sorted(KNOWN_FAILURES))
def test_each_known_failure_is_one_line_naming_the_file_and_status_2(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cases that used to end in a traceback, a crash or a hang: one line naming the file, status 2."""
    if case == "a named pipe" and not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    monkeypatch.setattr(sb3, "MAX_FILE_BYTES", 1_000)
    path = KNOWN_FAILURES[case](tmp_path)
    status, _, err = cli(capsys, "run", str(path))
    assert status == 2 and str(path) in one_line(err)


@pytest.mark.parametrize("command", ["run", "explain", "record"])
def test_an_endless_device_is_refused_by_every_command(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """/dev/zero as the project: one line naming it, status 2, nothing read and nothing written."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    argv = [command, "/dev/zero"] + (
        ["-o", str(tmp_path / "t.trace")] if command == "record" else []
    )
    with time_limit(SECONDS):
        status, _, err = cli(capsys, *argv)
    assert status == 2 and "/dev/zero" in one_line(err) and "not a regular file" in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("doc", "said"),
    [(join_chain(200), join_chain_text(200)), (nested_ifs(300), "deep")],
    ids=["200 nested reporters", "300 nested ifs"],
)
def test_deep_scripts_the_vm_runs_run_from_the_command_line(
    doc: dict[str, Any], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What used to end in a RecursionError while linking: status 0 and the VM's output."""
    status, out, err = cli(capsys, "run", str(write_json(tmp_path / "p.json", doc)))
    assert (status, err) == (0, "") and said in out


def test_a_lone_surrogate_is_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A string with a lone surrogate, valid JSON, is said as a backslash escape, not a UnicodeEncodeError."""
    doc = document(
        stage(
            {
                "h": block("event_whenflagclicked", topLevel=True, next="s"),
                "s": block("looks_say", parent="h", inputs={"MESSAGE": [1, [10, "a\ud800b"]]}),
            }
        )
    )
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc))  # ensure_ascii: the file holds "a\ud800b" as an escape
    status, out, err = cli(capsys, "run", str(path))
    assert (status, out, err) == (0, "a\\ud800b\n", "")


@pytest.mark.parametrize(
    ("said", "printed"),
    [
        ("\x1b[2Jcleared", "\\x1b[2Jcleared"),
        ("ok\nscratch-emu: forged", "ok\\nscratch-emu: forged"),
        ("\u202eevil", "\\u202eevil"),
    ],
)
def test_what_a_project_says_is_one_line_with_control_characters_shown_by_code(
    said: str, printed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bubble cannot clear the screen, reorder a line or print a line that looks like ours."""
    doc = document(
        stage(
            {
                "h": block("event_whenflagclicked", topLevel=True, next="s"),
                "s": block("looks_say", parent="h", inputs={"MESSAGE": [1, [10, said]]}),
            }
        )
    )
    status, out, err = cli(capsys, "run", str(write_json(tmp_path / "s.json", doc)))
    assert (status, out, err) == (0, printed + "\n", "")


@contextlib.contextmanager
def failing_runtime(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> Iterator[None]:
    """`run` fails with this exception where it builds the runtime."""

    def fail(*args: Any, **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr("emulator.cli.running.Runtime", fail)
    yield


def test_an_internal_error_is_one_line_and_status_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug of ours is named as one, on one line, asking for a report; the traceback only on request."""
    monkeypatch.delenv("SCRATCH_EMU_DEBUG", raising=False)
    with failing_runtime(monkeypatch, RuntimeError("boom\nsecond line")):
        status, _, err = cli(capsys, "run", "apple_orange")
        assert status == 3
        assert one_line(err) == (
            "scratch-emu: internal error: RuntimeError: boom\\nsecond line, please report\n"
        )
        status, _, err = cli(capsys, "--debug", "run", "apple_orange")
        assert status == 3 and "Traceback" in err and err.endswith("please report\n")
        monkeypatch.setenv("SCRATCH_EMU_DEBUG", "1")
        status, _, err = cli(capsys, "run", "apple_orange")
        assert status == 3 and "Traceback" in err


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            PermissionError(13, "Permission denied", "/x/p.sb3"),
            "error: /x/p.sb3: Permission denied",
        ),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "error: 'utf-8' codec"),
        (MemoryError(), "error: out of memory"),
        (ProgramError("\x1b[2J" + "y" * 10**6), "error: \\x1b[2Jyyy"),
    ],
)
def test_bad_input_errors_are_one_escaped_line_and_status_2(
    error: Exception, line: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """OSError on a path, UnicodeError, MemoryError and ProgramError: status 2, one line, escaped and cut."""
    with failing_runtime(monkeypatch, error):
        status, _, err = cli(capsys, "run", "apple_orange")
    assert status == 2 and one_line(err).startswith(f"scratch-emu: {line}")
    assert len(err) <= len("scratch-emu: ") + 500 + 1


def test_a_megabyte_opcode_stops_the_run_with_a_short_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unsupported block whose opcode is a megabyte of text and a newline: status 1, one short line."""
    doc = document(
        stage(
            {
                "h": block("event_whenflagclicked", topLevel=True, next="s"),
                "s": block("x" * 10**6 + "\n", parent="h"),
            }
        )
    )
    status, _, err = cli(capsys, "run", str(write_json(tmp_path / "p.json", doc)))
    assert status == 1 and one_line(err).startswith("scratch-emu: stopped: unsupported block 'xxx")
    assert len(err) <= len("scratch-emu: ") + 500 + 1


# ## Any hostile project


class Hung(Exception):
    """An example ran past SECONDS."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise Hung in the main thread if the block runs longer than `seconds` (POSIX only)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def hang(signum: int, frame: object) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def load_link_run_explain(doc: object) -> str:
    """What becomes of a parsed document: "refused", "stopped" (step limit or unsupported block), or "ran"."""
    try:
        project = project_from_json(doc, origin="<hostile>")  # type: ignore[arg-type]
    except InputFileError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("<hostile>")
        return "refused"
    return link_run_explain(project)


def link_run_explain(project: Project) -> str:
    """Link, run a bounded time and, if the run ended, explain it in both engines (the same report);
    what became of it."""
    try:
        runtime = Runtime(project)
        runtime.green_flag()
        runtime.run(max_blocks=MAX_BLOCKS)
        interpreted = explain(DebugSession(project)).to_json()
        compiled = explain(DebugSession(project, engine="compiled")).to_json()
        assert json.dumps(compiled, default=str) == json.dumps(interpreted, default=str)
    except (ProgramError, UnsupportedBlock):
        return "stopped"
    record_replay_diff(project)
    return "ran"


def record_replay_diff(project: Project) -> None:
    """Record the run, read the whole trace back, print it as replay does, and diff it with itself."""
    sink = io.BytesIO()
    record_run(project, sink, program="hostile", max_steps=MAX_BLOCKS)
    trace = Trace.from_bytes(sink.getvalue(), "hostile.trace")
    trace.verify()
    lines = render.header_lines(trace, "hostile.trace")
    lines += render.state_lines(trace.state_at(trace.event_count), trace.header.slices)
    assert all(safe_text(line) == line for line in lines), lines  # nothing left to escape
    report = diff(trace, trace)
    assert report.divergence is None and not report.variables, report
    assert all(count.differ == 0 for count in report.lists), report


HOSTILE_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=SECONDS),
    suppress_health_check=list(HealthCheck),
    derandomize=EXAMPLES <= 100,  # the suite's few examples are the same on every run
)


@example(doc=join_chain(3000))
@example(doc=strategies.nested(500, "dict"))
@HOSTILE_SETTINGS
@given(doc=strategies.hostile_projects())
def test_property_any_parsed_project_runs_or_is_refused(doc: object) -> None:
    """A hostile parsed project.json loads, links, runs and is explained, or is an input error; nothing else."""
    with time_limit(SECONDS):
        load_link_run_explain(doc)


def hostile_text(doc: object) -> str:
    """The document as a file might hold it: JSON with NaN and giant numbers written as they come."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + 10_000)  # json.dumps recurses into the 3,000-deep values
    try:
        return json.dumps(doc, allow_nan=True)
    finally:
        sys.setrecursionlimit(limit)


@HOSTILE_SETTINGS
@given(
    doc=strategies.hostile_projects(),
    member=st.sampled_from([None, "project.json", "x/project.json"]),
)
def test_property_any_project_file_gives_a_status_and_at_most_one_line(
    doc: object, member: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --stage` on any such file, bare or zipped: status 0, 1 or 2, at most one line on stderr,
    and the stage's picture when the run ended."""
    text = hostile_text(doc)
    with tempfile.TemporaryDirectory() as folder, time_limit(SECONDS):
        path = Path(folder) / ("p.sb3" if member else "p.json")
        if member is None:
            path.write_text(text)
        else:
            write_zip(path, {member: text.encode()})
        stage = Path(folder) / "stage.png"
        status = main(["run", "--max-steps", str(MAX_BLOCKS), "--stage", str(stage), str(path)])
        err = capsys.readouterr().err
        drawn = stage.read_bytes()[:8] if stage.exists() else b""
    assert status in (0, 1, 2), err
    assert status != 0 or drawn == b"\x89PNG\r\n\x1a\n", "no stage picture after a run that ended"
    assert err.count("\n") <= 1 and "Traceback" not in err, err
    assert (status == 0) == (err == "")
