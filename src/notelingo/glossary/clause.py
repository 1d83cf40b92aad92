"""The words around a glossary term's place in a sentence: the clause before it, the words after it,
English prepositions and numerals, the readings of the adjectives and participles next to it, and the case
one word gives the term (a verb, a noun, a participle, «как» after an object, a formula passed over).

Helpers of :mod:`notelingo.glossary.agree`, which chooses the case and number from them; the tables of
governing words are in :mod:`.government`, the readings in :mod:`.forms`.
"""

from __future__ import annotations

import re

from ..alphabet import CYRILLIC_RE as _CYRILLIC
from .forms import _AGREEING, _base_parse, _head, _parses, misread_masculine
from .government import (
    CONJUNCTIONS,
    DATIVE_ADJECTIVES,
    DATIVE_PARTICIPLES,
    DATIVE_VERBS,
    ENGLISH_CASE,
    ENGLISH_SKIP,
    GENITIVE_VERBS,
    GIVING_VERBS,
    INDECLINABLE_NOUNS,
    INSTRUMENTAL_NOUNS,
    INSTRUMENTAL_OBJECT_VERBS,
    INSTRUMENTAL_VERBS,
    INTO_VERBS,
    LATIN_NOUNS,
    ONTO_WORDS,
    PERSONAL,
    PUTTING_VERBS,
    RECIPIENT_VERBS,
    RUSSIAN_CASE,
)

_WORD = re.compile(r"[^\W\d_][\w-]*|\d+", re.UNICODE)
_DASHES = (" - ", " — ", " – ", " -- ", " ― ")
_FEW = frozenset({"два", "две", "три", "четыре", "оба", "обе", "полтора", "полторы"})
_ABBREVIATION = re.compile(r"(?<![\w.])(?:млн|млрд|трлн|тыс)\.", re.IGNORECASE)  # numbers: «1,5 млрд.»
_PARENTHESIS = re.compile(r"\([^()\n]*\)")
_DASH_ENDS = tuple(dash.rstrip() for dash in _DASHES)
_ADVERB = frozenset({"ADVB", "PRCL"})
_VERB = frozenset({"VERB", "INFN"})
_FEW_EN = frozenset("two three four both".split())
_MANY_EN = frozenset("five six seven eight nine ten eleven twelve hundred thousand million many several".split())


def _word_matches(text: str, end: int, limit: int = 6) -> list[re.Match]:
    """The last ``limit`` words before ``end`` in the same clause (stops at , . ; : ! ? ( ) and at a
    dash between spaces, which parts the subject from its predicate: «Последний шаг - XX»). A parenthesis
    closed before a conjunction is passed over («механизмов дополнения (padding) и XX»), and so is the point
    of an abbreviated number («1,5 млрд. XX»)."""
    before = text[:end]
    for match in reversed(list(_PARENTHESIS.finditer(before))):
        if re.match(r"\s*(?:и|или|либо)\s", before[match.end():]):
            before = before[:match.start()] + " " * len(match.group()) + before[match.end():]
    before = _ABBREVIATION.sub(lambda m: m.group()[:-1] + " ", before)  # «1,5 млрд. XX»: no sentence end
    cut = max([before.rfind(c) for c in ",.;:!?()[]\n"] + [before.rfind(d) + 1 for d in _DASHES if d in before])
    return list(_WORD.finditer(before, cut + 1))[-limit:]


def _words_before(text: str, end: int, limit: int = 4) -> list[str]:
    return [m.group() for m in _word_matches(text, end, limit)]


def english_governor(text: str, start: int) -> str | None:
    """The case the English preposition before ``text[start:]`` calls for, or None.

    Determiners, numerals and a few adjectives may stand between ("after the two
    pre-trained models"); any other word ends the search ("improves the results")."""
    for word in reversed(_words_before(text, start)):
        low = word.lower()
        if low in ENGLISH_CASE:
            return ENGLISH_CASE[low]
        if low not in ENGLISH_SKIP and not low.isdigit():
            return None
    return None


def _numeral(word: str) -> tuple[str, bool] | None:
    """(case, plural) of the noun after a numeral: «три» → genitive singular, «пять» → genitive
    plural, «трёх» → plural in the numeral's own case (a preposition before it may settle it; the animate
    accusative «обоих» is no reading for a term);
    None for a word that is no numeral, or «один»/"1" (the noun keeps its number)."""
    if word.isdigit():
        last, tens = int(word) % 10, int(word) % 100
        if last == 1 and tens != 11:
            return None
        return "gent", not (2 <= last <= 4 and not 12 <= tens <= 14)
    parses = [p for p in _parses(word) if p.tag.POS == "NUMR"]
    parses = [p for p in parses if not {"anim", "accs"} <= p.tag.grammemes] or parses  # «в обоих»: no animate
    if not parses or parses[0].normal_form in ("один", "одна", "одно"):
        return None
    tag = parses[0].tag
    if tag.case in ("nomn", "accs", None):
        return "gent", parses[0].normal_form not in _FEW and word.lower() not in _FEW
    return "oblique:" + tag.case, True


def _is_pos(word: str, pos: frozenset[str]) -> bool:
    parses = _parses(word)
    return bool(parses) and parses[0].tag.POS in pos


def _agent_participle(word: str) -> bool:
    """A present passive participle («используемый», «называемой»): the noun after it is its agent."""
    parses = _parses(word)
    return bool(parses) and parses[0].tag.POS == "PRTF" and "pssv" in parses[0].tag and "pres" in parses[0].tag


def _governing_participle(word: str) -> str | None:
    """The dative a full participle that is seldom an attribute gives the noun after it («посвящённом XX»;
    not «соответствующий XX», which is mostly «the corresponding XX»), or None."""
    parses = _parses(word)
    dative = parses and parses[0].tag.POS == "PRTF" and parses[0].normal_form in DATIVE_PARTICIPLES
    return "datv" if dative else None


def _agent_of_passive(word: str, gender: str | None, plural: bool | None) -> bool:
    """A past passive participle right before a term it cannot agree with (the term's gender and number
    known): the term is its agent («первое правило, выученное токенизатором»), not its noun."""
    parses = _parses(word)
    passive = bool(parses) and parses[0].tag.POS == "PRTF" and "pssv" in parses[0].tag
    return passive and gender is not None and plural is not None and not _adjective_cases(word, gender, plural)


def _dative_attribute(text: str, matches: list[re.Match], gender: str | None, plural: bool | None) -> bool:
    """Does the adjective or participle ``matches[-1]`` right before the term govern it in the dative? One of
    :data:`DATIVE_ADJECTIVES` or a participle of :data:`DATIVE_VERBS` that cannot agree with the term (its
    gender and number known: «файлы, необходимые токенизатору»), or such a participle opening a clause after
    a comma («логиты, соответствующие токенам»; not «соответствующие токены», the corresponding tokens)."""
    parses = _parses(matches[-1].group())
    if not parses or parses[0].tag.POS not in ("ADJF", "PRTF"):
        return False
    lemma = parses[0].normal_form
    participle = parses[0].tag.POS == "PRTF" and lemma in DATIVE_VERBS or lemma == "соответствующий"
    if lemma not in DATIVE_ADJECTIVES and not participle:
        return False
    if gender is not None and plural is not None and not _adjective_cases(matches[-1].group(), gender, plural):
        return True
    return participle and len(matches) == 1 and text[:matches[0].start()].rstrip().endswith(",")


def _naming_participle(word: str) -> bool:
    """A full participle of a verb that takes an instrumental predicate («называемый», «являющийся»)."""
    parses = _parses(word)
    return bool(parses) and parses[0].tag.POS == "PRTF" and parses[0].normal_form in INSTRUMENTAL_VERBS


def _adjective_cases(word: str, gender: str | None = None, plural: bool | None = None) -> list[str]:
    """The cases an adjective or participle can stand in, most likely first; with the ``gender`` of
    the term's head noun, only the forms that can agree with it (any plural, or that gender).
    Indeclinable possessives («его», «их») show no case."""
    return list(dict.fromkeys(p.tag.case for p in _parses(word)
                              if p.tag.POS in ("ADJF", "PRTF") and p.tag.case and "Fixd" not in p.tag
                              and (gender is None or p.tag.number == "plur" or p.tag.gender in (None, gender))
                              and (plural is None or (p.tag.number == "plur") == plural)))


def target_gender(target: str | None) -> str | None:
    """The gender of a Russian target's head noun («языковая модель» → 'femn'), or None."""
    if not target or not _CYRILLIC.search(target):
        return None
    words = target.split(" ")
    head = words[_head(words)].rsplit("-", 1)[-1]
    if misread_masculine(head):
        return "masc"
    parse = _base_parse(head, False)
    return parse.tag.gender if parse is not None and parse.tag.POS == "NOUN" else None


def _words_after(text: str, end: int, limit: int = 10) -> list[re.Match]:
    """The next ``limit`` words after ``end`` in the same sentence part (commas do not stop them)."""
    after = text[end:]
    stop = min((i for i in (after.find(c) for c in ".;:!?()[]\n") if i >= 0), default=len(after))
    return list(_WORD.finditer(text, end, end + stop))[:limit]


def english_numeral(text: str, start: int) -> bool | None:
    """The number a Russian noun takes after the English numeral before ``text[start:]``
    (determiners and a few adjectives may stand between): False for two to four (genitive
    singular), True for five and more; None without a numeral, or after "one"."""
    for word in reversed(_words_before(text, start)):
        low = word.lower()
        if low in _FEW_EN or low in _MANY_EN:
            return low in _MANY_EN
        if low.isdigit():
            return _numeral(low)[1] if _numeral(low) else None
        if low not in ENGLISH_SKIP or low in ENGLISH_CASE:
            return None
    return None


def _predicate_first(text: str, position: int, end: int, gender: str | None, plural: bool | None) -> bool:
    """Does the term open its clause as the instrumental predicate of «являться/служить/быть», the subject
    after the verb («Признаком нехватки памяти является ошибка», «а метками служат исходные токены»)?
    Only conjunctions and adjectives that may be instrumental stand before it; the word after the verb
    has no instrumental reading (else it is the predicate: «токенизатор является важной частью»)."""
    for match in _word_matches(text, position):
        word = match.group()
        if word.lower() not in ("а", "и", "но") and "ablt" not in _adjective_cases(word, gender, plural):
            return False
    words = _words_after(text, end)
    for index, match in enumerate(words[:-1]):
        parse = _parses(match.group())[0]
        if parse.normal_form == "который" or text[end:match.start()].rstrip().endswith(_DASH_ENDS):
            return False  # a relative clause, or a dash before the predicate: XX is the subject
        if parse.tag.POS in ("VERB", "INFN", "PRTS"):
            following = _parses(words[index + 1].group())
            subject = not any(p.tag.case == "ablt" for p in following)
            if parse.normal_form in ("являться", "служить") and parse.tag.POS == "VERB":
                return subject
            noun = bool(following) and following[0].tag.POS == "NOUN" and following[0].tag.case == "nomn"
            return parse.normal_form == "быть" and parse.tag.POS == "VERB" and subject and noun
    return False


def _direction_after(text: str, position: int, end: int) -> tuple[str, bool | None] | None:
    """The accusative after «в/на» right before the term when a verb of placing follows it in the clause
    («в XX можно передать значение»), or None."""
    before = [m for m in _word_matches(text, position) if not _is_pos(m.group(), _AGREEING)][-1:]
    if not before or before[0].group().lower() not in ("в", "во", "на"):
        return None
    after = text[end:]
    stop = min((i for i in (after.find(c) for c in ",.;:!?()\n") if i >= 0), default=len(after))
    for match in list(_WORD.finditer(text, end, end + stop))[:6]:
        parse = _parses(match.group())[0]
        if parse.tag.POS in ("VERB", "INFN") and parse.normal_form in PUTTING_VERBS:
            return "accs", None
    return None


def _subject_after_adverbial(text: str, position: int, end: int, gender: str | None, plural: bool | None) -> bool:
    """Is the term the subject right after adverbial phrases that open its clause, not the genitive of their
    last noun? Only prepositional phrases stand before the term in the clause (:func:`_adverbials`), and a
    finite verb that agrees with the term follows it, its genitive complement or an adverb maybe between («На
    каждом этапе XX может использовать ...», «На этапе постпроцессинга XX успешно объединит ...», «На каждом
    этапе XX кодировщика получает ...»; not «точность модели растёт»,
    nor «в конце обучения модель сохраняется»)."""
    before = [m.group() for m in _word_matches(text, position, 8)]
    while before and before[0].lower() in ("а", "и", "но", "однако"):
        before = before[1:]
    if plural is None or not _adverbials(before):
        return False
    after = _words_after(text, end, 4)
    for _ in range(2):  # the term's own genitive complement («XX кодировщика получает»)
        if after and any(p.tag.POS == "NOUN" and p.tag.case == "gent" for p in _parses(after[0].group())):
            after = after[1:]
    if after and _is_pos(after[0].group(), _ADVERB):
        after = after[1:]
    if not after or re.search(r"[^\w\s]", text[end:after[0].start()]):
        return False  # punctuation between: another clause
    verbs = [p for p in _parses(after[0].group()) if p.tag.POS == "VERB" and p.tag.person in (None, "3per")
             and "impr" not in p.tag  # «для игнорирования XX задайте»: an imperative has no subject there
             and p.normal_form not in ("быть", "существовать", "следовать")]  # «будут», «существует»: no subject
    return any((p.tag.number == "plur") == plural and (plural or p.tag.gender in (None, gender)) for p in verbs)


def _adverbials(words: list[str]) -> bool:
    """Are ``words`` one or more prepositional phrases (a preposition, its adjectives, its noun and the noun's
    genitives), none a compound preposition that would govern what follows («в качестве», «во время»)?"""
    from .government import COMPOUND_PREPOSITIONS

    at = 0
    while at < len(words):
        if words[at].lower() not in RUSSIAN_CASE or " ".join(words[at:at + 2]).lower() in COMPOUND_PREPOSITIONS:
            return False
        at += 1
        while at < len(words) and _is_pos(words[at], _AGREEING) and _parses(words[at])[0].normal_form != "который":
            at += 1  # «в котором цель XX ...» opens a relative clause, no adverbial
        if at == len(words) or not _is_pos(words[at], frozenset({"NOUN"})):
            return False
        while at < len(words) and _is_pos(words[at], frozenset({"NOUN"})):
            at += 1
    return bool(words)


def _agent_of_reflexive(text: str, position: int, gender: str | None, plural: bool | None) -> bool:
    """Is the term the agent of the reflexive passive right before it, which cannot agree with it (the term's
    number known): «метка определяется признаками», «модель обучается методами ...»?"""
    before = _word_matches(text, position, 1)
    if plural is None or not before or not before[0].group().lower().endswith(("ся", "сь")):
        return False
    verbs = [p for p in _parses(before[0].group()) if p.tag.POS == "VERB" and p.tag.person in (None, "3per")]
    agrees = any((p.tag.number == "plur") == plural and (plural or p.tag.gender in (None, gender)) for p in verbs)
    return bool(verbs) and "impf" in verbs[0].tag and not agrees


def _recipient_of_infinitive(text: str, position: int, end: int) -> bool:
    """Is the term the dative addressee of a verb of telling or letting before it, with an infinitive right
    after it («указать слоям внимания игнорировать ...», «дать модели обучиться»)?"""
    from .government import GIVING_VERBS, TELLING_VERBS

    before, after = _word_matches(text, position, 1), _words_after(text, end, 1)
    if not before or not after or text[end:after[0].start()].strip():
        return False
    verb = _parses(before[0].group())
    following = _parses(after[0].group())
    lemmas = TELLING_VERBS | GIVING_VERBS
    return bool(verb and following) and verb[0].normal_form in lemmas and following[0].tag.POS == "INFN"


def _word_governs(word: str, gender: str | None = None, inverted: bool = False, opens: bool = False) -> str | None:
    """The case a noun or verb right before a term gives it: a noun's genitive complement, a verb of
    :data:`INSTRUMENTAL_VERBS`; None for other words (a transitive verb's object looks nominative). A word that
    ``opens`` the clause is read as a verb of the first person plural where it can be one («Вычислим XX»,
    «Применим XX»: not the short adjectives «вычислим», «применим»)."""
    parses = _parses(word)
    if not parses or not _CYRILLIC.search(word):
        return None
    if opens and parses[0].tag.POS == "ADJS":
        parses = [p for p in parses if p.tag.POS == "VERB" and {"1per", "plur"} <= p.tag.grammemes] or parses
    tag = parses[0].tag
    if word.lower() == "есть":
        return None  # «есть XX»: there is XX
    if tag.POS == "NOUN" and parses[0].normal_form in INSTRUMENTAL_NOUNS:
        return "ablt"  # «управление репозиториями»
    if tag.POS == "NOUN" and "Abbr" not in tag or word.lower() == "нет" or word.lower() in INDECLINABLE_NOUNS:
        return "gent"
    if tag.POS in ("VERB", "INFN", "GRND", "PRTS", "PRTF"):
        lemma = parses[0].normal_form
        if lemma in INSTRUMENTAL_VERBS and inverted:
            return None  # «хорошей практикой является XX»: the instrumental came first, XX is the subject
        if lemma in INSTRUMENTAL_VERBS or (tag.POS == "INFN" and lemma == "быть"):
            return "ablt"  # «может быть батчем»
        if lemma in DATIVE_VERBS or lemma in GIVING_VERBS and "pssv" in tag:
            return "datv"
        if lemma in GENITIVE_VERBS:
            return "gent"
        if tag.POS == "PRTS" and "pssv" in tag and parses[0].is_known:
            # «представлена слоем»: the agent; «будет добавлен слой»: the subject, which agrees with it
            return None if tag.number == "sing" and tag.gender == gender else "ablt"
        if "tran" in tag and tag.POS != "PRTF" and "pssv" not in tag:
            return "accs"
    return None


def _relative_object(matches: list[re.Match]) -> bool:
    """Is a form of «который» in ``matches`` the object of the verb they end with? When it can only be
    accusative, or, if it can be nominative too, when a nominative pronoun stands between («которое мы
    передали») or the first finite verb after it disagrees in number («которые может использовать»);
    not «который поможет улучшить» (the subject)."""
    at = [i for i, m in enumerate(matches) if _parses(m.group())[0].normal_form == "который"]
    if not at:
        return False
    readings = [p for p in _parses(matches[at[-1]].group()) if p.normal_form == "который"]
    if not any(p.tag.case == "accs" for p in readings):
        return False
    nominative = [p for p in readings if p.tag.case == "nomn"]
    for match in matches[at[-1] + 1:]:
        parse = _parses(match.group())[0]
        if parse.tag.POS == "NPRO" and parse.tag.case == "nomn":
            return True
        if parse.tag.POS == "VERB":
            return all(p.tag.number != parse.tag.number for p in nominative)
    return not nominative


def _verb_before_noun(matches: list[re.Match], index: int, case: str):
    """The verb's (or gerund's) first reading before ``matches[index]``, a noun in ``case``, only attributes
    between them; else None."""
    if not any(p.tag.POS == "NOUN" and p.tag.case == case for p in _parses(matches[index].group())):
        return None
    at = index - 1
    while at >= 0 and _is_pos(matches[at].group(), _AGREEING):
        at -= 1
    if at < 0 or not (verb := _parses(matches[at].group())):
        return None
    return verb[0] if verb[0].tag.POS in _VERB | {"GRND"} else None


def _second_object(matches: list[re.Match], index: int) -> bool:
    """Is ``matches[index]`` the accusative object of a verb that takes a second one in the instrumental
    («дополним пример XX», «инициализировать эту модель XX»), adjectives between them?"""
    verb = _verb_before_noun(matches, index, "accs")
    return verb is not None and verb.normal_form in INSTRUMENTAL_OBJECT_VERBS


def _object_after_recipient(matches: list[re.Match], index: int) -> bool:
    """Is ``matches[index]`` a verb's dative recipient, the verb (:data:`RECIPIENT_VERBS`) before it with only
    attributes between, so that the term after it is the verb's accusative object («присвоила всем четырём
    токенам XX», «передать модели XX»; not «передать веса модели XX»)?"""
    verb = _verb_before_noun(matches, index, "datv")
    return verb is not None and verb.normal_form in RECIPIENT_VERBS and "pssv" not in verb.tag


def _number_name(text: str, matches: list[re.Match], index: int) -> bool:
    """Is ``matches[index]`` a number after a noun that names it («предложения 1», «Главе 3»; not «10B»)?"""
    word, end = matches[index].group(), matches[index].end()
    named = index > 0 and _is_pos(matches[index - 1].group(), frozenset({"NOUN"}))
    return word.isdigit() and named and text[end:end + 1].isspace()


def _as_object(matches: list[re.Match], index: int) -> bool:
    """Does «как» at ``matches[index]`` follow a transitive active verb and its object (a noun or a symbol in
    Latin letters: «обозначим V как XX», «рассматриваем задачу как XX»)? XX then takes the object's accusative."""
    if index < 2:
        return False
    obj, verb = matches[index - 1].group(), _parses(matches[index - 2].group())
    is_object = not _CYRILLIC.search(obj) or _is_pos(obj, frozenset({"NOUN"}))
    tag = verb[0].tag if verb else None
    return is_object and tag is not None and tag.POS in ("VERB", "INFN", "GRND") and "tran" in tag and "pssv" not in tag


def _word_case(matches: list[re.Match], index: int) -> str | None:
    """The case one word gives the term whatever stands between: a noun in Latin letters right before it takes
    a genitive complement («API токенизатора»); «как» after a verb's object gives the object's accusative."""
    low = matches[index].group().lower()
    if low in LATIN_NOUNS and index == len(matches) - 1:
        return "gent"
    return "accs" if low == "как" and _as_object(matches, index) else None


def _formula(matches: list[re.Match], index: int, attribute: bool) -> bool:
    """Is ``matches[index]`` a word in Latin letters (a name, a formula's symbol) the reading passes over?
    Right before the term any such word; before an adjective of the term, a formula's symbol too (one or
    two letters: «выборки x истинной XX»; not «элементу u XX», where the noun and its symbol are a phrase
    of their own, nor «с BPE этот XX», «для GPT-2 единственным XX»)."""
    word = matches[index].group()
    if _CYRILLIC.search(word) or word.isdigit():
        return False
    return index == len(matches) - 1 or attribute and len(word) <= 2


def _passed_over(matches: list[re.Match], index: int, counted: bool, attribute: bool) -> int:
    """How many words from ``matches[index]`` leftwards the reading passes over (0: none): a numeral coordinated
    with the one read (``counted``) already («до 512 или 1024 XX»: the first one's governor decides), a personal
    pronoun with its preposition («удаляет из него XX»: an adjunct), an adverb or particle after an attribute
    (``attribute``), a verb or a short participle («с предварительно обученной XX», «называется просто XX»,
    «дополнены справа XX», «одного и того же XX»),
    a name or formula in Latin letters (:func:`_formula`: «с bert-base-uncased XX», «выборки x истинной XX»)."""
    low = matches[index].group().lower()
    previous = matches[index - 1].group() if index > 0 else ""
    if counted and low in CONJUNCTIONS and previous and _numeral(previous):
        return 2
    if previous.lower() in RUSSIAN_CASE and low in PERSONAL:
        return 2
    if _is_pos(low, _ADVERB) and (attribute or previous and _is_pos(previous, _VERB | {"PRTS"})) or low == "же":
        return 1
    return int(_formula(matches, index, attribute))


def _into(low: str, before: list[str]) -> bool:
    """Does a word of placing before «в/на» ``low`` make it take the accusative («объединить в батч»)? Only
    up to another preposition («посмотрим на длину записи в XX»), and «смотреть, влиять, внимание ...» only
    before «на» («обратить внимание на XX»; not «внимание в его XX»)."""
    for word in reversed(before):
        if word.lower() in RUSSIAN_CASE:
            return False
        lemmas = {p.normal_form for p in _parses(word)[:2]}
        if lemmas & INTO_VERBS and (low == "на" or not lemmas & ONTO_WORDS):
            return True
    return False
