"""`run`'s injected input options (--key, --click, --mouse) and the calendar and user they run with."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from emulator.cli.argtypes import UsageError
from emulator.cli.targets import Loaded
from emulator.inputs import (
    InputSpellingError,
    Post,
    click_posts,
    key_posts,
    mouse_post,
    parse_inputs,
)
from emulator.runtime.devices import DEFAULT_DATE, parse_date


def _checked(parse: Callable[[str], Any]) -> Callable[[str], str]:
    """An argparse type that keeps the spelling once `parse` accepts it."""

    def check(text: str) -> str:
        try:
            parse(text)
        except InputSpellingError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text

    return check


def _date(text: str) -> str:
    try:
        parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time, e.g. 2024-05-17T12:30:00Z"
        ) from None
    return text


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """Add --key, --click, --mouse, --date and --username."""
    group = parser.add_argument_group("injected input (times in virtual seconds since the flag)")
    group.add_argument(
        "--key",
        action="append",
        default=[],
        type=_checked(key_posts),
        metavar="KEY@T[-T2]",
        help="press a key (space, enter, left, right, up, down, or one character) at T seconds "
        "for 0.1 s, or hold it from T to T2; repeat for more",
    )
    group.add_argument(
        "--click",
        action="append",
        default=[],
        type=_checked(click_posts),
        metavar="SPRITE@T",
        help="click a sprite (or `stage`) at T seconds, where the mouse last moved to",
    )
    group.add_argument(
        "--mouse",
        action="append",
        default=[],
        type=_checked(mouse_post),
        metavar="X,Y@T",
        help="move the mouse to stage point X,Y at T seconds",
    )
    group.add_argument(
        "--date",
        type=_date,
        default=None,
        help=f"the date and time at the green flag, UTC unless given (default {DEFAULT_DATE})",
    )
    group.add_argument("--username", default="", help="what the username block reports")


def injected_inputs(loaded: Loaded, args: argparse.Namespace) -> tuple[Post, ...]:
    """The posts the options spell; a click on a sprite the project lacks is a usage error."""
    posts = parse_inputs(args.key, args.click, args.mouse)
    sprites = {t.name for t in loaded.project.sprites()}
    for post in posts:
        if post.pick is not None and post.pick != "_stage_" and post.pick not in sprites:
            raise UsageError(f"run: --click: the project has no sprite named {post.pick!r}")
    return posts


def device_options(loaded: Loaded, args: argparse.Namespace) -> dict[str, Any]:
    """What the input options feed the devices, as run, record, explain and debug pass it on."""
    return {"inputs": injected_inputs(loaded, args), "date": args.date, "username": args.username}
