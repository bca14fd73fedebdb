"""Gaussian mixture benchmark: one EM iteration (E-step + M-step), full covariance, against scikit-learn.

Run through ``python3 tests/bench/run.py gmm`` (add ``--quick`` for CI
sizes), or directly: ``python3 tests/bench/bench_gmm.py [--quick]``.

Both sides fit the same data from the same weights, means and precisions
(``*_init``) with ``tol=0`` so that they run exactly ``max_iter``
iterations (checked through ``n_iter_``); the figure is the time of the
whole ``fit`` divided by ``n_iter_``. Ours is ``fit``, which runs the step
generator and builds every Step (labels, confidence, parameters) on the
way, so the figure includes what the app pays. Best of several repeats,
alternating the two sides, because the machine is shared.

The second row repeats the measure with BLAS limited to one thread: tiny
LAPACK calls (scikit-learn solves a 2x2 triangular system per component per
iteration) can wait milliseconds for BLAS worker threads on a busy machine,
which inflates the default baseline; one thread is the fairer comparison.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

FULL_N = 100_000
QUICK_N = 5_000
N_COMPONENTS = 5
ITERATIONS = 20
TARGET = 1.0


def measure(quick: bool) -> list[dict]:
    """Rows: a full-covariance EM iteration against scikit-learn, default threads and one BLAS thread."""
    n = QUICK_N if quick else FULL_N
    repeats = 3 if quick else 7
    X, init = _data(n)
    rows = [_row(X, init, repeats, label="")]
    limits = _one_blas_thread()
    if limits is not None:
        rows.append(_row(X, init, repeats, label=", 1 BLAS thread", context=limits))
    return rows


def _row(X: np.ndarray, init: dict[str, np.ndarray], repeats: int, *, label: str, context=None) -> dict:
    ours_best = theirs_best = float("inf")
    with context if context is not None else nullcontext():
        for _ in range(repeats):
            ours_best = min(ours_best, _per_iteration(lambda: _ours(X, init)))
            theirs_best = min(theirs_best, _per_iteration(lambda: _sklearn(X, init)))
    ratio = ours_best / theirs_best
    return {
        "goal": f"GMM full EM iteration n={_short(X.shape[0])} k={N_COMPONENTS}{label}",
        "figure": f"{ours_best * 1e3:.2f} ms",
        "baseline": f"sklearn {theirs_best * 1e3:.2f} ms",
        "ratio": ratio,
        "target": f"< {TARGET:g}x",
        "met": ratio < TARGET,
    }


def _data(n: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Five elongated, rotated blobs in 2-D, and a plausible start: 5 data points, equal weights."""
    rng = np.random.RandomState(0)
    centres = rng.uniform(-10, 10, size=(N_COMPONENTS, 2))
    labels = rng.randint(N_COMPONENTS, size=n)
    angles = rng.uniform(0, np.pi, size=N_COMPONENTS)
    rotations = np.stack([[[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]] for a in angles])
    scales = rng.uniform(0.4, 2.0, size=(N_COMPONENTS, 2))
    shapes = rotations * scales[:, None, :]
    X = centres[labels] + np.einsum("nij,nj->ni", shapes[labels], rng.randn(n, 2))
    precision = np.linalg.inv(np.cov(X.T))
    init = {
        "weights_init": np.full(N_COMPONENTS, 1.0 / N_COMPONENTS),
        "means_init": X[rng.choice(n, N_COMPONENTS, replace=False)].copy(),
        "precisions_init": np.stack([precision] * N_COMPONENTS),
    }
    return X, init


def _ours(X: np.ndarray, init: dict[str, np.ndarray]) -> int:
    from tuiclust.core.gmm import GaussianMixture

    model = GaussianMixture(N_COMPONENTS, max_iter=ITERATIONS, tol=0.0, **init).fit(X)
    return model.n_iter_


def _sklearn(X: np.ndarray, init: dict[str, np.ndarray]) -> int:
    from sklearn.mixture import GaussianMixture as SkGaussianMixture

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: tol=0 never converges, on purpose
        model = SkGaussianMixture(N_COMPONENTS, max_iter=ITERATIONS, tol=0.0, **init).fit(X)
    return int(model.n_iter_)


def _per_iteration(run: Callable[[], int]) -> float:
    start = time.perf_counter()
    n_iter = run()
    elapsed = time.perf_counter() - start
    if n_iter != ITERATIONS:
        raise RuntimeError(f"expected {ITERATIONS} EM iterations, the fit ran {n_iter}")
    return elapsed / n_iter


def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - comes with scikit-learn
        return None
    return threadpool_limits(limits=1, user_api="blas")


def _short(n: int) -> str:
    return f"{n // 1000}k" if n < 1_000_000 else f"{n / 1e6:g}M"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for row in measure("--quick" in sys.argv[1:]):
        print(
            f"{row['goal']:<46} {row['figure']:>10} {row['baseline']:>22} "
            f"{row['ratio']:>6.2f}x {row['target']:>6}  {'yes' if row['met'] else 'NO'}"
        )
