"""``notelingo glossary ...``: view, edit, import, export and grow the ML glossary."""

from __future__ import annotations

import json
from typing import List, Optional

import typer

from ._app import app, err, error_boundary

glossary_app = typer.Typer(help="View, edit, lint, import/export and mine the ML terminology glossary.",
                           no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")

GLOSSARY_OPTION = typer.Option(
    None, "--glossary", "-g",
    help="Glossary YAML file (default: the shipped glossary with your user glossary over it; see 'glossary path').")


def _load(path: Optional[str], check: bool = True):
    from ..api import tools as api_tools

    return api_tools.load_terms(path, check=check)


POLICIES = ("keep", "translate", "gloss")


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    from ..errors import UsageError

    if value not in allowed:
        raise UsageError(f"{option} {value!r}: use one of {', '.join(allowed)}")
    return value


@glossary_app.command("list")
def list_command(fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
                 glossary: Optional[str] = GLOSSARY_OPTION) -> None:
    """List the glossary's entries."""
    with error_boundary():
        _choice(fmt, ("table", "json", "csv"), "--format")
        g = _load(glossary)
        if fmt == "json":
            typer.echo(json.dumps([e.to_dict() for e in g.entries], ensure_ascii=False, indent=2))
        elif fmt == "csv":
            from ..api import tools as api_tools

            typer.echo(api_tools.export_terms("csv", glossary=g), nl=False)
        else:
            typer.echo(f"{'term':<32} {'policy':<9} {'domain':<15} russian")
            for e in g.entries:
                typer.echo(f"{e.en:<32} {e.policy:<9} {e.domain or '-':<15} {' / '.join(e.ru) or '-'}".rstrip())


@glossary_app.command("show")
def show_command(term: str = typer.Argument(..., help="Canonical English term, or any of its forms."),
                 glossary: Optional[str] = GLOSSARY_OPTION) -> None:
    """Show one entry in full."""
    with error_boundary():
        from ..errors import GlossaryError

        g = _load(glossary)
        entry = g.lookup(term)
        if entry is None:
            raise GlossaryError(f"{g.path}: no entry {term!r}; see 'notelingo glossary list'")
        typer.echo(f"en: {entry.en}")
        typer.echo(f"ru: {' / '.join(entry.ru) or '-'}")
        for lang in ("en", "ru"):
            if entry.variants.get(lang):
                typer.echo(f"variants.{lang}: {', '.join(entry.variants[lang])}")
        if entry.generic:
            typer.echo(f"generic: {', '.join(entry.generic)}")
        typer.echo(f"policy: {entry.policy}")
        for key in ("domain", "note"):
            if getattr(entry, key):
                typer.echo(f"{key}: {getattr(entry, key)}")
        typer.echo(f"line: {entry.line}")


@glossary_app.command("add")
def add_command(
    term: str = typer.Argument(..., help="Canonical English form."),
    ru: List[str] = typer.Option([], "--ru", help="Russian rendering (repeat; the first is preferred)."),
    variant: List[str] = typer.Option([], "--variant", help="Surface variant, English or Russian (repeat)."),
    generic: List[str] = typer.Option([], "--generic", help="A form that is an everyday word too: "
                                      "matched only in hyphenated compounds (repeat)."),
    policy: str = typer.Option("translate", "--policy", help="keep, translate or gloss."),
    note: Optional[str] = typer.Option(None, "--note"),
    domain: Optional[str] = typer.Option(None, "--domain"),
    glossary: Optional[str] = GLOSSARY_OPTION,
) -> None:
    """Add an entry (refuses duplicates and conflicts)."""
    with error_boundary():
        from ..api import tools as api_tools

        _load(glossary)  # a broken glossary file is reported before a bad --policy
        _choice(policy, POLICIES, "--policy")
        path = api_tools.add_term(term, ru, variant, policy, note, domain, generic, glossary=glossary)
        typer.echo(f"added {term!r} to {path}")


@glossary_app.command("edit")
def edit_command(
    term: str = typer.Argument(..., help="Canonical English form of the entry to change."),
    en: Optional[str] = typer.Option(None, "--en", help="New canonical English form."),
    ru: List[str] = typer.Option([], "--ru", help="Replace the Russian renderings (repeat)."),
    variant: List[str] = typer.Option([], "--variant", help="Add a surface variant, English or Russian (repeat)."),
    remove_variant: List[str] = typer.Option([], "--remove-variant", help="Remove a variant (repeat)."),
    generic: List[str] = typer.Option([], "--generic", help="Replace the generic forms (repeat; '' clears them)."),
    policy: Optional[str] = typer.Option(None, "--policy", help="keep, translate or gloss."),
    note: Optional[str] = typer.Option(None, "--note", help="New note ('' clears it)."),
    domain: Optional[str] = typer.Option(None, "--domain", help="New domain ('' clears it)."),
    glossary: Optional[str] = GLOSSARY_OPTION,
) -> None:
    """Change fields of an entry; only the options given are changed."""
    with error_boundary():
        from ..api import tools as api_tools
        from ..errors import UsageError

        if policy is not None:
            _choice(policy, POLICIES, "--policy")
        changes = {"en": en, "policy": policy, "note": note, "domain": domain, "ru": ru or None,
                   "add_variants": variant or None, "remove_variants": remove_variant or None,
                   "generic": [g for g in generic if g] if generic else None}
        changes = {k: v for k, v in changes.items() if v is not None}
        if not changes:
            raise UsageError("nothing to change; give --en, --ru, --variant, --remove-variant, --generic, --policy, "
                             "--note or --domain")
        path = api_tools.edit_term(term, glossary=glossary, **changes)
        typer.echo(f"edited {term!r} in {path}")


@glossary_app.command("remove")
def remove_command(term: str = typer.Argument(..., help="Canonical English form."),
                   glossary: Optional[str] = GLOSSARY_OPTION) -> None:
    """Remove an entry."""
    with error_boundary():
        from ..api import tools as api_tools

        path = api_tools.remove_term(term, glossary=glossary)
        typer.echo(f"removed {term!r} from {path}")


@glossary_app.command("lint")
def lint_command(glossary: Optional[str] = GLOSSARY_OPTION) -> None:
    """Check for duplicates, conflicting renderings, shadowing variants and empty fields."""
    with error_boundary():
        from ..api import tools as api_tools

        g, problems = api_tools.lint_terms(glossary)
        for problem in problems:
            typer.echo(problem.format(g.path))
    if problems:
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {len(g.entries)} entries", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {len(g.entries)} entries, no problems")


@glossary_app.command("import")
def import_command(
    file: str = typer.Argument(..., help="CSV, TSV, TBX, Markdown table (.md/.mdx) or YAML glossary."),
    output: Optional[str] = typer.Option(None, "--output", "-o",
                                         help="Write the imported entries to this YAML file instead of merging."),
    glossary: Optional[str] = GLOSSARY_OPTION,
) -> None:
    """Import entries: into --glossary (new terms only), or as a new glossary with -o."""
    with error_boundary():
        from ..api import tools as api_tools

        done = api_tools.import_terms(file, glossary=glossary, output=output or None)
        if output:
            typer.echo(f"imported {done['added']} entries from {file} into {done['path']}")
            return
        existing, refused = done["existing"], done["refused"]
        typer.echo(f"imported {done['added']} entries from {file} into {done['path']}; kept {len(existing)} existing; "
                   f"skipped {len(refused)} that conflict")
        for line in refused:
            typer.echo(f"skipped {line}", err=True)


@glossary_app.command("export")
def export_command(
    fmt: str = typer.Option(..., "--format", "-f",
                            help="deepl (DeepL's two-column CSV for one --pair), csv/tsv (every field, header row) "
                            "or tbx."),
    output: str = typer.Option(..., "--output", "-o", help="Output file ('-' for stdout)."),
    pair: str = typer.Option("en-ru", "--pair", help="Language pair of a DeepL glossary: en-ru or ru-en."),
    glossary: Optional[str] = GLOSSARY_OPTION,
) -> None:
    """Export for MT services and CAT tools (DeepL glossary CSV, notelingo CSV/TSV, TBX-Basic)."""
    with error_boundary():
        from ..api import tools as api_tools
        from ..glossary.formats import DEEPL_PAIRS, FORMATS

        _choice(pair, DEEPL_PAIRS, "--pair")
        text = api_tools.export_terms(_choice(fmt, FORMATS, "--format"), output, pair, _load(glossary))
        if output == "-":
            typer.echo(text, nl=False)
            return
        typer.echo(f"exported to {output}")


@glossary_app.command("path")
def path_command(glossary: Optional[str] = GLOSSARY_OPTION) -> None:
    """Show which glossary files are in use (edits without --glossary go to the user glossary)."""
    with error_boundary():
        from ..api import tools as api_tools

        for role, path, g in api_tools.glossary_files(glossary):
            if g is not None:
                removed = f", {len(g.removed)} removed" if g.removed else ""
                typer.echo(f"{role}: {path} ({len(g.entries)} entries{removed})")
            elif role == "user":
                typer.echo(f"{role}: {path} (not created yet; 'glossary add/edit/remove' without --glossary write it)")
            else:
                typer.echo(f"{role}: {path} (does not exist)")


@glossary_app.command("find")
def find_command(
    text: str = typer.Argument(..., help="Text to search for glossary terms."),
    lang: str = typer.Option(..., "--lang", "-l", help="Language of the text: ru or en."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    glossary: Optional[str] = GLOSSARY_OPTION,
) -> None:
    """Find glossary terms in TEXT: span, surface form, entry."""
    with error_boundary():
        from ..api import tools as api_tools

        _choice(fmt, ("text", "json"), "--format")
        # spaCy-free once the glossary's match table is cached (the first run builds it): see glossary/fastfind.py
        matches = api_tools.find_terms(text, _choice(lang, ("ru", "en"), "--lang"), glossary)
        rows = [{"start": m.start, "end": m.end, "surface": m.surface, "en": m.entry.en, "ru": m.entry.ru,
                 "policy": m.entry.policy} for m in matches]
        if fmt == "json":
            typer.echo(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            typer.echo(f"{row['start']}-{row['end']}\t{row['surface']}\t{row['en']}\t{' / '.join(row['ru']) or '-'}")


@glossary_app.command("suggest")
def suggest_command(
    inputs: List[str] = typer.Argument(..., help="Anything 'ingest' reads: text dumps, Telegram exports, blog pages, "
                                       "folders, notes.jsonl."),
    top: int = typer.Option(30, "--top", "-n", min=1, help="How many candidates to list."),
    glossary: Optional[str] = GLOSSARY_OPTION,
) -> None:
    """Candidate terms not in the glossary yet (count, posts, kind, term, example), ranked by frequency × spread."""
    with error_boundary():
        from ..api import tools as api_tools

        candidates = api_tools.suggest_terms(*inputs, top=top, glossary=glossary)
        for failure in candidates.failures:
            err(f"error: {failure}")
        for c in candidates:  # best first: frequency × spread across posts
            typer.echo(f"{c.count}\t{c.posts}\t{c.kind}\t{c.term}\t{c.example}")
        if candidates.failures:
            raise typer.Exit(1)


@glossary_app.command("stats")
def stats_command(
    notes: str = typer.Argument(..., help="notes.jsonl written by notelingo."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    glossary: Optional[str] = GLOSSARY_OPTION,
) -> None:
    """Per term: how often it occurred and how it was rendered (consistency report)."""
    with error_boundary():
        from .. import api
        from ..api import tools as api_tools
        from ..glossary.stats import format_stats_line

        _choice(fmt, ("text", "json"), "--format")
        items = api_tools.term_stats(api.read_notes(notes), glossary)
        if fmt == "json":
            typer.echo(json.dumps([s.to_dict() for s in items], ensure_ascii=False, indent=2))
            return
        for item in items:
            typer.echo(format_stats_line(item))
        bad = sum(not s.consistent for s in items)
        typer.echo(f"{len(items)} terms, {bad} inconsistent")
