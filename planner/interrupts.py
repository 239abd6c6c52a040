"""Ctrl-C (SIGINT) and SIGTERM as one exception in the main thread, so a run stops the same way for both."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: The signals a run treats as "stop now, keep what is done".
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A stop signal arrived; ``exit_code`` is the shell's convention, 128 + the signal number (130, 143)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


@dataclass
class StopState:
    """The first stop signal seen (None until one arrives) and whether another followed it."""

    signum: int | None = None
    again: bool = False


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[StopState]:
    """Inside the block, the first SIGINT or SIGTERM raises :class:`Interrupted` in the main thread; later ones
    only set ``again`` (so clean-up code is not interrupted a second time). Outside the main thread (where Python
    cannot install handlers) the block runs unchanged."""
    state = StopState()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def handler(signum: int, frame: Any) -> None:
        if state.signum is None:
            state.signum = signum
            raise Interrupted(signum)
        state.again = True

    old = {s: signal.signal(s, handler) for s in STOP_SIGNALS}
    try:
        yield state
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def ignore_stop_signals_in_worker() -> None:
    """Initializer of a worker process: SIGINT is ignored outside a search (the solver's own handler stops a
    running search and keeps its best roster when the parent forwards SIGINT), SIGTERM ends the process.

    A forked worker inherits the parent's Python handlers; without this a worker would raise the parent's
    exception, and a terminal's Ctrl-C (sent to every process of the group) would kill idle workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def hold_stop_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the block runs (e.g. a cluster starting, which cannot be closed half-way),
    then deliver the first one that came to the handler that was there before. Outside the main thread the block
    runs unchanged."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: Any) -> None:
        held.append(signum)

    old = {s: signal.signal(s, hold) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        if held:
            signal.raise_signal(held[0])
