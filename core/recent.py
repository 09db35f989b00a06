"""A process's most recently used values, bounded: the tier in front of the shared cache.

Everything kept here is keyed by the versions of what it was made from (core/tags.py), so an
entry goes stale by no longer being asked for, never by being wrong; the least recently used is
dropped once `size` are held. Each gunicorn worker has its own.
"""

import threading
import time
from collections import OrderedDict


class Recent:
    every = []  # each one made, so tests can start with none kept (`clear_all`)

    def __init__(self, size):
        self.size, self.values, self.lock = size, OrderedDict(), threading.Lock()
        self.clock = time.monotonic
        Recent.every.append(self)

    @classmethod
    def clear_all(cls):
        for recent in cls.every:
            recent.clear()

    def get(self, key):
        """The value kept under `key`, or None (never kept, dropped, or past its timeout)."""
        with self.lock:
            deadline, value = self.values.get(key, (None, None))
            if value is None:
                return None
            if deadline is not None and self.clock() >= deadline:
                del self.values[key]
                return None
            self.values.move_to_end(key)
            return value

    def put(self, key, value, timeout=None):
        """Keep `value` under `key`, for at most `timeout` seconds when given (as long as the
        shared cache keeps its copy)."""
        if self.size <= 0:
            return
        deadline = None if timeout is None else self.clock() + timeout
        with self.lock:
            self.values[key] = (deadline, value)
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)

    def clear(self):
        with self.lock:
            self.values.clear()
