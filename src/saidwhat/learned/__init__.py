"""The learned attribution tagger: a CRF over spaCy tokens, trained on PolNeAR, that finds every
attribution's source, cue and content spans (see :mod:`saidwhat.learned.tagger`)."""

from __future__ import annotations

__all__ = ["Tagger"]

from saidwhat.learned.tagger import Tagger
