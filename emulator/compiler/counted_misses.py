"""Reads past a list's end that compiled code counts in locals: where they are added to their tallies."""

from __future__ import annotations

from dataclasses import dataclass

# Where counted misses are added to their tallies (FunctionEmitter.flush_misses), until the
# function's end knows which sites count them: a line no project text can make (NUL is escaped in
# it), with the mark's number after it.
MARK = "\x00flush the misses counted in locals "


@dataclass(frozen=True)
class CountedSite:
    """A read site whose misses locals count (ExprEmitter.counted_miss): the list it reads, and
    the loops around it (their blocks)."""

    items: str
    loops: tuple[str, ...]


@dataclass(frozen=True)
class Mark:
    """Where counted misses are added to their tallies: after how many counted sites in the
    function's text, inside which loops."""

    order: int
    loops: tuple[str, ...]

    def pending(self, order: int, site: CountedSite) -> bool:
        """Whether the `order`-th counted site in the text may have counted misses by the time
        the code reaches here: it comes before, or a loop around both runs it again after it
        (code runs forward but for its loops)."""
        return order < self.order or bool(set(site.loops) & set(self.loops))


def start(sites: dict[int, CountedSite]) -> str:
    """The line that starts the locals counting each site's misses with no tally."""
    names = ", ".join(f"_m{x}{site}" for site in sorted(sites) for x in "kcfl")
    values = ", ".join("None, 0, 0.0, 0.0" for _ in sites)
    return f"    {names} = {values}  # misses past a list's end counted in locals"


def placed(lines: list[str], sites: dict[int, CountedSite], marks: list[Mark]) -> list[str]:
    """The lines with each mark replaced by the code that adds the misses the sites (in the order
    of the text) there may have counted to their tallies (hooked.flushed), or dropped where none
    may have (a block that leaves empty gets a pass)."""
    out: list[str] = []
    for k, line in enumerate(lines):
        text = line.lstrip()
        if not text.startswith(MARK):
            out.append(line)
            continue
        indent = line[: len(line) - len(text)]
        mark = marks[int(text[len(MARK) :])]
        pending = sorted((s, c) for n, (s, c) in enumerate(sites.items()) if mark.pending(n, c))
        for site, c in pending:
            tally = f"_mk{site}"
            out.append(f"{indent}if {tally} is not None:")
            args = f"{tally}, _mc{site}, _mf{site}, _ml{site}, len({c.items})"
            out.append(f"{indent}    {tally} = flushed({args})")
        if not pending and _opens_block(out, indent) and not _goes_on(lines, k, indent):
            out.append(f"{indent}pass")
    return out


def _opens_block(out: list[str], indent: str) -> bool:
    """Whether the last line out opens a block that `indent` is inside and holds nothing yet."""
    return bool(out) and out[-1].endswith(":") and not out[-1].startswith(indent)


def _goes_on(lines: list[str], k: int, indent: str) -> bool:
    """Whether a line after the k-th, other than a mark, is still at `indent`."""
    for line in lines[k + 1 :]:
        if not line.lstrip().startswith(MARK):
            return line.startswith(indent) and line[len(indent) : len(indent) + 1] != ""
    return False
