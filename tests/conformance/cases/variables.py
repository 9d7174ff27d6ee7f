"""How blocks find their variables and lists: by id, then by name (local first), else a new local (section 8)."""

from __future__ import annotations

from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J

CASES = CaseList()


@CASES.add(
    "stage_variable_is_global",
    "a sprite changes a stage variable; the stage reads the new value",
    covers=("8 stage global", "8 lookup id"),
)
def _global() -> dict:
    sp = J.Blocks("sp")
    sp.flag(sp.set("g", J.text("from sprite")), sp.change("n", J.number("2")))
    st = J.Blocks("st")
    st.flag(st.set("seen", J.reporter(st.join(J.var("g"), J.var("n")))))
    return J.project(st, J.Sprite("A", sp), variables={"g": 0, "n": 1, "seen": 0})


@CASES.add(
    "sprite_variables_are_local",
    "two sprites' locals of the same name keep separate values",
    covers=("8 sprite local", "8 lookup id"),
)
def _local() -> dict:
    a = J.Blocks("a")
    a.flag(a.set("x", J.text("A's"), var_id="A:var-x"))
    b = J.Blocks("b")
    b.flag(b.change("x", J.number("5"), var_id="B:var-x"))
    return J.project(
        None, J.Sprite("A", a, variables={"x": 1}), J.Sprite("B", b, variables={"x": 1})
    )


@CASES.add(
    "local_and_global_same_name",
    "a local and a global with one name coexist: blocks use ids",
    covers=("8 lookup id", "8 sprite local", "8 stage global"),
)
def _same_name() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.set("x", J.text("local"), var_id="S:var-x"),
        sp.set("x", J.text("global"), var_id="var-x"),
    )
    return J.project(None, J.Sprite("S", sp, variables={"x": 0}), variables={"x": 0})


@CASES.add(
    "unknown_id_found_by_name_on_stage",
    "an unknown id with a stage variable's name uses that variable",
    covers=("8 lookup name",),
)
def _by_name_stage() -> dict:
    sp = J.Blocks("sp")
    sp.flag(sp.set("x", J.text("by name"), var_id="no-such-id"))
    return J.project(None, J.Sprite("S", sp), variables={"x": 0})


@CASES.add(
    "unknown_id_prefers_local_name",
    "by name, the sprite's own variable wins over the stage's",
    covers=("8 lookup name", "8 local first"),
)
def _local_first() -> dict:
    sp = J.Blocks("sp")
    sp.flag(sp.set("x", J.text("which?"), var_id="no-such-id"))
    return J.project(None, J.Sprite("S", sp, variables={"x": 0}), variables={"x": 0})


@CASES.add(
    "unknown_variable_created_locally",
    "an unknown id and name creates a local variable, starting at 0",
    covers=("8 create",),
)
def _create() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.change("fresh", J.number("3"), var_id="new-id"),
        sp.set("seen", J.reporter(sp.join(J.var("other", "other-id"), J.text("!")))),
    )
    return J.project(None, J.Sprite("S", sp), variables={"seen": 0})


@CASES.add(
    "unknown_variable_created_on_stage",
    "the stage's own scripts create a missing variable on the stage",
    covers=("8 create",),
)
def _create_stage() -> dict:
    st = J.Blocks("st")
    st.flag(st.set("made", J.text("here"), var_id="made-id"))
    return J.project(st)


@CASES.add(
    "unknown_list_created",
    "adding to an unknown list creates it on the executing sprite",
    covers=("8 create", "4 add"),
)
def _create_list() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.list_add("made", J.text("a"), list_id="made-list"),
        sp.list_add("made", J.text("b"), list_id="made-list"),
    )
    return J.project(None, J.Sprite("S", sp))


@CASES.add(
    "name_lookup_is_case_sensitive",
    "'X' does not find the variable 'x': a new one is made",
    covers=("8 lookup name", "8 create"),
)
def _case_sensitive() -> dict:
    sp = J.Blocks("sp")
    sp.flag(sp.set("X", J.text("upper"), var_id="no-such-id"))
    return J.project(None, J.Sprite("S", sp), variables={"x": 0})


@CASES.add(
    "name_lookup_matches_type",
    "a list named x does not satisfy a variable lookup for x",
    covers=("8 lookup name", "8 create"),
)
def _type_matters() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.set("x", J.text("scalar"), var_id="no-such-id"),
        sp.list_add("y", J.text("item"), list_id="no-such-list"),
    )
    return J.project(None, J.Sprite("S", sp), variables={"y": 0}, lists={"x": []})


@CASES.add(
    "reporter_unknown_id_by_name",
    "a variable reporter with an unknown id reads the variable by name",
    covers=("8 lookup name", "4 variable"),
)
def _reporter_by_name() -> dict:
    st = J.Blocks("st")
    st.flag(st.set("copy", J.var("x", "stale-id")))
    return J.project(st, variables={"x": "hello", "copy": 0})


@CASES.add(
    "cloud_variable_is_ordinary",
    "a cloud variable is set and changed like any stage variable",
    covers=("8 cloud",),
)
def _cloud() -> dict:
    st = J.Blocks("st")
    st.flag(st.set("c", J.text("41")), st.change("c", J.number("1")))
    doc = J.project(st, variables={"c": 0})
    doc["targets"][0]["variables"]["var-c"] = ["\u2601 c", 0, True]
    st_blocks = doc["targets"][0]["blocks"]
    for block in st_blocks.values():
        if block["opcode"] in ("data_setvariableto", "data_changevariableby"):
            block["fields"]["VARIABLE"] = ["\u2601 c", "var-c"]
    return doc


@CASES.add(
    "sprite_reads_stage_list_by_id",
    "a sprite adds to a stage list through its id",
    covers=("8 lookup id", "8 stage global", "4 add"),
)
def _stage_list() -> dict:
    sp = J.Blocks("sp")
    sp.flag(sp.list_add("L", J.text("from S")))
    return J.project(None, J.Sprite("S", sp), lists={"L": ["first"]})
