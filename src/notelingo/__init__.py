"""notelingo: messy multilingual ML notes -> clean, aligned bilingual notes and digests.

Importing this package is cheap: no heavy libraries, no I/O.
"""

__version__ = "0.1.0"
