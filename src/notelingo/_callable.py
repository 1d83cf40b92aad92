"""Subpackages that are API functions too: ``notelingo.ingest``, ``notelingo.translate``, ``notelingo.export``.

The API names three functions after stages that are packages. Python binds an
imported subpackage onto its parent (``notelingo.translate`` becomes the package as
soon as anything imports ``notelingo.translate.engine``), so a plain function of the
same name at the package root would be replaced the first time it ran. Instead those
three packages are callable: calling one calls :mod:`notelingo.api`'s function of
that name, and its ``__doc__`` and ``__signature__`` are the function's, so
``help(notelingo.translate)`` and notebooks' ``notelingo.translate?`` show how to call
it. Every import path (``from notelingo.translate import TranslateOptions``,
``import notelingo.translate.engine``) works as before.
"""

from __future__ import annotations

import importlib
import sys
import types


class CallableModule(types.ModuleType):
    """A package that forwards calls to the :mod:`notelingo.api` function of the same name."""

    def _api_function(self):
        return getattr(importlib.import_module("notelingo.api"), self.__name__.rpartition(".")[2])

    def __call__(self, *args, **kwargs):
        return self._api_function()(*args, **kwargs)

    @property
    def __signature__(self):
        import inspect

        return inspect.signature(self._api_function())

    @property
    def __doc__(self):  # type: ignore[override]
        package_doc = self.__dict__.get("__doc__") or ""
        return f"{self._api_function().__doc__}\n\nThe package {self.__name__}:\n\n{package_doc}"


def make_callable(name: str) -> None:
    """Turn the already-imported package ``name`` into a :class:`CallableModule`."""
    sys.modules[name].__class__ = CallableModule
