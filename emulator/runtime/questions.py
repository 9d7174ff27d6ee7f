"""Scratch's "ask and wait" queue: one question shown at a time, answered in order from scripted answers."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from emulator.errors import ProgramError
from emulator.values import Value, to_string

if TYPE_CHECKING:
    from emulator.runtime.state import RuntimeTarget
    from emulator.runtime.thread import Thread

Speak = Callable[["Thread", str, str], object]
"""Shows a say bubble: (thread, block id, text)."""


class Question:
    """One asked question, waiting in the queue until its answer arrives."""

    __slots__ = ("answered", "block_id", "speaks", "text", "thread")

    def __init__(self, thread: Thread, block_id: str, text: str) -> None:
        self.thread = thread
        self.block_id = block_id
        self.text = text
        # A visible sprite shows the question in its own bubble; the stage and hidden sprites
        # show it in the prompt instead. Visibility counts as it was when asked.
        self.speaks = thread.target.visible and not thread.target.is_stage
        self.answered = False


class Questions:
    """scratch3_sensing's question list: asked in order, the head shown, answers given one a frame."""

    def __init__(self, answers: Iterable[str], speak: Speak) -> None:
        self.answers = deque(answers)
        self.answer: Value = ""  # what the `answer` reporter gives
        self.queue: deque[Question] = deque()
        self._speak = speak

    def ask(self, thread: Thread, block_id: str, question: Value) -> Question:
        """Queue a question (cast to text, as the VM does); show it if no other is showing."""
        asked = Question(thread, block_id, to_string(question))
        self.queue.append(asked)
        if len(self.queue) == 1:
            self._show_head()
        return asked

    def answer_next(self) -> None:
        """Between frames: the user answers the question showing, if any."""
        if not self.queue:
            return
        head = self.queue[0]
        if not self.answers:
            raise ProgramError(
                f"{head.thread.target.name}: 'ask and wait' (block {head.block_id!r}) needs an answer; "
                "none is left (give --answer TEXT)"
            )
        self.answer = self.answers.popleft()
        self.queue.popleft()
        if head.speaks:
            self._speak(head.thread, head.block_id, "")
        head.answered = True
        self._show_head()

    def clear(self) -> None:
        """Stop all: every question is dropped, with no bubble cleared."""
        self.queue.clear()

    def clear_target(self, target: RuntimeTarget) -> None:
        """Stop other scripts: the target's questions are dropped; its bubble clears if it was asking."""
        asking = bool(self.queue) and self.queue[0].thread.target is target
        head = self.queue[0] if asking else None
        self.queue = deque(q for q in self.queue if q.thread.target is not target)
        if head is not None:
            self._speak(head.thread, head.block_id, "")  # even for the stage, as the VM does
            self._show_head()

    def _show_head(self) -> None:
        if self.queue and self.queue[0].speaks:
            head = self.queue[0]
            self._speak(head.thread, head.block_id, head.text)
