"""Remember finished computations, keyed by the data they were made from.

A lesson view that is closed and opened again on the same data with the same
parameters should show its figure at once: the results are kept in a small
least-recently-used cache, keyed by a fingerprint of the array contents (not
by object identity, so an equal array loaded again still hits).
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

import numpy as np

__all__ = ["ResultCache", "array_fingerprint", "sample_rows"]

T = TypeVar("T")

# id(array) -> (weak reference to it, digest). Hashing 16 MB takes ~10 ms; an
# array that is still alive is hashed once. Entries go when the array dies.
_digests: dict[int, tuple[weakref.ref, str]] = {}
_digests_lock = threading.Lock()


def array_fingerprint(a: np.ndarray) -> str:
    """A digest of an array's shape, dtype and contents.

    Parameters
    ----------
    a : ndarray of any shape

    Returns
    -------
    str
        32 hex digits; equal arrays give equal digests.

    Notes
    -----
    Arrays whose contents may change must not be fingerprinted: the digest
    is remembered per live array object. Steps and data sets in tuiclust
    are read-only, which is what makes this safe.
    """
    key = id(a)
    with _digests_lock:
        hit = _digests.get(key)
        if hit is not None and hit[0]() is a:
            return hit[1]
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((a.shape, a.dtype.str)).encode())
    h.update(np.ascontiguousarray(a).view(np.uint8).reshape(-1).data)
    digest = h.hexdigest()
    try:
        ref = weakref.ref(a, lambda _r, key=key: _forget(key, _r))
    except TypeError:  # pragma: no cover - plain ndarrays always take weak references
        return digest
    with _digests_lock:
        _digests[key] = (ref, digest)
    return digest


def _forget(key: int, ref: weakref.ref) -> None:
    with _digests_lock:
        hit = _digests.get(key)
        if hit is not None and hit[0] is ref:
            del _digests[key]


class ResultCache(Generic[T]):
    """A thread-safe least-recently-used mapping from keys to results.

    Parameters
    ----------
    maxsize : int
        Results kept; the least recently used one goes first.
    """

    def __init__(self, maxsize: int = 16) -> None:
        self.maxsize = max(1, int(maxsize))
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> T | None:
        """The result stored under ``key``, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: T) -> None:
        """Store ``value`` under ``key``, dropping the oldest result if full."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __contains__(self, key: Any) -> bool:
        with self._lock:
            return key in self._items


def sample_rows(X: np.ndarray, max_rows: int, seed: int = 0) -> tuple[np.ndarray, bool]:
    """At most ``max_rows`` rows of X, drawn without replacement in their original order.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    max_rows : int
    seed : int
        Seed of the draw, so that the same data always gives the same sample.

    Returns
    -------
    X_sample : ndarray of shape (min(n_samples, max_rows), n_features)
    sampled : bool
        True when rows were left out.
    """
    n = X.shape[0]
    if n <= max_rows:
        return X, False
    keep = np.sort(np.random.default_rng(seed).choice(n, max_rows, replace=False))
    return X[keep], True
