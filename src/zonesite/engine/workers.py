"""Worker processes for the slow steps (reading a cold site, pages and their compressed copies, PDFs), which die with the
build that started them."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """A build killed outright must not leave workers behind holding files, sockets or CPU (Linux only).
    Ctrl-C is the parent's to handle: a worker ignores it, so the editor sees one message, not a traceback per worker.
    Imported here, in the worker: a build with no workers does not load them."""
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent is already gone
            os._exit(1)


def can_fork() -> bool:
    """Whether workers can start as copies of this process (not on Windows)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def worker_pool(workers: int, fork: bool = False, fresh: bool = False) -> ProcessPoolExecutor:
    """`fork`: the workers start as copies of this process, with everything it holds (Linux and macOS). `fresh`: as new
    interpreters, which share none of its memory: while a copy lives, each page this process writes to is copied first.
    Imported here: a build that reads or makes a few files has no workers."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn") if fresh else None
    return ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent, mp_context=context)
