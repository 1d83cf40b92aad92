"""The tokenizer's rejoin table is stored with its rules (issue 26: working it out took ~80 ms of every
run, once per tokenizer); a table without it (written by an older notelingo) still gives the same one."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_stored_rejoin_is_the_one_worked_out(lang):
    from notelingo.mt.segment import sentencizer
    from notelingo.nlp.tokenrules import Tokenizer, rules_of

    table = rules_of(sentencizer(lang).tokenizer)
    stored = Tokenizer(table)
    worked_out = Tokenizer({key: value for key, value in table.items() if key != "rejoin"})
    assert stored.rejoin == worked_out.rejoin and stored.rejoin
    assert stored.rejoin_lengths == worked_out.rejoin_lengths and stored.rejoin_first == worked_out.rejoin_first
    text = "Смотри :) на arXiv:1810.04805, e.g. U.S. don't — it's 3x faster!"
    assert stored(text) == worked_out(text)


@pytest.mark.parametrize("package", ["spacy", "pymorphy3", "ctranslate2", "typer"])
def test_installed_version_reads_what_importlib_metadata_reads(package):
    from importlib.metadata import version

    from notelingo.nlp.tokenrules import installed_version

    assert installed_version(package) == version(package)


def test_installed_version_of_a_missing_package_is_a_dash():
    from notelingo.nlp.tokenrules import installed_version

    assert installed_version("no_such_package_for_notelingo") == "-"
