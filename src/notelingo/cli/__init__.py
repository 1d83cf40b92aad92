"""The ``notelingo`` command line: a thin layer over the library.

Each command validates its options and calls one library function of the same
name. Errors become exit codes here and only here:

* 0 - everything went well
* 1 - some inputs failed (the others were processed) or a step failed
* 2 - usage error (bad option, missing argument)
* 130 - interrupted (Ctrl-C / SIGTERM); no partial output is left behind

Nothing heavy (torch, transformers, spaCy, ctranslate2) is imported at start-up.
"""

from __future__ import annotations

# isort: off
from ._app import app, main

# Importing the command modules registers their commands on ``app``, in this order (the order of --help).
from . import ingest_cmd, translate_cmd, digest_cmd, export_cmd, glossary_cmd, models_cmd  # noqa: E402,F401
from . import eval_cmd  # noqa: E402,F401
# isort: on

__all__ = ["app", "main"]
