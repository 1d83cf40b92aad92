"""The letters of the scripts notelingo reads, written once for every stage.

:data:`CYRILLIC_RE` finds a Russian letter (either case, ``ё`` included): readers tell
prose from code by it, the glossary decides which language a form is in and whether it
inflects. Nothing here imports another notelingo module.
"""

from __future__ import annotations

import re

#: One Russian letter, upper or lower case (``а``-``я`` and ``ё``).
CYRILLIC_RE = re.compile(r"[а-яё]", re.IGNORECASE)
#: One Ukrainian letter (the Russian ones and і ї є ґ), either case.
UKRAINIAN_RE = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
#: One basic Latin letter, either case.
LATIN_RE = re.compile(r"[a-z]", re.IGNORECASE)
