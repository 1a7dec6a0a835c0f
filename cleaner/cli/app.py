"""The `cleaner` command line: the Typer application and its commands, registered here one by
one. Each command lives in a module of its own (clean.py, explain.py, review.py, rules.py, suggest.py);
what they share is in options.py.

Exit codes: 0 every document cleaned; 1 some documents failed (each named on stderr, the rest
written); 2 bad usage or bad rule files (nothing cleaned); 130 interrupted.
"""
from __future__ import annotations

import typer

from cleaner.cli import clean, explain, review, rules, suggest
from cleaner.cli.options import quiet_stdout

# Plain Click help (rich_markup_mode=None): at 80 columns it keeps option names whole and shows
# no type noise, and square brackets in help texts ('cleaner-text[dask]') are not read as markup.
HELP_SETTINGS = {"max_content_width": 100}


def _plain_argument_names() -> None:
    """Recent Typer versions print an argument's Python type after its name even when the name is
    a metavar that says more ('PATH... <list[str]>'); every argument here has a metavar, so the
    type is left out (options already do that when they have a metavar)."""
    from typer.core import TyperArgument

    shown = getattr(TyperArgument, "display_type_rich", None)
    if shown is not None:
        TyperArgument.display_type_rich = lambda self, ctx: None if self.metavar else shown(self, ctx)


_plain_argument_names()

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=HELP_SETTINGS,
    help="Strip boilerplate (related lists, ads, credits, translation notices, site chrome) from scraped "
         "articles and write clean text with metadata. Rules are YAML: see `cleaner rules --help`.",
)
app.command()(clean.clean)
app.command()(explain.repair)
app.command()(explain.explain)
app.command()(review.review)

rules_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=HELP_SETTINGS,
    help="Write and test rules: check rule files, run golden fixtures, list rules, print the schema.")
rules_app.command("check")(rules.check)
rules_app.command("test")(rules.test)
rules_app.command("list")(rules.list_rules)
rules_app.command("schema")(rules.schema)
rules_app.command("suggest")(suggest.suggest)
rules_app.command("import-ftr")(rules.import_ftr)
app.add_typer(rules_app, name="rules")


def main() -> None:
    try:
        app()
    except SystemExit as exit_:
        # Typer answers a broken pipe on stdout (`cleaner rules list | head`) with exit code 1;
        # the reader simply had enough, which is no error for a Unix tool.
        if exit_.code == 1 and isinstance(exit_.__context__, BrokenPipeError):
            quiet_stdout()
            raise SystemExit(0) from None
        raise


if __name__ == "__main__":
    main()
