"""The words that govern a glossary term's case: prepositions, verbs, nouns and quantity words.

Tables only, read by :mod:`notelingo.glossary.agree`: the English prepositions of the source and the
Russian ones of the output with the case they govern, and the Russian verbs, participles and nouns
whose complement right after them takes a case of its own (the rules that use them are in agree.py).
"""

from __future__ import annotations

#: English prepositions and the case their Russian counterpart governs.
ENGLISH_CASE = {
    **dict.fromkeys("after without of for from before during until till except among amongst "
                    "near behind beyond besides despite around since".split(), "gent"),
    **dict.fromkeys("on in about at within inside upon".split(), "loct"),
    **dict.fromkeys("with by between under".split(), "ablt"),
    **dict.fromkeys("to towards toward".split(), "datv"),
    **dict.fromkeys("into onto through via".split(), "accs"),
}
#: Russian prepositions (and the fixed phrases ending in one) and the case they govern.
RUSSIAN_CASE = {
    **dict.fromkeys("без для до из от у около после вокруг кроме среди вместо из-за из-под против вне "
                    "внутри помимо возле вдоль ради напротив насчёт насчет вроде наподобие посредством "
                    "вследствие ввиду сверх".split(), "gent"),
    **dict.fromkeys("к ко по благодаря согласно вопреки навстречу".split(), "datv"),
    **dict.fromkeys("через про сквозь".split(), "accs"),
    **dict.fromkeys("о об обо при".split(), "loct"),
    **dict.fromkeys("в во на".split(), "loct"),
    **dict.fromkeys("с со за под подо над надо перед передо между".split(), "ablt"),
}
#: Prepositions of a preposition and a noun: the noun heads no chain a coordination climbs to («с помощью
#: скорости обучения и XX»: XX goes with «скорости»).
COMPOUND_PREPOSITIONS = frozenset(("с помощью", "при помощи", "во время", "в течение", "в результате", "на основе",
                                   "на основании", "в качестве", "в виде", "в случае", "за счёт", "за счет",
                                   "в процессе", "в ходе", "в рамках", "в целях", "в отличие", "по мере",
                                   "в зависимости", "в пределах", "в роли", "по поводу", "с целью"))
#: English prepositions that turn an ambiguous Russian one to another case: «в датасет» (into),
#: «с сервера» (from), «за эпоху» (for/in).
DIRECTION = {"в": {"into": "accs", "to": "accs"}, "во": {"into": "accs", "to": "accs"},
              "на": {"onto": "accs", "to": "accs", "for": "accs"},
              "с": {"from": "gent", "since": "gent"}, "со": {"from": "gent", "since": "gent"},
              "за": {"for": "accs", "in": "accs", "within": "accs"}}
#: Verbs directly before a term that take it in the instrumental («является моделью»).
INSTRUMENTAL_VERBS = frozenset("являться стать становиться называться считаться оказаться оказываться "
                                "служить пользоваться воспользоваться владеть управлять заниматься называть "
                                "назвать именовать делиться поделиться обмениваться обменяться обладать "
                                "оперировать манипулировать руководить жертвовать пожертвовать "
                                "интересоваться заинтересоваться".split())
#: Verbs whose accusative object is followed by a second object in the instrumental («инициализировать модель
#: словарём», «дополнить пример маской внимания»).
INSTRUMENTAL_OBJECT_VERBS = frozenset("""дополнить дополнять инициализировать проинициализировать заполнить заполнять
    снабдить снабжать наделить наделять оснастить оснащать умножить умножать ограничить ограничивать""".split())
#: Nouns of the verbs that take the instrumental, with the same complement («управление репозиториями»).
INSTRUMENTAL_NOUNS = frozenset("управление владение пользование манипулирование злоупотребление".split())
#: Verbs directly before a term that take it in the dative («соответствует токену»).
DATIVE_VERBS = frozenset("""соответствовать принадлежать помогать помочь мешать следовать доверять присвоить
    присваивать посвятить посвящать сообщить сообщать позволить позволять разрешить разрешать запретить запрещать
    объяснить объяснять подвергнуть подвергать подвергаться подвергнуться""".split())
DATIVE_PARTICIPLES = frozenset("посвятить посвящать принадлежать".split())
#: Adjectives that take a complement in the dative («необходимые токенизатору», «подобный трансформеру»).
DATIVE_ADJECTIVES = frozenset("""необходимый нужный доступный известный понятный полезный подобный равный аналогичный
    идентичный присущий свойственный противоположный""".split())
#: Verbs of giving: their object is the accusative («передаём батчи»), their passive's complement
#: the recipient («переданы токенизатору»).
GIVING_VERBS = frozenset("передать передавать подать подавать давать дать отдать отдавать".split())
#: Verbs with a dative recipient and an accusative object: after the recipient the term is the object
#: («присвоила всем четырём токенам XX», «передать модели XX»).
RECIPIENT_VERBS = GIVING_VERBS | frozenset("""присвоить присваивать назначить назначать предоставить предоставлять
    показать показывать сообщить сообщать объяснить объяснять отправить отправлять вернуть возвращать""".split())
#: Verbs of telling whose addressee, before an infinitive, is in the dative («указать слоям игнорировать»).
TELLING_VERBS = frozenset("""указать указывать сказать говорить велеть приказать приказывать поручить поручать
    предложить предлагать советовать посоветовать рекомендовать порекомендовать""".split())
#: Verbs directly before a term that take it in the genitive («избегать переобучения»).
GENITIVE_VERBS = frozenset("""избегать избежать достигать достичь достигнуть требовать потребовать бояться опасаться
    добиваться добиться касаться коснуться лишать лишить хватать хватить недоставать желать пожелать
    заслуживать придерживаться""".split())
#: The other case an ambiguous preposition governs (an adjective before the term may show it).
ALTERNATIVE = {"в": ("accs",), "во": ("accs",), "на": ("accs",), "за": ("accs",), "под": ("accs",),
                "с": ("gent",), "со": ("gent",)}
CONJUNCTIONS = frozenset({"и", "или", "либо"})
#: Second halves of paired conjunctions, after a comma: the member before the comma is the first one
#: («как классификации, так и XX», «не только моделей, но и XX», «моделей, а также XX»).
PAIRED_CONJUNCTIONS = frozenset({"так и", "но и", "а также", "а также и"})
#: Personal pronouns after a preposition (never possessive, unlike «его», «их»).
PERSONAL = frozenset("него неё нее них нему ним нём нем ней нами нас вас вами мне меня тебя тебе себя себе собой "
                      "нам вам".split())
DATIVE_PRONOUNS = frozenset("ему ей им нам вам мне тебе себе".split())
#: Words before «в/на» that make them take the accusative (a direction: «объединить в батч»).
INTO_VERBS = frozenset("""смотреть посмотреть взглянуть глядеть обратить обращать добавить добавлять объединить
    объединять превратить превращать преобразовать преобразовывать загрузить загружать отправить отправлять
    поместить помещать разбить разбивать разделить разделять перевести переводить сохранить сохранять влиять
    повлиять опираться полагаться указывать указать делить поделить погружение переход внимание ответ
    конвертировать сконвертировать собрать собирать записать записывать положить класть попасть попадать
    включить включать вставить вставлять внести вносить поступать поступить вернуть возвращать упаковать
    объединение преобразование отправка загрузка добавление превращение конвертация передать передавать передача
    заменить заменять замена токенизировать токенизация разбиение сегментация сегментировать разделение деление
    погрузиться погружаться войти входить встроить встраивать отсылать отослать отображение отображать тест
    похожий брать взять принимать принять завернуть заворачивать""".split())
#: Words of :data:`INTO_VERBS` that take «на» only («смотреть на», «влиять на», «внимание на»; «указать в XX» is
#: a place).
ONTO_WORDS = frozenset("""смотреть посмотреть взглянуть глядеть обратить обращать влиять повлиять опираться
    полагаться указывать указать делить поделить внимание ответ похожий тест""".split())
#: Verbs of putting that, after «в/на XX», still make them take the accusative («в параметр можно передать»).
PUTTING_VERBS = frozenset("""передать передавать поместить помещать положить класть добавить добавлять загрузить
    загружать записать записывать вставить вставлять отправить отправлять""".split())
#: Nouns that, with a word of their own before them, make an adverbial phrase and govern nothing after it
#: («в этом случае», «в широком смысле», «таким образом»; not «в случае XX»).
ADVERBIAL_NOUNS = frozenset("случай смысл образ итог".split())
#: Nouns the dictionary knows as animate (persons) that name things in ML text: their accusative is the
#: nominative («задать планировщик скорости обучения»).
INANIMATE_NOUNS = frozenset("планировщик".split())
#: Nouns written in Latin letters that take a genitive complement like a Russian noun («API токенизатора»).
LATIN_NOUNS = frozenset("api id url readme".split())
#: Quantity words that take a genitive plural («много токенов»).
QUANTITY = frozenset("много мало немного несколько сколько столько больше меньше достаточно недостаточно "
                      "немало млн млрд трлн тыс".split())
#: Comparatives that take a genitive plural right before the noun («10 или более токенов»; not «более мелкие»).
COMPARATIVE_QUANTITY = frozenset("более менее".split())
#: Indeclinable nouns pymorphy3 reads as other words («демо машинного обучения»: a noun's complement).
INDECLINABLE_NOUNS = frozenset("демо".split())
#: English words that may stand between a preposition and its noun ("after the first two epochs").
ENGLISH_SKIP = frozenset("""a an the this that these those its their our my your his her all some any many
    several both each every other such few more most new same first last one two three four five six seven eight
    nine ten pre-trained pretrained large small different multiple""".split())
