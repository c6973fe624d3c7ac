"""The preview between saves, in one process: what it keeps from one save to the next must never show an old text."""

from __future__ import annotations

import gc
import weakref

from zonesite.commands.serve import settle


class Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self):
        self.me = self


def test_settle_sets_the_survivors_aside_and_frees_the_garbage_of_before():
    """After settle, what lives is frozen (the collections of a save skip it); a cycle frozen by an earlier settle
    and dropped since is freed by the next one, not kept for ever."""
    kept, dropped = Cycle(), Cycle()
    gone = weakref.ref(dropped)
    try:
        settle()
        assert gc.get_freeze_count() > 0
        del dropped
        gc.collect()  # a frozen cycle survives a plain collection ...
        assert gone() is not None
        settle()  # ... and not the next pause
        assert gone() is None
        assert kept.me is kept
    finally:
        gc.unfreeze()
