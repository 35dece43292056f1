"""Cost growth, measured without a clock bound: how much more CPU time a function takes when its
input grows, as a ratio within one test. A linear function costs about ``factor`` times more on
an input ``factor`` times longer; a quadratic one about ``factor**2``. The ratio holds on a slow or
busy machine, where any number of seconds would not."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def cpu_seconds(fn: Callable[[], object], *, repeat: int = 5) -> float:
    """The least CPU time of ``repeat`` calls: the least disturbed by the rest of the machine.

    The cyclic garbage collector is paused meanwhile: each of its full passes walks every object
    of the test process (a whole test suite's worth), and a larger input, allocating more, sets
    off more of them, which read as super-linear cost that the function does not have.
    """
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.process_time()
            fn()
            best = min(best, time.process_time() - start)
    finally:
        if enabled:
            gc.enable()
    return best


def growth(
    fn: Callable[[object], object],
    make: Callable[[int], object],
    *,
    n: int,
    factor: int = 8,
    repeat: int = 5,
    floor: float = 2e-4,
    bound: float = 16,
) -> float:
    """How many times more CPU ``fn(make(n * factor))`` takes than ``fn(make(n))``.

    ``floor`` (seconds) stands in for a small cost too short to time reliably, so a function
    that is nearly free on both inputs reads as cheap rather than as a ratio of two noises.
    The large input is timed again only while its ratio is above ``bound`` by less than the
    machine's noise could explain (4x): a quadratic function fails after one slow call.
    """
    small, large = make(n), make(n * factor)
    fn(small)  # warm caches and lazy imports before timing
    base = max(cpu_seconds(lambda: fn(small), repeat=repeat), floor)
    ratio = cpu_seconds(lambda: fn(large), repeat=1) / base
    for _ in range(repeat - 1):
        if ratio <= bound or ratio > 4 * bound:
            break
        ratio = min(ratio, cpu_seconds(lambda: fn(large), repeat=1) / base)
    return ratio
