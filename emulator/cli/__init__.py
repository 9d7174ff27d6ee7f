"""The command line: builds the subcommands from their modules, runs one, and turns failures into exit statuses."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from typing import Protocol

from emulator import __version__
from emulator.cli import debugging, running, traces
from emulator.cli.argtypes import OneLineParser
from emulator.cli.exits import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_RUN_STOPPED
from emulator.cli.targets import no_extra
from emulator.errors import EmulatorError, ProgramError

EXTRA_COMMANDS = "scratch_emu.commands"

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
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (running, debugging, traces):
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
    """Entry point of the scratch-emu command."""
    try:
        args, extra = build_parser().parse_known_args(argv)
        handler: Handler = args.handler
        return handler(args, extra)
    except KeyboardInterrupt:
        print("scratch-emu: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, and keep Python from complaining on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ProgramError as exc:
        print(f"scratch-emu: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except EmulatorError as exc:
        print(f"scratch-emu: stopped: {exc}", file=sys.stderr)
        return EXIT_RUN_STOPPED
