"""Capped exponential back-off with jitter, for reconnecting and retrying."""

import random


class Backoff:
    """Delays of `base`·2ⁿ seconds, capped at `cap`, each drawn from its upper half.

    The jitter spreads the reconnects of many clients after a hub restart; keeping the lower half out
    means a client never hammers a hub that is down.
    """

    def __init__(self, base: float = 0.5, cap: float = 30.0):
        self.base = base
        self.cap = cap
        self.attempts = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * 2 ** self.attempts)
        self.attempts = min(self.attempts + 1, 32)  # past the cap anyway; keeps 2ⁿ a sane number
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempts = 0
