"""Russian glossary renderings that agree with the sentence around them: case and number.

English→Russian, a translate or gloss term is masked and its placeholder restored with
the glossary's Russian target. The target is written in the nominative; in running
Russian the noun of a term stands in the genitive about half of the time («после
дообучения», «точность модели»), so the form is chosen from the word that governs it:

1. the Russian word before the placeholder in the model's output (:func:`russian_governor`):
   a preposition («после» → genitive, «на трёх» → prepositional plural), a numeral
   («три датасета»), a noun («точность модели» → genitive), a verb of a small table
   («является моделью»);
2. else the English preposition before the term in the source (:func:`english_governor`,
   ``after/without/of/for/from`` → genitive, ``on/in/about`` → prepositional, ``with/by``
   → instrumental, ...);
3. else the nominative.

Adjective + noun targets («языковая модель») inflect word by word: the words up to the
head noun take its case and number (the adjectives keep the gender the target gives
them, and an accusative takes the noun's animacy); words after the head («набор данных»)
stay as they are. The result records how its form was chosen (:data:`GOVERNED`,
:data:`NOMINATIVE`) for ``note.terms``.

The tables of governing words are in :mod:`.government`, the readers of the words around the term and of
what one word governs in :mod:`.clause`, the readings and the inflection of a target in :mod:`.forms`;
pymorphy3 is imported on first use (:func:`notelingo.glossary.morph.russian_analyzer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..alphabet import CYRILLIC_RE as _CYRILLIC
from .clause import (
    _WORD,
    _adjective_cases,
    _agent_of_passive,
    _agent_of_reflexive,
    _agent_participle,
    _dative_attribute,
    _direction_after,
    _governing_participle,
    _into,
    _is_pos,
    _naming_participle,
    _number_name,
    _numeral,
    _object_after_recipient,
    _passed_over,
    _predicate_first,
    _recipient_of_infinitive,
    _relative_object,
    _second_object,
    _subject_after_adverbial,
    _word_case,
    _word_governs,
    _word_matches,
    english_governor,
    english_numeral,
    target_gender,
)
from .forms import _AGREEING, _parses, inflect_phrase
from .government import (
    ADVERBIAL_NOUNS,
    ALTERNATIVE,
    COMPARATIVE_QUANTITY,
    COMPOUND_PREPOSITIONS,
    CONJUNCTIONS,
    DATIVE_PRONOUNS,
    DIRECTION,
    GIVING_VERBS,
    PAIRED_CONJUNCTIONS,
    QUANTITY,
    RUSSIAN_CASE,
)

_ADVERB = frozenset({"ADVB", "PRCL"})
#: Quantity words that also compare («меньше самого градиента»): the term keeps its own number after them.
_COMPARING = frozenset({"больше", "меньше"})
_VERB = frozenset({"VERB", "INFN"})
#: How a rendering's form was chosen (``TermUse.choice``).
GOVERNED = "governed"
NOMINATIVE = "nominative"


@dataclass(frozen=True)
class Form:
    """The case and number a rendering should take, and how they were chosen."""

    case: str = "nomn"
    plural: bool | None = None  # None: the number the term has on its own
    choice: str = NOMINATIVE


def _preposition_case(low: str, english: str | None) -> str:
    """The case of Russian preposition ``low``; the English one's case settles «в/на/с/за»."""
    if english is not None and english in DIRECTION.get(low, {}).values():
        return english
    return RUSSIAN_CASE[low]


def russian_governor(text: str, position: int, english: str | None = None,
                     gender: str | None = None, plural: bool | None = None) -> tuple[str, bool | None] | None:
    """(case, plural or None) the Russian words before ``position`` call for, or None. Read right to left: adjectives
    and numerals next to the term are passed over («на трёх больших»), remembering the case the adjective shows (in
    a form agreeing with ``gender``); a preposition decides (:func:`_preposition_form`); a coordination takes the
    case of the phrase before it; a noun or verb governs (:func:`_governed_in_clause`) unless the adjective shows
    another case; else the adjective's."""
    numeral: tuple[str, bool] | None = None
    digits = recipient = False  # recipient: a dative pronoun stands between («передать ему XX»)
    shown: list[str] = []  # cases the nearest adjective allows
    matches = _word_matches(text, position)
    if matches and text[matches[-1].end():position].strip() == "/":
        return _coordinated(text, matches[-1], english)  # «классификатор/XX»: a member of a pair
    index = len(matches)
    while index > 0:
        index -= 1
        low = (word := matches[index].group()).lower()
        if low in RUSSIAN_CASE:
            before = [m.group() for m in matches[max(0, index - 5):index]]
            return _preposition_form(low, before, english, numeral, digits, shown)
        if _number_name(text, matches, index) or any(p.normal_form == "который" for p in _parses(word)[:1]):
            break  # a number naming a noun («предложения 1 XX»); «в котором XX» begins a clause of its own
        if numeral is None and (word.isdigit() or _is_pos(word, frozenset({"NUMR"}))):
            numeral, digits = _numeral(word), word.isdigit()
            continue
        if numeral is None and (low in QUANTITY or low in COMPARATIVE_QUANTITY and index == len(matches) - 1):
            return "gent", True if low not in _COMPARING else None  # «несколько датасетов»; «меньше градиента»
        if numeral is None and (case := _participle_governs(text, matches, index)):
            return case, None
        if case := _word_case(matches, index):
            return case, None  # «API XX»: a Latin noun's complement; «обозначим V как XX»: the object's case
        if skip := _passed_over(matches, index, numeral is not None, bool(shown)):
            index -= skip - 1
            continue
        if _is_pos(word, _AGREEING):
            if index == len(matches) - 1 and (case := _attribute_governs(text, matches, gender, plural)):
                return case, None
            shown = shown or _adjective_cases(word, gender, plural)
            recipient = recipient or low in DATIVE_PRONOUNS
            continue
        if numeral is None and (member := _first_member(text, matches, index)) is not None:
            return _conjoined(text, member, english, shown)
        if numeral is None:
            governed = _governed_in_clause(matches, index, gender, recipient)
            if governed and (not shown or governed in shown):
                return governed, None
        break
    if numeral is not None:
        return numeral[0].removeprefix("oblique:"), numeral[1]
    return (shown[0], None) if shown and shown[0] != "nomn" else None


def _attribute_governs(text: str, matches: list[re.Match], gender: str | None, plural: bool | None) -> str | None:
    """The case an adjective or participle right before the term gives it as its complement, or None: a passive
    participle's agent («выученное токенизатором»), an adjective of the dative («необходимые токенизатору»)."""
    if _agent_of_passive(matches[-1].group(), gender, plural):
        return "ablt"
    return "datv" if _dative_attribute(text, matches, gender, plural) else None


def _first_member(text: str, matches: list[re.Match], index: int) -> re.Match | None:
    """The last word of the member before the conjunction ``matches[index]``, or None: the word before it
    («моделей и XX»), or, after «так и», «но и», «а также» that open the clause, the word before the comma
    («как классификации, так и XX», «не только моделей, но и XX»)."""
    low = matches[index].group().lower()
    if low not in CONJUNCTIONS and low != "также" or index == 0:
        return None
    opening = " ".join(m.group().lower() for m in matches[:index + 1])
    if opening in PAIRED_CONJUNCTIONS:
        before = list(_WORD.finditer(text[:matches[0].start()]))[-1:]
        comma = bool(before) and text[before[0].end():matches[0].start()].strip() == ","
        return before[0] if comma else None
    return matches[index - 1] if low in CONJUNCTIONS else None


def _participle_governs(text: str, matches: list[re.Match], index: int) -> str | None:
    """The case the participle ``matches[index]`` gives the term, or None: the instrumental of the agent
    of a participle clause after a comma («…, используемый токенизатором»; not «по умолчанию используемый
    XX») or of the predicate of a naming participle right before it («обычно называемые токенами»; not «так
    называемые»); the dative after a participle seldom used as an attribute («посвящённом обучению»)."""
    word = matches[index].group()
    if index == 0 and text[:matches[0].start()].rstrip().endswith(",") and _agent_participle(word):
        return "ablt"
    if index != len(matches) - 1:
        return None
    if _naming_participle(word) and not (index > 0 and matches[index - 1].group().lower() == "так"):
        return "ablt"
    return _governing_participle(word)


def _governed_in_clause(matches: list[re.Match], index: int, gender: str | None, recipient: bool) -> str | None:
    """The case the noun or verb ``matches[index]`` gives the term (:func:`_word_governs`), read with the
    clause before it: «не имеют меток» (the genitive of negation), «тексты, которые может использовать XX»
    (the relative object came first: XX is the subject, or the recipient of a verb of giving), «передать ему XX»
    (the pronoun is the recipient), «в этом случае XX» (an adverbial phrase governs nothing)."""
    if index > 0 and matches[index - 1].group().lower() not in RUSSIAN_CASE and any(
            p.normal_form in ADVERBIAL_NOUNS for p in _parses(matches[index].group())[:1]):
        return None  # «в этом случае XX»: an adverbial, XX begins the clause
    if _second_object(matches, index):
        return "ablt"  # «инициализировать эту модель словарём»: the verb's second object
    if _object_after_recipient(matches, index):
        return "accs"  # «присвоила всем токенам метку»: the object after the recipient
    inverted = any(_parses(m.group())[0].tag.case == "ablt" for m in matches[:index])
    opens = index == 0 or matches[index - 1].group().lower() in ("давайте", "давай")
    governed = _word_governs(matches[index].group(), gender, inverted, opens)
    negated = index > 0 and matches[index - 1].group().lower() == "не" and not (
        index > 1 and matches[index - 2].group().lower() == "пока")  # «пока не получит XX»: until, no negation
    if negated and (governed == "accs" or _parses(matches[index].group())[0].normal_form == "быть"):
        return "gent"  # «не имеют меток», «у нас не будет меток»: the genitive of negation
    if governed == "accs" and _relative_object(matches[:index + 1]):
        # «которые может использовать XX»: XX is the subject; «которое мы передали XX»: the recipient
        return "datv" if _parses(matches[index].group())[0].normal_form in GIVING_VERBS and not recipient else None
    if governed == "datv" and recipient:
        return "accs"
    return governed


def _preposition_form(low: str, before: list[str], english: str | None, numeral: tuple[str, bool] | None, digits: bool,
                      shown: list[str]) -> tuple[str, bool | None]:
    """The form after preposition ``low`` (``before``: the words before it): a numeral in the
    nominative or accusative keeps its genitive («на три датасета», «в 2 токена»); «в/на/с/за»
    take the other case the English preposition, the adjective or the verb before them shows
    («в удалённый репозиторий», «объединить в батч»)."""
    accusative_numeral = numeral is not None and not numeral[0].startswith("oblique:")
    if accusative_numeral and (not digits or "accs" in (RUSSIAN_CASE[low], *ALTERNATIVE.get(low, ()))):
        return numeral
    case = _preposition_case(low, english)
    if shown and english is None and case not in shown and not set(ALTERNATIVE.get(low, ())) & set(shown):
        return (shown[0], None) if shown[0] != "nomn" else None  # «при этом теоретические XX»: no agreement
    if english is None and "accs" in ALTERNATIVE.get(low, ()):
        if shown and case not in shown and "accs" in shown:
            case = "accs"
        elif not shown and _into(low, before):
            case = "accs"
    elif shown and case not in shown and english is None:
        case = next((c for c in shown if c in ALTERNATIVE.get(low, ())), case)
    return case, True if numeral else None


def _conjoined(text: str, previous: re.Match, english: str | None, shown: list[str]) -> tuple[str, bool | None] | None:
    """The form of «XX» after a conjunction whose ``previous`` word ends the first member: that member's
    case (:func:`_coordinated`), unless the adjective before XX shows (``shown``) other cases only
    («быстрому и медленному XX»; «о пропущенных или новых XX» takes the preposition's)."""
    coordinated = _coordinated(text, previous, english)
    if not shown or coordinated is not None and coordinated[0] in shown:
        return coordinated if not shown else (coordinated[0], None)
    return (shown[0], None) if shown[0] != "nomn" else None


def _coordinated(text: str, previous: re.Match, english: str | None) -> tuple[str, bool | None] | None:
    """The case of «XX» in «моделей и XX»: that of the noun before the conjunction. A formula or name in
    Latin letters right after a noun names it («вектора весов w∈Rd и XX», «символ Юникода CODE и XX»): the
    noun is the member; elsewhere it is a member of its own, in the case of its place («с CSP и XX»)."""
    word = previous.group()
    if not _CYRILLIC.search(word) and not word.isdigit():
        before = _word_matches(text, previous.start(), 1)
        if before and _is_pos(before[0].group(), frozenset({"NOUN"})):
            return _coordinated(text, before[0], english)
        return russian_governor(text, previous.start(), english)
    parses = [p for p in _parses(word) if p.tag.POS == "NOUN" and p.tag.case]
    if not parses:
        if _is_pos(word, frozenset({"ADJF", "PRTF"})):  # «о предварительной и XX»
            return russian_governor(text, previous.end(), english)
        return None
    before = _word_matches(text, previous.start(), 2)
    if (before and _is_pos(before[-1].group(), frozenset({"NOUN"})) and "gent" in {p.tag.case for p in parses}
            and " ".join(m.group().lower() for m in before) not in COMPOUND_PREPOSITIONS):
        return _coordinated(text, before[-1], english)  # «количество эпох и XX»: XX goes with the chain's head
    governed = russian_governor(text, _before_first_half(text, previous.start()), english)
    cases = {p.tag.case for p in parses}
    opens = not _word_matches(text, previous.start()) and text[:previous.start()].rstrip().endswith(",")
    if governed is None and opens:  # a member of a list: «в коде модели, функции потерь или XX»
        listed = list(_WORD.finditer(text[:previous.start()]))[-1:]
        if listed and _is_pos(listed[0].group(), frozenset({"NOUN"})):
            governed = _coordinated(text, listed[0], english)
    if governed is not None and governed[0] in cases:
        return governed[0], None
    if governed is None and "nomn" in cases:
        return None  # «Модели и XX» at the start of a clause: the subject
    return (parses[0].tag.case, None) if parses[0].tag.case != "nomn" else None


def _before_first_half(text: str, start: int) -> int:
    """Where the words that govern a coordination's first member end: before the first half of a paired
    conjunction («в случаях как XX, так и ...», «для не только XX, но и ...»), else at ``start``."""
    before = _word_matches(text, start, 2)
    if before and before[-1].group().lower() in ("как", "либо", "или"):
        return before[-1].start()
    if len(before) == 2 and " ".join(m.group().lower() for m in before) == "не только":
        return before[0].start()
    return start


def choose_form(source: str, start: int, output: str | None = None, position: int | None = None,
                plural: bool | None = None, target: str | None = None, end: int | None = None) -> Form:
    """The form of a term found at ``source[start:]`` whose rendering (``target``, when known: an
    adjective before it must agree with its gender) goes to ``output[position:end]`` (``end``, when
    known, lets the words after it count: :func:`_predicate_first`, :func:`_listed`)."""
    english = english_governor(source, start)
    if output is not None and position is not None:
        gender = target_gender(target)
        if end is not None and _predicate_first(output, position, end, gender, plural):
            return Form("ablt", plural, GOVERNED)
        governed = russian_governor(output, position, english, gender, plural)
        if governed == ("gent", None) and end is not None and _subject_after_adverbial(
                output, position, end, gender, plural):
            governed = None  # «На каждом этапе XX может ...»: the subject, not the noun's complement
        if governed is None and end is not None:
            governed = (_listed(output, position, end, english) or _bracketed(output, position, end, english)
                        or _named(output, position, end, english))
        if governed == ("accs", None) and end is not None and _recipient_of_infinitive(output, position, end):
            governed = "datv", None  # «указать слоям внимания игнорировать ...»: the addressee
        if governed is None and _agent_of_reflexive(output, position, gender, plural):
            governed = "ablt", None  # «метка определяется признаками»: the passive's agent
        if governed is not None and governed[0] == "loct" and end is not None and english is None:
            governed = _direction_after(output, position, end) or governed
        if governed is not None:
            case, number = governed
            return Form(case, number if number is not None else plural, GOVERNED)
    counted = english_numeral(source, start) if plural is not False else None  # "two dataset splits": a modifier
    if counted is not None and english in (None, "accs"):
        return Form("gent", counted, GOVERNED)  # "two datasets" → «два датасета», "five" → «пять датасетов»
    if english is not None:
        return Form(english, True if counted is not None else plural, GOVERNED)
    return Form("nomn", plural, NOMINATIVE)


def _listed(text: str, position: int, end: int, english: str | None) -> tuple[str, bool | None] | None:
    """The form of a term listed after a comma, with a comma or conjunction after it too («у моделей,
    токенизаторов и конфигураций», «очистку, токенизацию и прочее»): that of the member before the comma
    (:func:`_coordinated`) when that member is a noun with no nominative reading."""
    if _word_matches(text, position) or not text[:position].rstrip().endswith(","):
        return None
    following = text[end:].lstrip()
    if not (following.startswith(",") or following.split(" ", 1)[0].lower() in CONJUNCTIONS):
        return None
    before = list(_WORD.finditer(text[:position]))[-1:]
    parses = _parses(before[0].group()) if before else ()
    if not parses or parses[0].tag.POS != "NOUN" or any(p.tag.case == "nomn" for p in parses):
        return None
    head = [m for m in _word_matches(text, before[0].start()) if not _is_pos(m.group(), _AGREEING)][-1:]
    if head and _is_pos(head[0].group(), frozenset({"NOUN"})):
        return None  # «идентификаторы входных данных, XX»: the member ends in its head's complement
    return _coordinated(text, before[0], english)


def _bracketed(text: str, position: int, end: int, english: str | None) -> tuple[str, bool | None] | None:
    """The form of a term alone in parentheses right after a verb or preposition: what governs the parenthesis
    («избегать (XX)»); None after a noun (a gloss of a phrase whose head is not known: «ответы на вопросы с
    извлечением информации из контекста (XX)»)."""
    before = text[:position].rstrip()
    if not before.endswith("(") or not text[end:].lstrip().startswith(")"):
        return None
    prior = list(_WORD.finditer(before))[-1:]
    if not prior or before[prior[0].end():-1].strip() or _is_pos(prior[0].group(), frozenset({"NOUN"})):
        return None
    return russian_governor(text, len(before) - 1, english)


def _named(text: str, position: int, end: int, english: str | None) -> tuple[str, bool | None] | None:
    """The form of a term set off by commas after a name in Latin letters, which it explains: the name's case
    («демо для GPT-J, XX, ...»), or None."""
    before = text[:position].rstrip()
    prior = list(_WORD.finditer(before))[-1:]
    if _word_matches(text, position) or not before.endswith(",") or not prior or _CYRILLIC.search(prior[0].group()):
        return None
    if prior[0].group().isdigit() or not re.match(r"\s*(?:[,.;:!?)]|$)", text[end:]):
        return None
    return russian_governor(text, prior[0].start(), english)


def agree(target: str, form: Form, plural: bool) -> str:
    """``target`` in ``form``'s case and number (``form.plural`` wins over ``plural`` when set)."""
    number = plural if form.plural is None else form.plural
    if form.case == "nomn" and not number:
        return target
    return inflect_phrase(target, form.case, number)


def agree_rendering(rendering: str, plural: bool, source: str, start: int, output: str | None = None,
                    position: int | None = None, end: int | None = None) -> tuple[str, str]:
    """(``rendering`` in the form its context calls for, how it was chosen) for a term found at
    ``source[start:]`` whose nominative Russian ``rendering`` (``plural`` or not) goes to
    ``output[position:end]`` (:meth:`notelingo.glossary.Glossary.agree`)."""
    form = choose_form(source, start, output, position, plural, rendering, end)
    return agree(rendering, form, plural), form.choice
