"""The `cleaner` command line: the Typer application and its commands, registered here one by
one. Each command lives in a module of its own (clean.py, explain.py, review.py, rules.py, suggest.py);
what they share is in options.py.

Exit codes: 0 every document cleaned; 1 some documents failed (each named on stderr, the rest
written); 2 bad usage or bad rule files (nothing cleaned); 130 interrupted.
"""
from __future__ import annotations

import typer

from cleaner.cli import clean, explain, review, rules, suggest

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Strip boilerplate (related lists, ads, credits, translation notices, site chrome) from scraped "
         "articles and write clean text with metadata. Rules are YAML: see `cleaner rules --help`.",
)
app.command()(clean.clean)
app.command()(explain.repair)
app.command()(explain.explain)
app.command()(review.review)

rules_app = typer.Typer(
    no_args_is_help=True,
    help="Write and test rules: check rule files, run golden fixtures, list rules, print the schema.")
rules_app.command("check")(rules.check)
rules_app.command("test")(rules.test)
rules_app.command("list")(rules.list_rules)
rules_app.command("schema")(rules.schema)
rules_app.command("suggest")(suggest.suggest)
app.add_typer(rules_app, name="rules")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
