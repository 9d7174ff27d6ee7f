"""A client for serve_vm.js: one long-lived Node process answering one project run per request.

run_in_vm (tests/oracle.py) starts Node for every call, about half a second; a test that needs
an answer per project, such as a Hypothesis test that shrinks a failure, keeps one server::

    with VmServer() as vm:
        result = vm.run(project, turbo=True, seed=3)
        state = decode_state(result["state"])

Results are run_vm.js's: ``{"ok": True, "frames", "finished", "state"}`` or
``{"ok": False, "error"}``.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from typing import IO, Any

from emulator.inputs import Post

try:
    from oracle import CONFORMANCE_DIR, OracleError, vm_unavailable_reason
except ImportError:  # tests/ imported as a package
    from tests.oracle import CONFORMANCE_DIR, OracleError, vm_unavailable_reason

SERVER = CONFORMANCE_DIR / "serve_vm.js"
VM_PACKAGE_JSON = CONFORMANCE_DIR / "node_modules" / "@scratch" / "scratch-vm" / "package.json"


def vm_version() -> str:
    """The installed VM package and version, e.g. "@scratch/scratch-vm 15.1.1"."""
    meta = json.loads(VM_PACKAGE_JSON.read_text(encoding="utf-8"))
    return f"{meta['name']} {meta['version']}"


def node_version() -> str:
    """`node --version`, e.g. "v20.20.2"."""
    node = shutil.which("node")
    if node is None:
        raise OracleError("node is not on PATH")
    return subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def run_options(
    turbo: bool = True,
    max_frames: int = 3000,
    answers: list[str] | tuple[str, ...] = (),
    seed: int = 0,
    frame_budget: int | None = None,
    inputs: Iterable[Post] = (),
    date: str | None = None,
    username: str = "",
) -> dict[str, Any]:
    """The request fields run_vm.js reads, from Python arguments."""
    options: dict[str, Any] = {
        "turbo": bool(turbo),
        "max_frames": int(max_frames),
        "seed": str(int(seed)),
        "ask_answers": [str(a) for a in answers],
    }
    if frame_budget is not None:
        options["frame_budget"] = int(frame_budget)
    if inputs:
        options["inputs"] = [p.to_json() for p in inputs]
    if date is not None:
        options["date"] = date
    if username:
        options["username"] = username
    return options


class VmServer:
    """serve_vm.js, started on first use and stopped by close() (or leaving a `with` block)."""

    def __init__(self, timeout: float = 120.0) -> None:
        self.timeout = timeout
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: IO[str] | None = None

    def __enter__(self) -> VmServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, project: dict[str, Any], **options: Any) -> dict[str, Any]:
        """Run one project; options as run_options() takes them."""
        answer = self._request({"project": project, **run_options(**options)})
        if not isinstance(answer, dict):
            raise OracleError(f"serve_vm.js answered {str(answer)[:200]!r}")
        return answer

    def run_many(self, projects: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
        """Run several projects with the same options, in one request."""
        answer = self._request({"projects": list(projects), **run_options(**options)})
        if not isinstance(answer, list) or len(answer) != len(projects):
            raise OracleError(f"serve_vm.js answered {str(answer)[:200]!r}")
        return answer

    def close(self) -> None:
        """Stop the Node process (it ends by itself when its stdin closes)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # ## The process

    def _start(self) -> subprocess.Popen[str]:
        reason = vm_unavailable_reason()
        if reason is not None:
            raise OracleError(reason)
        if not SERVER.is_file():
            raise OracleError(f"{SERVER.name} is missing from tests/conformance")
        # The VM logs warnings here; the file lives as long as the server, so no `with`.
        self._stderr = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._lines = queue.Queue()
        proc = subprocess.Popen(
            ["node", str(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            cwd=str(CONFORMANCE_DIR),
        )
        threading.Thread(target=self._read, args=(proc.stdout, self._lines), daemon=True).start()
        self._proc = proc
        return proc

    @staticmethod
    def _read(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
        assert stream is not None
        for line in stream:
            lines.put(line)
        lines.put(None)

    def _request(self, request: dict[str, Any]) -> Any:
        proc = self._proc or self._start()
        assert proc.stdin is not None
        try:
            payload = json.dumps(request, allow_nan=False)
        except ValueError as exc:
            raise OracleError(f"project is not valid JSON: {exc}") from exc
        try:
            proc.stdin.write(payload + "\n")
            proc.stdin.flush()
        except OSError as exc:
            raise self._failed(f"could not write to serve_vm.js: {exc}") from exc
        try:
            line = self._lines.get(timeout=self.timeout)
        except queue.Empty:
            raise self._failed(f"serve_vm.js did not answer within {self.timeout:g} s") from None
        if line is None:
            raise self._failed("serve_vm.js exited")
        return json.loads(line)

    def _failed(self, what: str) -> OracleError:
        tail = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            tail = self._stderr.read()[-2000:].strip()
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
        return OracleError(f"{what}; stderr: {tail}" if tail else what)
