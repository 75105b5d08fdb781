"""Mentions -> canonical speakers (saidwhat.entities), on hand-built mentions: each case is a
short invented sequence of mentions in text order, then the speaker mention to resolve."""

from __future__ import annotations

import pytest

from saidwhat.entities import EntityTable, Mention


def _name(start: int, text: str, sent: int, label: str | None = "PERSON", **kw: object) -> Mention:
    return Mention(start, start + len(text), text, "name", sent=sent, label=label, **kw)  # type: ignore[arg-type]


def _table(*names: Mention) -> EntityTable:
    table = EntityTable()
    for m in names:
        table.observe(m)
    return table


def test_a_surname_goes_to_the_namesake_mentioned_more_often() -> None:
    table = _table(
        _name(0, "Roland Pike", 0, subject=True),
        _name(40, "Roland Pike", 1, subject=True),
        _name(90, "Delia Pike", 2),  # "for his wife Delia Pike": the most recent, in passing
    )
    res = table.resolve(_name(150, "Pike", 3, subject=True))
    assert res.name == "Roland Pike"


def test_a_surname_goes_to_the_more_recent_of_equally_mentioned_namesakes() -> None:
    table = _table(_name(0, "Roland Pike", 0), _name(40, "Delia Pike", 1))
    assert table.resolve(_name(90, "Pike", 2)).name == "Delia Pike"


def test_a_given_name_keeps_namesakes_of_the_other_gender_apart() -> None:
    table = _table(_name(0, "Mrs. Pike", 0), _name(40, "James Pike", 1))
    names = sorted(e.name for e in table.entities)
    assert names == ["James Pike", "Pike"]


def test_a_full_name_grows_only_in_the_middle() -> None:
    table = _table(
        _name(0, "Delia Pike", 0),
        _name(40, "Delia R. Pike", 1),
        _name(90, "Crooked Delia R. Pike", 2),
    )
    assert [e.name for e in table.entities] == ["Delia R. Pike"]


def test_a_name_inside_a_quote_does_not_rename_the_speaker() -> None:
    table = _table(_name(0, "Pike", 0), _name(40, "Delia Pike", 1, in_quote=True))
    assert [e.name for e in table.entities] == ["Pike"]


def test_an_acronym_stands_for_the_organisation_spelled_out_before() -> None:
    table = _table(
        _name(0, "Alliance to Restore Rural Clinics", 0, label="ORG"),
        _name(60, "ARRC", 1, label="ORG"),
    )
    assert [e.name for e in table.entities] == ["Alliance to Restore Rural Clinics"]


def test_it_is_an_organisation_named_as_a_subject_just_before() -> None:
    table = _table(_name(0, "Harbor Authority", 0, label="ORG", subject=True))
    it = Mention(60, 62, "It", "pronoun", sent=1, subject=True)
    res = table.resolve(it)
    assert (res.name, res.evidence) == ("Harbor Authority", "speaker:pronoun-org")


def test_it_far_from_any_organisation_stays_unresolved() -> None:
    table = _table(_name(0, "Harbor Authority", 0, label="ORG", subject=True))
    res = table.resolve(Mention(300, 302, "It", "pronoun", sent=6, subject=True))
    assert res.entity is None


def test_a_known_name_the_parser_read_as_a_common_noun_is_still_the_name() -> None:
    table = _table(_name(0, "Megan Hester", 0))
    hester = Mention(80, 86, "Hester", "description", sent=2, head="Hester")
    res = table.resolve(hester)
    assert (res.name, res.evidence) == ("Megan Hester", "speaker:name-known")


def test_a_message_noun_is_not_the_last_speaker() -> None:
    table = _table(_name(0, "Megan Hester", 0, subject=True))
    last = table.entities[0]
    statement = Mention(80, 91, "a statement", "description", sent=1, head="statement")
    res = table.resolve(statement, last_speaker=last)
    assert res.entity is None
    assert res.evidence == "speaker:description-message"


def test_a_possessive_pronoun_is_a_pronoun() -> None:
    table = _table(_name(0, "Roland Pike", 0, subject=True))
    res = table.resolve(Mention(40, 43, "his", "pronoun", sent=1))
    assert res.name == "Roland Pike"


def test_dates_are_no_group_of_speakers() -> None:
    table = EntityTable()
    parts = (
        _name(0, "January", 0, label="DATE"),
        _name(12, "September", 0, label="DATE"),
    )
    group = Mention(0, 21, "January and September", "group", members=parts, plural=True)
    assert table.observe(group) is None


def test_an_indefinite_description_is_someone_new() -> None:
    table = _table(_name(0, "Megan Hester", 0, subject=True))
    woman = Mention(80, 93, "a young woman", "description", sent=1, head="woman")
    res = table.resolve(woman, last_speaker=table.entities[0])
    assert res.entity is None and res.evidence == "speaker:description-unlinked"


def test_a_handle_names_its_account() -> None:
    user = Mention(0, 29, "one Twitter user @tidewater_fan", "description", head="user")
    res = EntityTable().resolve(user)
    assert (res.name, res.evidence) == ("@tidewater_fan", "speaker:handle")


def test_a_name_inside_a_quote_is_not_the_narrative_he() -> None:
    table = _table(
        _name(0, "Roland Pike", 0, subject=True),
        _name(60, "Oskar Lind", 1, subject=True, in_quote=True),  # “Oskar Lind told me …,”
    )
    he = Mention(120, 122, "he", "pronoun", sent=2, subject=True)
    assert table.resolve(he).name == "Roland Pike"


def test_a_headline_name_that_ran_on_is_the_body_name_it_starts_with() -> None:
    headline = _name(0, "Lena Ostrova Slams Harbor Board", 0, titlecase=True)
    table = _table(headline, _name(60, "Lena Ostrova", 1, subject=True))
    assert table.resolve(headline).name == "Lena Ostrova"


def test_a_headline_title_alone_is_the_person_the_body_names_with_it() -> None:
    mayor = _name(0, "Mayor", 0, label=None, subject=True, titlecase=True)
    table = _table(mayor, _name(60, "Mayor Ruth Okafor", 1, subject=True))
    res = table.resolve(mayor)
    assert (res.name, res.evidence) == ("Ruth Okafor", "speaker:headline-title")


def test_an_organisation_only_a_headline_names_is_not_the_union_of_the_body() -> None:
    table = _table(_name(0, "Union Rejects", 0, label="ORG", subject=True, titlecase=True))
    union = Mention(80, 95, "their union", "description", sent=2, head="union")
    assert table.resolve(union).name != "Union Rejects"


def test_common_words_a_recogniser_typed_organisation_are_no_person() -> None:
    table = _table(
        _name(0, "Ida Brook", 0, subject=True),
        _name(40, "Harbor Coverage", 1, label="ORG", subject=True),  # "Prize for Harbor Coverage"
    )
    chef = Mention(80, 88, "The chef", "description", sent=2, head="chef")
    assert table.resolve(chef).name == "Ida Brook"


@pytest.mark.parametrize(("sent", "linked"), [(1, True), (4, False)])
def test_a_titled_description_is_the_person_named_right_after_it(sent: int, linked: bool) -> None:
    """ "Marlow’s port commissioner says … Ida Brook says she …" (and not a name far after)."""
    table = _table(_name(0, "Marlow", 0, label="GPE"), _name(90, "Ida Brook", sent, subject=True))
    role = Mention(
        0, 26, "Marlow’s port commissioner", "description", head="commissioner", possessive=True
    )
    assert (table.resolve(role).name == "Ida Brook") is linked


def test_an_indefinite_title_is_not_the_last_bearer_but_the_person_named_next() -> None:
    """ "spokeswoman Ida Brook said … A spokeswoman for Okafor says … Rosa Lind spoke …" """
    table = _table(
        _name(0, "Spokeswoman Ida Brook", 0, subject=True),
        _name(120, "Rosa Lind", 3, subject=True),
    )
    other = Mention(60, 73, "A spokeswoman", "description", sent=2, head="spokeswoman")
    assert table.resolve(other).name == "Rosa Lind"


def test_a_last_speaker_known_by_another_title_is_not_a_new_description() -> None:
    table = _table(
        _name(0, "Marisol Vega", 0, subject=True),
        _name(40, "Coach Tom Reilly", 1),
    )
    author = Mention(90, 109, "The cookbook author", "description", sent=2, head="author")
    assert table.resolve(author, last_speaker=table.entities[1]).name == "Marisol Vega"


def test_a_title_written_with_the_name_links_a_later_description() -> None:
    table = _table(
        _name(0, "Gov. Lena Ostrova", 0, subject=True),
        _name(60, "Idris Banerjee", 1, subject=True),
    )
    governor = Mention(120, 132, "the governor", "description", sent=2, head="governor")
    res = table.resolve(governor, last_speaker=table.entities[1])
    assert (res.name, res.evidence) == ("Lena Ostrova", "speaker:description-link")


def test_a_party_or_title_alone_is_nobody() -> None:
    table = _table(_name(0, "Republican", 0, label=None, subject=True))
    assert table.entities == []
    he = Mention(40, 42, "He", "pronoun", sent=1, subject=True)
    assert table.resolve(he).entity is None


def test_a_name_ending_in_a_group_noun_is_no_one_to_call_he() -> None:
    table = _table(
        _name(0, "Quill Harrow", 0, subject=True),
        _name(40, "Harbor Women", 1, subject=True),  # tagged PERSON by a noisy recogniser
    )
    he = Mention(80, 82, "he", "pronoun", sent=2, subject=True)
    assert table.resolve(he).name == "Quill Harrow"


@pytest.mark.parametrize(("text", "head"), [("the senators", "senators"), ("the two", "two")])
def test_a_definite_plural_points_back_to_the_pair_just_named(text: str, head: str) -> None:
    table = EntityTable()
    parts = (_name(0, "Oona Reed", 0), _name(14, "Tomas Vale", 0))
    table.observe(Mention(0, 24, "Oona Reed and Tomas Vale", "group", members=parts, plural=True))
    plural = head.endswith("s")
    desc = Mention(60, 60 + len(text), text, "description", sent=1, head=head, plural=plural)
    res = table.resolve(desc)
    assert (res.name, res.evidence) == ("Oona Reed and Tomas Vale", "speaker:description-group")


def test_it_is_never_a_plural_group() -> None:
    table = EntityTable()
    leaders = Mention(
        0, 11, "the leaders", "description", head="leaders", plural=True, subject=True
    )
    table.resolve(leaders)  # registers the group "the leaders"
    res = table.resolve(Mention(40, 42, "It", "pronoun", sent=1, subject=True))
    assert res.entity is None


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Harbour Affairs Minister Ilse Varga", "Ilse Varga"),  # a title, then a given name
        ("Conservative Leader Tomas Vale", "Tomas Vale"),
        ("Mr. Brannigan", "Brannigan"),  # an honorific before a short name
        ("Republican National Committee", "Republican National Committee"),  # a party word
        ("General Assembly", "General Assembly"),
        ("Secretary of State Ilse Varga", "Ilse Varga"),  # from the given name after "of State"
        ("Ministry of Harbours", "Ministry of Harbours"),
        ("Nanaimo MLA Sheila Marsh", "Sheila Marsh"),  # a member of a legislature
        ("House Speaker Tomas Vale", "Tomas Vale"),
        ("Filmmaker Annick Beaulieu-Tran", "Annick Beaulieu-Tran"),  # an occupation
        ("Economist Tovah Lindqvist", "Tovah Lindqvist"),
        ("Meteorologist Gerald Cheng", "Gerald Cheng"),  # any "-ologist"
        ("Attorney General Tovah Lindqvist", "Attorney General Tovah Lindqvist"),  # a title
        ("Farmer Brothers", "Farmer Brothers"),  # too short for a name after it
        ("Teacher Union Hall", "Teacher Union Hall"),  # an organisation word
    ],
)
def test_a_name_is_shown_without_the_titles_written_before_it(written: str, shown: str) -> None:
    from saidwhat.entities import display_name

    assert display_name(written) == shown


def test_a_place_after_of_is_not_the_organisations_short_name() -> None:
    table = _table(
        _name(0, "Saskatoon", 0, label="GPE"),
        _name(40, "Prairie Growers Association of Saskatoon", 1, label="ORG"),
    )
    assert sorted(e.name for e in table.entities) == [
        "Prairie Growers Association of Saskatoon",
        "Saskatoon",
    ]


def _desc(start: int, text: str, sent: int, head: str, **kw: object) -> Mention:
    return Mention(start, start + len(text), text, "description", sent=sent, head=head, **kw)  # type: ignore[arg-type]


def test_a_description_opening_a_sentence_is_the_sentence_befores_subject() -> None:
    """ "“…,” Priya Halloran said. Board chair Odile Varnum disputed that. The 58-year-old
    said …": the topic of the sentence before, not the last speaker."""
    table = _table(
        _name(0, "Priya Halloran", 0, subject=True),
        _name(40, "Odile Varnum", 1, subject=True),
    )
    last = table.entities[0]
    res = table.resolve(_desc(80, "The 58-year-old", 2, "58-year-old", subject=True), last)
    assert (res.name, res.evidence) == ("Odile Varnum", "speaker:description-previous-subject")


def test_a_party_keeps_nominees_apart() -> None:
    table = _table(_name(0, "Lorna Baptiste", 0), _name(40, "Dale Whitcombe", 1))
    table.link_description("nominee", _name(0, "Lorna Baptiste", 0))
    table.link_description("democratic nominee", _name(0, "Lorna Baptiste", 0))
    table.link_description("nominee", _name(40, "Dale Whitcombe", 1))
    table.link_description("republican nominee", _name(40, "Dale Whitcombe", 1))
    res = table.resolve(_desc(90, "The Democratic nominee", 5, "nominee", subject=True))
    assert res.name == "Lorna Baptiste"
    res = table.resolve(_desc(130, "The Republican nominee", 6, "nominee", subject=True))
    assert res.name == "Dale Whitcombe"


def test_someone_introduced_by_an_indefinite_description_has_an_entity() -> None:
    table = _table(_name(0, "Bertram Quill", 0, subject=True))
    young = _desc(40, "A young deckhand", 1, "deckhand", subject=True)
    table.introduce(young)
    assert table.resolve(young).name == "young deckhand"
    assert table.resolve(_desc(90, "a retired teacher", 2, "teacher")).entity is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Donald Trump’s campaign", "the Trump campaign"),  # as news names it
        ("Ostrova's administration", "the Ostrova administration"),
        ("the campaign", "the campaign"),
        ("his campaign", "his campaign"),
        ("Ostrova's lawyers", "Ostrova's lawyers"),  # not a group named for her
    ],
)
def test_a_group_named_for_a_person_is_shown_by_the_surname(text: str, shown: str) -> None:
    head = text.split()[-1]
    table = EntityTable()
    mention = Mention(0, len(text), text, "description", head=head, plural=head.endswith("s"))
    assert table.resolve(mention).name == shown


def test_he_after_a_report_is_the_reporter_not_the_one_reported_on() -> None:
    """ "Spokesman Jon Marsh said that Governor Tomas Vale has long called for … He said …":
    the first subject of the sentence before, not the most recent one."""
    table = _table(
        _name(0, "Jon Marsh", 0, subject=True),
        _name(40, "Tomas Vale", 0, subject=True),
    )
    res = table.resolve(Mention(90, 92, "He", "pronoun", sent=1, subject=True))
    assert res.name == "Jon Marsh"


@pytest.mark.parametrize("text", ["the province", "the city", "the state"])
def test_a_government_by_its_place_is_no_person(text: str) -> None:
    """ "According to the province, …" after a quote by Karin Kirk: not Karin Kirk."""
    table = _table(_name(0, "Karin Kirk", 0, subject=True))
    mention = Mention(40, 40 + len(text), text, "description", sent=1, head=text.split()[-1])
    assert table.resolve(mention, table.entities[0]).name == text
