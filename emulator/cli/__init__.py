"""The command line: builds the subcommands from their modules, runs one, and turns failures into exit statuses."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import entry_points
from typing import Protocol

from emulator import __version__
from emulator.cli import bench, debugging, running, traces
from emulator.cli.argtypes import OneLineParser
from emulator.cli.exits import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_RUN_STOPPED,
)
from emulator.cli.targets import no_extra
from emulator.errors import EmulatorError, ProgramError
from emulator.value_text import safe_text

EXTRA_COMMANDS = "scratch_emu.commands"
DEBUG_VARIABLE = "SCRATCH_EMU_DEBUG"  # set to 1: a failure shows its traceback, as --debug does
ERROR_WIDTH = 500  # characters of an error line: a megabyte-long name must not fill the terminal

Handler = Callable[[argparse.Namespace, list[str]], int]


class ExtraCommand(Protocol):
    """A subcommand another package adds through the `scratch_emu.commands` entry points."""

    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare the subcommand's options."""

    def run(self, args: argparse.Namespace) -> int:
        """Carry it out; the exit status."""


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand: this package's, then those installed packages add."""
    parser = OneLineParser(prog="scratch-emu", description="Run and debug Scratch 3 programs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help=f"show the traceback of a failure (or set {DEBUG_VARIABLE}=1)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (running, debugging, traces, bench):
        module.register(sub)
    for ep in entry_points(group=EXTRA_COMMANDS):
        command: ExtraCommand = ep.load()
        extra = sub.add_parser(ep.name, help=command.HELP)
        command.add_arguments(extra)
        extra.set_defaults(handler=_extra_handler(command))
    return parser


def _extra_handler(command: ExtraCommand) -> Handler:
    def handle(args: argparse.Namespace, extra: list[str]) -> int:
        no_extra(args, extra)
        return command.run(args)

    return handle


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the scratch-emu command: one line on stderr for any failure, never a traceback.

    The status says whose fault it was: 2 for input that cannot be used, 3 for a bug of ours. The
    traceback is shown only with --debug or SCRATCH_EMU_DEBUG=1.
    """
    debug = os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")
    try:
        args, extra = build_parser().parse_known_args(argv)
        debug = debug or args.debug
        handler: Handler = args.handler
        with _printable_stdout():
            return handler(args, extra)
    except KeyboardInterrupt:
        print("scratch-emu: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, and keep Python from complaining on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if debug:
            traceback.print_exc()
        status, line = _failure(exc)
        print(f"scratch-emu: {safe_text(line, ERROR_WIDTH)}", file=sys.stderr)
        return status


def _failure(exc: Exception) -> tuple[int, str]:
    """The exit status and the message for an exception that reached main()."""
    if isinstance(exc, ProgramError):
        return EXIT_BAD_INPUT, f"error: {exc}"
    if isinstance(exc, EmulatorError):
        return EXIT_RUN_STOPPED, f"stopped: {exc}"
    if isinstance(exc, OSError):  # a path the user gave: unreadable, missing, in a closed folder
        name = exc.filename
        where = (
            "" if name is None else f"{os.fsdecode(name) if isinstance(name, bytes) else name}: "
        )
        return EXIT_BAD_INPUT, f"error: {where}{exc.strerror or exc}"
    if isinstance(exc, UnicodeError):  # text in a file or an argument that is not what it claims
        return EXIT_BAD_INPUT, f"error: {exc}"
    if isinstance(exc, MemoryError):
        return EXIT_BAD_INPUT, "error: out of memory: the input is too big for this machine"
    return EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {exc}, please report"


@contextlib.contextmanager
def _printable_stdout() -> Iterator[None]:
    """Write what the program says even if it holds characters the terminal cannot encode.

    A project's text may hold a lone surrogate (valid JSON, "\\ud800"), which no encoding can
    write: it is printed as a backslash escape instead of ending the run with UnicodeEncodeError.
    """
    stdout = sys.stdout
    if not isinstance(stdout, io.TextIOWrapper):
        yield
        return
    errors = stdout.errors
    stdout.reconfigure(errors="backslashreplace")
    try:
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):  # closed meanwhile, or the pipe broke
            stdout.reconfigure(errors=errors)
