"""Who `waspada serve` lets in: the kernel cap and the per-address rate limit.

Pure pieces, free of Voila, so that they can be tested alone; ``waspada.voila_server`` applies
them to each page request. Nothing here is written anywhere: the rate limit keeps, in memory
only, a number of tokens per client address, and forgets an address as soon as its bucket is
full again ("counts, never people": no address is logged or stored).
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable
from pathlib import Path

# Memory for the system, Voila itself and the trainer's own browser; the rest is for kernels.
RESERVE_MB = 1024
# One visitor's kernel with the player loaded (PSS, see benchmarks/README.md: 45-60 MB), with room.
KERNEL_MB = 70
# At least the two warm kernels and two visitors; at most what one laptop's two cores can serve
# (benchmarks/voila_load.py: 40 sessions keep two cores busy).
MIN_KERNELS = 4
MAX_KERNELS = 60
# Used when the free memory cannot be read (not Linux, no sysconf).
FALLBACK_KERNELS = 20

# One address may open this many pages at once, then one more every REFILL_SECONDS: enough for a
# learner going back and forth between gallery, player and languages, too few for a script.
BURST = 12
REFILL_SECONDS = 5.0
# Addresses remembered at most; beyond that the fullest buckets are forgotten first.
MAX_ADDRESSES = 4096


def available_memory_mb(meminfo: Path = Path("/proc/meminfo")) -> float | None:
    """Memory the system can give to new processes without swapping (Linux's MemAvailable),
    else the free physical pages (sysconf); None when neither can be read."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, AttributeError):
        return None


def default_max_kernels(available_mb: float | None) -> int:
    """(available memory - RESERVE_MB) / KERNEL_MB, clamped to MIN_KERNELS..MAX_KERNELS."""
    if available_mb is None:
        return FALLBACK_KERNELS
    return max(MIN_KERNELS, min(MAX_KERNELS, int((available_mb - RESERVE_MB) // KERNEL_MB)))


def is_loopback(address: str) -> bool:
    """This computer itself (127.0.0.0/8, ::1): the trainer's own browser, not a visitor."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class TokenBuckets:
    """A token bucket per key (a client address): ``take(key)`` is False when that key has no
    token left. Held in memory only; a key whose bucket has filled up again is dropped, so the
    table holds only the addresses active in the last minute or so."""

    def __init__(
        self,
        burst: int = BURST,
        refill_seconds: float = REFILL_SECONDS,
        max_keys: int = MAX_ADDRESSES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.refill_seconds = refill_seconds
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def _tokens(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) / self.refill_seconds)

    def take(self, key: str) -> bool:
        now = self.clock()
        tokens = self._tokens(key, now)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > self.max_keys:
            self._forget(now)
        return True

    def _forget(self, now: float) -> None:
        """Drop every full bucket (it is the same as none), then, if a flood of addresses still
        overflows the table, the fullest ones: the table's size stays bounded."""
        for key in [k for k in self._buckets if self._tokens(k, now) >= self.burst]:
            del self._buckets[key]
        if len(self._buckets) > self.max_keys:
            by_tokens = sorted(self._buckets, key=lambda k: self._tokens(k, now), reverse=True)
            for key in by_tokens[: len(self._buckets) - self.max_keys]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class Reservations:
    """Places promised to admitted visitors whose kernel has not started yet.

    Voila starts a visitor's kernel a moment after the page request (a warm kernel is handed
    over and its replacement starts a second later), so counting running kernels alone would
    let a burst of requests in before any of them shows. Each admitted request reserves a
    place; each kernel start uses the oldest reservation; a reservation that no start used
    (a request that failed) lapses after ``lapse_seconds``."""

    def __init__(self, lapse_seconds: float = 60, clock: Callable[[], float] = time.monotonic):
        self.lapse_seconds = lapse_seconds
        self.clock = clock
        self._at: list[float] = []

    def _expire(self) -> None:
        now = self.clock()
        self._at = [at for at in self._at if now - at < self.lapse_seconds]

    def reserve_if(self, occupied: int, capacity: int) -> bool:
        """Reserve a place if ``occupied`` kernels plus the open reservations leave one."""
        self._expire()
        if occupied + len(self._at) >= capacity:
            return False
        self._at.append(self.clock())
        return True

    def use_one(self) -> None:
        if self._at:
            self._at.pop(0)

    def __len__(self) -> int:
        self._expire()
        return len(self._at)
