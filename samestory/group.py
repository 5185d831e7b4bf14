"""Group: verified pairs joined into groups (connected components)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["connected_groups"]


def connected_groups(n: int, a: list[int] | np.ndarray, b: list[int] | np.ndarray) -> np.ndarray:
    """Group label per row; rows in no pair are groups of one. Labels are the smallest row."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # relabel by smallest member so labels do not depend on scipy's traversal order
    smallest = np.full(labels.max() + 1, n, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(n))
    return smallest[labels]
