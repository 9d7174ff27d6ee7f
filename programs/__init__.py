"""Scratch programs written in the Python DSL; PROGRAMS maps each name to its module."""

PROGRAMS: dict[str, str] = {
    "apple_orange": "programs.apple_orange",
    "day3": "programs.day3",
}
