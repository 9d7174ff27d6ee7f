"""`run` and `export`: run a program or project and print what it says; write it as an .sb3."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from emulator.cli.exits import EXIT_RUN_STOPPED
from emulator.cli.inputs import add_input_options, device_options
from emulator.cli.outputs import PNG, SB3, STATE, SVG, add_force, check_output
from emulator.cli.targets import (
    Loaded,
    add_engine,
    add_run_options,
    add_target,
    assets_of,
    chosen_engine,
    load,
)
from emulator.files import replacing
from emulator.progress import RunProgress
from emulator.runtime.pen import to_svg
from emulator.runtime.runtime import Runtime
from emulator.runtime.sequencer import StepLimitReached
from emulator.runtime.state import Say, Snapshot, snapshot
from emulator.value_text import safe_text
from emulator.values import bubble_text


def register(sub: Any) -> None:
    """Add `run` and `export` to the subcommands."""
    run = sub.add_parser("run", help="run a program or project and print what it says")
    add_target(run)
    run.add_argument(
        "--dump-state", metavar="FILE", help="write the final state as JSON to FILE (- for stdout)"
    )
    add_force(run)
    run.add_argument(
        "--pen-svg", metavar="FILE", help="write what the pens drew as an SVG picture to FILE"
    )
    run.add_argument(
        "--stage",
        metavar="FILE",
        help="write the stage at the end as a 480x360 PNG picture to FILE: the backdrop, what the "
        "pens drew and the sprites (bitmap costumes as they are, vector costumes as their box)",
    )
    add_engine(run)
    add_run_options(run)
    add_input_options(run)
    run.set_defaults(handler=cmd_run)
    compile_ = sub.add_parser("compile", help="print the Python a program's scripts compile to")
    add_target(compile_)
    compile_.set_defaults(handler=cmd_compile)
    export = sub.add_parser("export", help="write a program or project as an .sb3 file")
    add_target(export)
    export.add_argument("-o", "--output", required=True, metavar="OUT.sb3")
    add_force(export)
    export.set_defaults(handler=cmd_export)


def cmd_run(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu run TARGET."""
    if args.dump_state and args.dump_state != "-":
        check_output(args.dump_state, STATE, args, "--dump-state")
    if args.pen_svg:
        check_output(args.pen_svg, SVG, args, "--pen-svg")
    if args.stage:
        check_output(args.stage, PNG, args, "--stage")
    loaded = load(args.target, f"scratch-emu run {args.target}", extra)
    runtime = _runtime(loaded, args, chosen_engine(args))
    out = sys.stderr if args.dump_state == "-" else sys.stdout

    program = loaded.program
    shown = RunProgress(runtime, program.progress_for(loaded.params) if program else None)

    def show(say: Say) -> None:
        # One bubble, one line: a project's text never moves the cursor or forges a line of ours.
        text = safe_text(bubble_text(say.text))
        if text:
            shown.print(text, out)

    runtime.on_say = show
    runtime.green_flag()
    status, marked = 0, None
    with shown:
        try:
            marked = _run_to_mark(runtime, loaded, args)
            runtime.run(max_blocks=args.max_steps)
        except StepLimitReached as exc:
            print(f"scratch-emu: {exc}", file=sys.stderr)
            status = EXIT_RUN_STOPPED
    if program is not None and program.summary is not None:
        print(program.summary(runtime, marked, loaded.params), file=out)
        print(
            f"emulator: {runtime.blocks:,} blocks in {shown.seconds:.1f} s "
            f"({runtime.blocks / max(shown.seconds, 1e-9) / 1e6:.2f} M blocks/s)",
            file=out,
        )
    # A run that raised never gets here, so the file is kept; the state at --max-steps is written.
    if args.dump_state:
        _write_state(runtime, args.dump_state)
    if args.pen_svg:
        with replacing(args.pen_svg) as f:
            f.write(to_svg(runtime.pen_layer).encode("utf-8"))
    if args.stage:
        from emulator.png import png_bytes  # numpy: imported for the picture only
        from emulator.stage_picture import stage_pixels

        with replacing(args.stage) as f:
            f.write(png_bytes(stage_pixels(runtime, assets_of(args.target))))
    return status


def _runtime(loaded: Loaded, args: argparse.Namespace, engine: str) -> Runtime:
    return Runtime(
        loaded.project,
        seed=args.seed,
        turbo=args.turbo,
        answers=args.answer,
        engine=engine,
        **device_options(loaded, args),
    )


def _run_to_mark(runtime: Runtime, loaded: Loaded, args: argparse.Namespace) -> Snapshot | None:
    """Run to the program's mark (e.g. the start of training) and snapshot the state there.

    Compiled code cannot stop at a block, so a compiled run takes the snapshot from a twin run in
    the interpreter: runs are reproducible and both engines compute the same, so the twin reaches
    the mark in the state the compiled run passes through. The compiled run then runs it all.
    """
    mark = loaded.program.mark if loaded.program is not None else None
    if mark is None:
        return None
    if runtime.engine == "compiled":
        runtime = _runtime(loaded, args, "interpreter")
        runtime.green_flag()
    if runtime.run_until(mark.reached(runtime), args.max_steps) is None:
        return None
    return snapshot(runtime.targets)


def _write_state(runtime: Runtime, dest: str) -> None:
    from emulator.state_json import dump_state

    text = json.dumps(dump_state(runtime), ensure_ascii=False, indent=1)
    if dest == "-":
        print(text)
        return
    with replacing(dest) as f:
        f.write(text.encode("utf-8") + b"\n")


def cmd_compile(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu compile TARGET: the generated source of every target, as the compiled engine runs it."""
    loaded = load(args.target, f"scratch-emu compile {args.target}", extra)
    runtime = Runtime(loaded.project, engine="compiled")
    print("\n\n".join(compiled.text() for compiled in runtime.compiled), end="")
    return 0


def cmd_export(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu export TARGET -o OUT.sb3."""
    from emulator.sb3 import save_sb3

    check_output(args.output, SB3, args, "-o")
    loaded = load(args.target, f"scratch-emu export {args.target}", extra)
    missing = save_sb3(loaded.project, args.output, assets_of(args.target))
    print(f"wrote {safe_text(args.output)}")
    if missing:
        print(
            f"scratch-emu: note: {len(missing):,} costume or sound file(s) the project names "
            f"were not in {safe_text(args.target, 200)}, so they are not in the output either",
            file=sys.stderr,
        )
    return 0
