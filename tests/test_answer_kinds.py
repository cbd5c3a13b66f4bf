"""What a question asks for, and the typed spans that answer it (no model: pure functions)."""

from __future__ import annotations

import pytest

from bot.answer.features import names_all_in, question_names, with_parts
from bot.answer.people import (
    age_asked_of,
    asked_roles,
    asks_who_named,
    names_someone,
    role_names,
    stated_ages,
    without_adjectives,
)
from bot.answer.previous import asks_what_next, asks_who_said, quoted_fragments
from bot.answer.questions import AnswerType, answer_type, followup_type
from bot.answer.spans import asked_measure, counted_spans, counted_words, find_spans, new_spans, states_measure

DUTCH = [
    ("Hoeveel punten gaf de verdediging weg?", AnswerType.NUMBER),
    ("Hoe oud is Poetin?", AnswerType.NUMBER),
    ("Hoe vaak won Ajax de beker?", AnswerType.NUMBER),
    ("Welk percentage stemde voor?", AnswerType.NUMBER),
    ("Wat kost de verbouwing?", AnswerType.NUMBER),  # an amount, as "Hoeveel kost ...?"
    ("Wat verdiende hij vorig jaar?", AnswerType.NUMBER),
    ("Wanneer begon de oorlog?", AnswerType.DATE),
    ("In welk jaar werd Tesla geboren?", AnswerType.DATE),
    ("Op welke datum begon de operatie?", AnswerType.DATE),
    ("Wie interviewde Loekasjenko?", AnswerType.PERSON),
    ("Met welke journaliste sprak hij?", AnswerType.PERSON),
    ("Van wie kwam het idee?", AnswerType.PERSON),
    ("Waar stationeerde Moskou kernwapens?", AnswerType.PLACE),
    ("In welke stad landde Guaidó?", AnswerType.PLACE),
    ("Welke gebieden noemt Loekasjenko?", AnswerType.PLACE),  # plurals ask the same kind
    ("Welke supermarkt is het goedkoopst?", AnswerType.ORGANISATION),
    ("Welke partijen eisten uitsluiting?", AnswerType.ORGANISATION),
    ("Welke partij won de verkiezingen?", AnswerType.ORGANISATION),
    ("Voor welke club speelt Huntelaar?", AnswerType.ORGANISATION),
    ("Waarom staakten de leerlingen?", AnswerType.REASON),
    ("Om welke reden werd de handel geschorst?", AnswerType.REASON),
    ("En waarom dan?", AnswerType.REASON),
    ("Waardoor liep de kat weg?", AnswerType.REASON),
    ("Welke speler kreeg een penalty, waardoor Denver opnieuw mocht aanvallen?", AnswerType.PERSON),  # a clause
    ("Is Minsk betrokken bij het conflict?", AnswerType.YESNO),
    ("Vertrokken er vanuit Wit-Rusland aanvallen op Kiev?", AnswerType.YESNO),
    ("Wat zei Loekasjenko over de invasie?", AnswerType.QUOTE),
    ("En wat vindt hij van onderhandelingen?", AnswerType.QUOTE),
    ("Waar was Poetin bang voor?", AnswerType.OTHER),  # "waarvoor": a thing, not a place
    ("Wat vroeg Poetin aan Loekasjenko?", AnswerType.OTHER),
]
ENGLISH = [
    ("How many points did the defense give up?", AnswerType.NUMBER),
    ("How old is Putin?", AnswerType.NUMBER),
    ("When did the war start?", AnswerType.DATE),
    ("In what year was Tesla born?", AnswerType.DATE),
    ("Who interviewed Lukashenko?", AnswerType.PERSON),
    ("Which regions must be discussed?", AnswerType.PLACE),
    ("Which newspapers reported it?", AnswerType.ORGANISATION),
    ("Which journalist did he talk to?", AnswerType.PERSON),
    ("Where has Moscow stationed nuclear weapons?", AnswerType.PLACE),
    ("Which country did he visit?", AnswerType.PLACE),
    ("Which team won Super Bowl 50?", AnswerType.ORGANISATION),
    ("Why did the students go on strike?", AnswerType.REASON),
    ("Did Russia tell Belarus about the invasion?", AnswerType.YESNO),
    ("What did he say about nuclear weapons?", AnswerType.QUOTE),
    ("What did Putin ask Lukashenko?", AnswerType.OTHER),
]


@pytest.mark.parametrize(("question", "kind"), DUTCH)
def test_dutch_answer_type(question: str, kind: AnswerType) -> None:
    assert answer_type(question, "nl") is kind


@pytest.mark.parametrize(("question", "kind"), ENGLISH)
def test_english_answer_type(question: str, kind: AnswerType) -> None:
    assert answer_type(question, "en") is kind


SENTENCE = (
    "Hoewel Wit-Rusland als één van de nauwste bondgenoten van Moskou wordt beschouwd, wist de Wit-Russische "
    "president Aleksandr Loekasjenko (68) op voorhand niets af van de plannen van zijn Russische collega "
    "Vladimir Poetin (70) om Oekraïne binnen te vallen in februari 2022."
)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (AnswerType.NUMBER, {"68", "70", "2022"}),
        (AnswerType.DATE, {"februari 2022"}),
    ],
)
def test_typed_spans_are_verbatim_pieces_of_the_sentence(kind: AnswerType, expected: set[str]) -> None:
    spans = [s for s in find_spans(SENTENCE) if s.kind is kind]
    assert {s.text for s in spans} >= expected
    for span in spans:
        assert SENTENCE[span.start : span.end] == span.text


def test_names_are_found_and_words_of_the_question_are_not_new() -> None:
    names = {s.text for s in new_spans(SENTENCE, AnswerType.PERSON, "Wie is de collega van Loekasjenko?")}
    assert "Vladimir Poetin" in names
    assert "Aleksandr Loekasjenko" not in names  # the question already names him


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("XCOR bood voor 70 duizend euro een reis aan.", "70 duizend euro"),
        ("Het project kost twee miljoen euro.", "twee miljoen euro"),
        ("Het kostte 3 miljard dollar.", "3 miljard dollar"),
    ],
)
def test_a_number_with_its_multiplier_is_one_span(text: str, number: str) -> None:
    # "70 duizend euro" is one amount, not "70" and "duizend euro" (the short answer showed "duizend euro").
    assert [s.text for s in find_spans(text) if s.kind is AnswerType.NUMBER] == [number]


@pytest.mark.parametrize(
    ("text", "kind", "names"),
    [
        # Who speaks, or whose age is given, is a person, not a school or a town ...
        ("Daarvan is geen sprake, zegt Woonink, die de docent sprak.", AnswerType.ORGANISATION, []),
        ("Daarvan is geen sprake, zegt Woonink, die de docent sprak.", AnswerType.PERSON, ["Woonink"]),
        ("Dat meldt Karin Smit (45) uit Lochem.", AnswerType.PLACE, ["Lochem"]),
        ("Dat meldt Karin Smit (45) uit Lochem.", AnswerType.PERSON, ["Karin Smit", "Lochem"]),
        # ... while a name without such a cue may be any of the three.
        ("De docent van het Staring College in Lochem.", AnswerType.ORGANISATION, ["Staring College", "Lochem"]),
    ],
)
def test_a_speaker_or_a_name_with_an_age_is_a_person(text: str, kind: AnswerType, names: list[str]) -> None:
    assert [s.text for s in new_spans(text, kind, "Op welke school werkte de docent?")] == names


@pytest.mark.parametrize(
    ("question", "text", "new"),
    [
        # "Wit-Rusland" is another country than "Rusland": the question's name does not make it known.
        ("Van wie is Wit-Rusland afhankelijk?", "Wit-Rusland is sterk afhankelijk van Rusland.", ["Rusland"]),
        ("Wie ligt ten noorden van Zuid-Korea?", "Ten noorden ligt Noord-Korea, naast Zuid-Korea.", ["Noord-Korea"]),
        # ... but the Wagner of "Wagner-muiterij" is the Wagner of "Wagner-huurleger".
        ("Wie bemiddelde in de Wagner-muiterij?", "Toen sprak Loekasjenko met het Wagner-huurleger.", ["Loekasjenko"]),
    ],
)
def test_a_hyphenated_name_is_one_name(question: str, text: str, new: list[str]) -> None:
    assert [s.text for s in new_spans(text, AnswerType.PERSON, question)] == new


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        ("Hij zei: “We gaan door.”", ["“We gaan door.”"]),
        (",,Ik ben blij met de eisen'', zegt Jellesma.", [",,Ik ben blij met de eisen''"]),  # Dutch news style
        # a quotation over several sentences: its first and last sentence are quotes too
        (
            "“Onderhandelingen moeten zonder voorwaarden van start gaan.",
            ["“Onderhandelingen moeten zonder voorwaarden van start gaan."],
        ),
        ("Alles moet besproken worden”, aldus de president.", ["Alles moet besproken worden”"]),
        ("De auto's van de buren stonden er al.", []),
    ],
)
def test_quotations_in_a_sentence(text: str, quotes: list[str]) -> None:
    assert [s.text for s in find_spans(text) if s.kind is AnswerType.QUOTE] == quotes


def test_a_reason_question_is_answered_by_a_clause_with_a_cue_word() -> None:
    text = "De leerlingen staakten, omdat ze het er niet mee eens zijn dat de docent is geschorst."
    spans = new_spans(text, AnswerType.REASON, "Waarom staakten de leerlingen?")
    assert spans and spans[0].text.startswith("omdat ze het er niet mee eens zijn")


def test_a_reason_that_only_repeats_the_question_is_not_an_answer() -> None:
    """Asked why the directive came, "vanwege een Europese richtlijn" restates the question; "Aanleiding waren
    de aanslagen" gives the reason."""
    question = "Wat was de aanleiding voor die Europese richtlijn?"
    restating = "Aanpassing van de wet is nodig vanwege een Europese richtlijn."
    assert new_spans(restating, AnswerType.REASON, question) == []
    answering = "Aanleiding waren de terroristische aanslagen in Parijs in 2015."
    assert [s.text for s in new_spans(answering, AnswerType.REASON, question)] == [answering[:-1]]
    assert new_spans(restating, AnswerType.REASON, "Waarom moest de wet worden aangepast?")  # a reason there


@pytest.mark.parametrize(
    ("question", "numbers"),
    [
        ("Hoe oud is Poetin?", {"68", "70", "2022"}),
        ("How old is Putin?", {"68", "70", "2022"}),
        ("Hoe groot is het Wit-Russische leger?", {"2022"}),  # "(68)" is an age, not a size
        ("Hoeveel soldaten telt het leger?", set()),  # nor is a year a count of soldiers
    ],
)
def test_an_age_in_brackets_answers_only_a_question_about_age(question: str, numbers: set[str]) -> None:
    assert {s.text for s in new_spans(SENTENCE, AnswerType.NUMBER, question)} == numbers


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Volgens hem was het staatshoofd bang dat het Westen hem zou verraden.", "bang dat"),
        ("Hij vluchtte uit angst voor represailles.", "uit angst"),
        ("He stayed home, afraid of the storm.", "afraid"),
    ],
)
def test_fear_is_a_reason(text: str, cue: str) -> None:
    spans = new_spans(text, AnswerType.REASON, "Waarom?")
    assert spans and spans[0].text.startswith(cue)


@pytest.mark.parametrize(
    ("question", "text", "stated"),
    [
        ("Hoe oud is Poetin?", "Vladimir Poetin (70) zei dat.", True),
        ("Hoe oud is hij?", "De 70-jarige man zei dat.", True),
        ("Hoe oud is de toren?", "De toren werd gebouwd in 1889.", True),
        ("Hoe oud is de sheriff?", "De sheriff verwacht dat het aantal van 23 doden nog oploopt.", False),
        ("Hoeveel kost een nieuwe bakfiets?", "Een nieuwe bakfiets kost 4.500 euro.", True),
        ("Hoeveel schade hebben de tornado's veroorzaakt?", "Drie reddingsteams zijn uitgezonden.", False),
        ("How much did the bridge cost?", "The bridge cost $5 million.", True),
        ("How old is the mayor?", "The mayor, in office since 2019, visited 12 towns.", False),
        ("Hoeveel mensen kwamen om?", "Het dodental stond zondag op 23.", True),
        ("Hoeveel mensen kwamen om?", "Daarbij kwamen vier kinderen om het leven.", True),
        ("How many people died?", "Tientallen mensen zijn gewond geraakt.", False),
        ("How many people were killed?", "The storm reached 130 kilometres an hour.", False),
        ("Hoeveel mensen raakten gewond?", "Twaalf mensen raakten gewond door vallende bomen.", True),
        ("Welke straf kreeg de man?", "De rechter veroordeelde hem tot twee jaar cel.", True),
        ("Welke straf kreeg de man?", "De man moest zich vandaag verantwoorden voor de rechter.", False),
        ("Wat was de uitslag van de wedstrijd?", "Ajax won met 2-1 van PSV.", True),
        ("Hoeveel duurder is biologisch eten?", "Nu is het prijsverschil nog maar 63 procent.", True),
        ("Hoeveel duurder is biologisch eten?", "Het is twee keer zo duur als gewoon eten.", True),
        ("Hoeveel duurder is biologisch eten?", "Dat was vijf jaar geleden nog anders.", False),
        ("How much cheaper is the train?", "A ticket costs 12 euros less than last year.", True),
        ("What was the final score?", "The match in 2019-2020 drew 40,000 people.", False),
    ],
)
def test_a_question_for_a_measure_needs_it_stated(question: str, text: str, stated: bool) -> None:
    measure = asked_measure(question)
    assert measure is not None
    assert states_measure(text, new_spans(text, AnswerType.NUMBER, question), measure) is stated


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Hoe oud is Poetin?", ["Poetin"]),
        ("Hoe oud is sheriff Jay Jones?", ["Jay", "Jones"]),
        ("What is the age of Meng Wanzhou?", ["Meng", "Wanzhou"]),
        ("How old is Putin", ["Putin"]),
        ("Hoe oud is de zoon van Poetin?", []),  # someone else's age
        ("Hoe oud was Poetin toen hij president werd?", []),  # an age at another time
        ("Hoe oud is hij?", []),
        ("Hoe oud is het Rotterdamse uiltje?", []),
    ],
)
def test_the_person_an_age_question_names(question: str, named: list[str]) -> None:
    assert age_asked_of(question) == named


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("Wat wilde Poetin van Loekasjenko? Hoe oud is hij?", ["Poetin"]),
        ("Wie is Diana Panchenko? Hoe oud is hij?", ["Diana", "Panchenko"]),
        ("Met wie sprak Loekasjenko? Hoe oud is hij?", []),  # he is the earlier answer, not a name it gave
        ("Wat is er gebeurd? Hoe oud is hij?", []),
    ],
)
def test_the_person_a_follow_up_age_question_means(query: str, named: list[str]) -> None:
    assert age_asked_of("Hoe oud is hij?", query) == named


@pytest.mark.parametrize(
    ("names", "text", "ages"),
    [
        (["Poetin"], "Aleksandr Loekasjenko (68) wist niets van Vladimir Poetin (70).", ["70"]),
        (["Lukashenko"], "Aleksandr Loekasjenko (68) wist niets van Vladimir Poetin (70).", ["68"]),
        (["Vladimir", "Putin"], "Vladimir Poetin (70) zweeg.", ["70"]),
        (["Jan", "Peeters"], "Kris Peeters (55) zei het.", []),  # another Peeters
        (["Peeters"], "Kris Peeters (55) zei het.", ["55"]),
        (["Tusk"], "Ivan Task (44) zei het.", []),
        (["Poetin"], "Poetin zei (in 2022) niets.", []),
    ],
)
def test_the_age_stated_after_a_name(names: list[str], text: str, ages: list[str]) -> None:
    spans = stated_ages(text, names)
    assert [s.text for s in spans] == ages
    assert all(text[s.start : s.end] == s.text for s in spans)


@pytest.mark.parametrize(
    ("question", "office"),
    [
        ("Welke minister heeft de regels opgesteld?", "minis"),
        ("Wie is de directeur van de school?", "direc"),
        ("Wie is de Wit-Russische president?", "presi"),
        ("Which mayor opened the bridge?", "mayor"),
        ("Who was the spokesman of the police?", "spoke"),
        ("Wie leidt Mars One?", "direc"),  # whoever heads it: director, leader, chair ...
        ("Wie is de leider van Wit-Rusland?", "presi"),  # a president leads too
        ("Wie is de gearresteerde topvrouw van Huawei?", "topvr"),  # the office asked always counts itself
        ("Wie is de topvrouw van Huawei?", "direc"),
        ("Wie is de lijsttrekker van de VVD in Brabant?", "lijst"),
        ("Wie is de fractievoorzitter van de PvdA?", "fract"),
        ("Wie interviewde Loekasjenko?", None),
        ("Welke man werd opgepakt?", None),  # no office
    ],
)
def test_the_office_a_who_question_asks_to_name(question: str, office: str | None) -> None:
    roles = asked_roles(question)
    assert (office in roles) if office else roles == ()


@pytest.mark.parametrize(
    ("text", "roles", "names"),
    [
        ("Verkeersminister Cora van Nieuwenhuizen heeft dat geregeld.", ("minis",), ["Cora van Nieuwenhuizen"]),
        ("Dat zegt Mars One-directeur Bas Lansdorp.", ("direc",), ["Bas Lansdorp"]),
        ("Dat zegt directeur Bas Lansdorp van Mars One.", ("direc",), ["Bas Lansdorp van Mars One"]),
        ("De minister wil met de Tweede Kamer praten.", ("minis",), []),  # no name after the office
        ("Dat heeft minister Grapperhaus gezegd.", ("direc",), []),  # another office
        ("Dat heeft minister Grapperhaus gezegd.", ("minis",), []),  # the name the question gave
    ],
)
def test_the_name_after_an_office(text: str, roles: tuple[str, ...], names: list[str]) -> None:
    spans = role_names(text, roles, "Wat heeft minister Grapperhaus gezegd?" if "Grapperhaus" in text else "")
    assert [s.text for s in spans] == names


LEAD = "wist de Wit-Russische president Aleksandr Loekasjenko niets. Op 24 februari kondigde president Poetin het aan."


@pytest.mark.parametrize(
    ("question", "names", "others"),
    [
        ("Wie is de Russische president?", ["Poetin"], ["Aleksandr Loekasjenko"]),
        ("Wie is de president van Rusland?", ["Poetin"], ["Aleksandr Loekasjenko"]),
        ("Wie is de Wit-Russische president?", ["Aleksandr Loekasjenko", "Poetin"], []),
        ("Wie is de president?", ["Aleksandr Loekasjenko", "Poetin"], []),  # whose office is not asked
    ],
)
def test_an_office_of_another_country_is_not_the_one_asked(question: str, names: list[str], others: list[str]) -> None:
    roles = asked_roles(question)
    assert [s.text for s in role_names(LEAD, roles, question)] == names
    assert [s.text for s in role_names(LEAD, roles, question, agreeing=False)] == others


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("de Wit-Russische president", False),
        ("kernwapens op Wit-Russisch grondgebied", False),
        ("de pro-Russische Oekraïense journaliste", False),
        ("de Amerikaanse, Nederlandse en Chinese ministers", False),
        ("journaliste Diana Panchenko", True),
        ("de Nederlandse WW", True),  # a run with a name in it
        ("de situatie in Oekraïne", False),  # a place, not a person
        ("dan wil Oekraïne onderhandelen", True),  # maybe a person: no cue says otherwise
    ],
)
def test_an_adjective_of_a_people_names_no_one(text: str, names: bool) -> None:
    spans = [s for s in find_spans(text) if s.kind is AnswerType.PERSON]
    assert spans
    assert any(names_someone(s, text) for s in spans) is names


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Wie is Loekasjenko?", True),
        ("Who was Jay Jones?", True),
        ("Wie is de directeur van de school?", False),
        ("Wie interviewde Loekasjenko?", False),
    ],
)
def test_who_a_named_person_is(question: str, named: bool) -> None:
    assert asks_who_named(question) is named


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel mensen kwamen samen om te betogen?",
        "Wanneer begon de oorlog?",
        "How many were there?",
        "Waarvoor werd hij veroordeeld?",  # the offence, not the sentence
        "How many points did the Broncos score?",  # a verb, not a match's result
        "Where is corporal punishment still allowed?",
    ],
)
def test_other_questions_ask_no_measure(question: str) -> None:
    assert asked_measure(question) is None


@pytest.mark.parametrize(
    ("question", "text", "counts"),
    [
        ("Hoeveel leerlingen staakten?", "Twee docenten en een kleine honderd leerlingen staakten.", ["honderd"]),
        ("Hoeveel jihadistische aanslagen waren er?", "Er waren zes aanslagen en 12 arrestaties.", ["zes"]),
        ("Hoeveel onderscheppingen had de verdediging?", "Ze leidde de NFL in onderscheppingen met 24.", ["24"]),
        ("Hoeveel zetels heeft de Staten?", "De VVD krijgt tien van de 55 zetels.", ["55 zetels"]),  # the unit counts
        ("How many children died?", "Four children and 2 adults died.", ["Four"]),
        ("Hoeveel procent stemde voor?", "Van de 300 leden stemde 60 procent voor.", []),  # a share, no count
        ("Wanneer staakten de leerlingen?", "Honderd leerlingen staakten in 2019.", []),  # no "hoeveel"
    ],
)
def test_the_number_of_what_a_how_many_question_counts(question: str, text: str, counts: list[str]) -> None:
    spans = [s for s in find_spans(text) if s.kind is AnswerType.NUMBER]
    assert [s.text for s in counted_spans(text, spans, counted_words(question))] == counts


@pytest.mark.parametrize(
    ("question", "text", "numbers"),
    [
        ("Hoeveel troepen stuurde hij?", "Op 24 februari 2022 stuurde hij 300 troepen.", {"300"}),  # no day, no year
        ("In welk jaar begon het?", "Op 24 februari 2022 begon het.", {"2022"}),  # a year question wants the year
        (
            "Hoeveel kostte het in 2019?",
            "In 2019 kostte het 40 euro, in 2020 al 50 euro.",
            {"40 euro", "2020", "50 euro"},
        ),
    ],
)
def test_a_dates_day_is_no_count(question: str, text: str, numbers: set[str]) -> None:
    assert {s.text for s in new_spans(text, AnswerType.NUMBER, question)} == numbers


def test_a_name_the_question_gave_in_the_other_spelling_is_not_new() -> None:
    text = "Net zoals iedereen hoorde Loekasjenko het nieuws van journaliste Diana Panchenko."
    assert [s.text for s in new_spans(text, AnswerType.PERSON, "Who did Lukashenko talk to?")] == ["Diana Panchenko"]


@pytest.mark.parametrize(
    ("question", "query", "kind", "named"),
    [
        ("En Loekasjenko?", "Hoe oud is Poetin? En Loekasjenko?", AnswerType.NUMBER, ["Loekasjenko"]),
        ("And Lukashenko?", "How old is Putin? And Lukashenko?", AnswerType.NUMBER, ["Lukashenko"]),
        ("En Poetin dan?", "Wanneer begon de muiterij? En Poetin dan?", AnswerType.DATE, []),  # no age asked
        ("En Loekasjenko?", "En Loekasjenko?", AnswerType.OTHER, []),  # nothing earlier to repeat
        ("En wat vindt hij ervan?", "Hoe oud is Poetin? En wat vindt hij ervan?", AnswerType.QUOTE, []),  # its own
    ],
)
def test_a_name_after_an_earlier_question_asks_it_again(
    question: str, query: str, kind: AnswerType, named: list[str]
) -> None:
    language = "en" if question.startswith("And") else "nl"
    assert followup_type(question, query, language) is kind
    assert age_asked_of(question, query) == named


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Wie zegt dat?", True),
        ("En wie zei dat?", True),
        ("Volgens wie?", True),
        ("Wie beweert dat?", True),
        ("Who said that?", True),
        ("According to whom?", True),
        ("Wie zei dat de docent geschorst was?", False),  # asks who said a thing it states itself
        ("Wie is de directeur?", False),
        ("Wat zegt de directeur?", False),
    ],
)
def test_who_said_it_is_recognised(question: str, asks: bool) -> None:
    assert asks_who_said(question) is asks


def test_the_sentences_of_an_earlier_quote_are_read_back_verbatim() -> None:
    answer = "Karel Mulder — “... heeft directeur Karel Mulder maandag gezegd. Daarvan is geen sprake ...” [1]"
    assert quoted_fragments(answer) == ["heeft directeur Karel Mulder maandag gezegd.", "Daarvan is geen sprake"]


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("En wat antwoordde hij?", True),
        ("En toen?", True),
        ("Wat gebeurde er daarna?", True),
        ("Hoe reageerde ze?", True),
        ("What did he answer?", True),
        ("How did they react?", True),
        ("Wat antwoordde Loekasjenko op de vraag van Poetin?", False),  # a question of its own
        ("Wanneer was dat?", False),
    ],
)
def test_what_came_next_is_recognised(question: str, asks: bool) -> None:
    assert asks_what_next(question) is asks


@pytest.mark.parametrize(
    ("terms", "asked", "found"),
    [
        ({"regeringspartij", "fidesz"}, ["partij", "hongarij"], {"partij"}),  # the compound's head
        ({"vaccinatiecampagn"}, ["campagn", "vaccin"], {"campagn"}),  # not its first part: what it is about
        ({"aanbod"}, ["bod"], set()),  # too short to tell a part from chance
        ({"directeur"}, ["directeur"], {"directeur"}),  # the word itself, as before
    ],
)
def test_a_question_word_counts_as_shared_when_it_ends_a_compound(
    terms: set[str], asked: list[str], found: set[str]
) -> None:
    assert with_parts(terms, asked) == terms | found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Voor de Amsterdamse Verberne is het uniek.",
            "Verberne",
        ),  # 'Voor de' opens the sentence, 'Amsterdamse' describes
        ("Volgens de Amsterdamse burgemeester Femke Halsema is het tijd.", "Femke Halsema"),
        ("Dat zei Jan de Vries gisteren.", "Jan de Vries"),  # a particle inside a name stays
    ],
)
def test_a_persons_name_without_the_words_before_it(text: str, name: str) -> None:
    people = [without_adjectives(s).text for s in find_spans(text) if s.kind is AnswerType.PERSON]
    assert name in people


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Forum voor Democratie is de grote winnaar.", "Forum voor Democratie"),  # not "Democratie"
        ("Volgens het Centraal Bureau voor de Statistiek groeit de economie.", "Centraal Bureau voor de Statistiek"),
    ],
)
def test_an_organisations_name_with_voor_is_one_name(text: str, name: str) -> None:
    assert name in [s.text for s in find_spans(text) if s.kind is AnswerType.ORGANISATION]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Wie was de bemanning van Apollo 1, waarvan ze zelf de naam kozen?", ["Apollo", "1"]),
        ("Wat gebeurde er in 1817.", ["1817"]),
        ("Hoeveel kostte het, 1.500,50 euro?", ["1.500,50"]),
    ],
)
def test_a_questions_numbers_are_names_without_the_punctuation_after_them(question: str, names: list[str]) -> None:
    # "Apollo 1," was looked for as "1,": the sentence "... hun vlucht Apollo 1 te noemen" seemed to lack it.
    assert question_names(question) == names
    assert names_all_in(question_names(question)[:2], "Zij noemden hun vlucht Apollo 1 in 1817 of 1.500,50")


@pytest.mark.parametrize(
    ("text", "question", "condition"),
    [
        (
            "De dictator zei dat hij alle middelen zou inzetten als zijn land wordt aangevallen.",
            "En wanneer zou hij ze inzetten?",
            "als zijn land wordt aangevallen",
        ),
        ("De brug gaat open zodra de keuring klaar is.", "Wanneer zal de brug opengaan?", "zodra de keuring klaar is"),
        ("They would strike if the border were crossed.", "When would they strike?", "if the border were crossed"),
        # "als" as "as" is no condition; a question when something happened asks a date, not a condition
        ("Wit-Rusland wordt als één van de nauwste bondgenoten beschouwd.", "Wanneer zou hij ze inzetten?", None),
        ("Hij zou ze inzetten als zijn land wordt aangevallen.", "Wanneer begon de oorlog?", None),
    ],
)
def test_a_question_when_something_would_happen_is_answered_by_a_condition(
    text: str, question: str, condition: str | None
) -> None:
    spans = [s.text for s in new_spans(text, AnswerType.DATE, question)]
    assert spans == ([condition] if condition else [])
