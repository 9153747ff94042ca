"""K-means (hard assignment), used to start EM and to compare hard with soft assignment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_viz.em.params import _check_X
from gmm_viz.errors import ParameterError


@dataclass(frozen=True)
class KMeansResult:
    """Result of :func:`kmeans`.

    Attributes
    ----------
    centers : ndarray (K, D)
    labels : ndarray (N,)
    inertia : float
        Sum of squared distances of points to their center.
    history : list of ndarray (K, D)
        The centers at the start and after each iteration.
    n_iter : int
    """

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    history: list
    n_iter: int


def _sq_distances(X, centers):
    """Squared distances, (K, N), computed as differences (no cancellation)."""
    out = np.zeros((centers.shape[0], X.shape[0]))
    for j in range(X.shape[1]):
        dj = X[None, :, j] - centers[:, None, j]
        out += dj * dj
    return out


def _kmeans_plusplus(X, n_clusters, rng):
    n = X.shape[0]
    centers = np.empty((n_clusters, X.shape[1]))
    centers[0] = X[rng.integers(n)]
    closest = _sq_distances(X, centers[:1])[0]
    for c in range(1, n_clusters):
        total = closest.sum()
        if total <= 0:
            idx = rng.integers(n)
        else:
            idx = int(np.searchsorted(np.cumsum(closest), rng.random() * total))
            idx = min(idx, n - 1)
        centers[c] = X[idx]
        np.minimum(closest, _sq_distances(X, centers[c : c + 1])[0], out=closest)
    return centers


def kmeans(X, n_clusters, *, init="k-means++", max_iter=100, tol=1e-10, random_state=None):
    """Lloyd's K-means with hard assignment.

    Parameters
    ----------
    X : array-like (N, D) or (N,)
    n_clusters : int
    init : "k-means++", "random" or an array of initial centers (K, D)
    max_iter : int
    tol : float
        Stop when no center moves more than ``tol`` (in the data's units, squared).
    random_state : int, numpy Generator or None

    Returns
    -------
    KMeansResult
    """
    X = _check_X(X)
    rng = np.random.default_rng(random_state)
    if isinstance(init, str):
        if init == "k-means++":
            centers = _kmeans_plusplus(X, n_clusters, rng)
        elif init == "random":
            centers = X[rng.choice(X.shape[0], n_clusters, replace=False)].copy()
        else:
            raise ParameterError(f"Unknown K-means init {init!r}; use 'k-means++' or 'random'.")
    else:
        centers = np.array(init, dtype=float).reshape(n_clusters, X.shape[1])
    history = [centers.copy()]
    labels = np.zeros(X.shape[0], dtype=int)
    for _ in range(max_iter):
        dist = _sq_distances(X, centers)
        labels = dist.argmin(axis=0)
        new = centers.copy()
        for c in range(n_clusters):
            members = labels == c
            if members.any():
                new[c] = X[members].mean(axis=0)
            else:
                # An empty cluster takes the point farthest from its center.
                far = int(dist[labels, np.arange(X.shape[0])].argmax())
                new[c] = X[far]
                labels[far] = c
        shift = float(((new - centers) ** 2).sum(axis=1).max())
        centers = new
        history.append(centers.copy())
        if shift <= tol:
            break
    n_iter = len(history) - 1
    dist = _sq_distances(X, centers)
    labels = dist.argmin(axis=0)
    inertia = float(dist[labels, np.arange(X.shape[0])].sum())
    return KMeansResult(centers, labels, inertia, history, n_iter)
