"""The ``roeptoeter`` command (also ``python -m helpers``): the parser and :func:`main`.

``roeptoeter run`` runs the collection for one or more years (see :mod:`helpers.pipeline.runner`);
``roeptoeter check`` checks every parameter and raw input of such a run without running it (see
:mod:`helpers.pipeline.preflight`; ``run`` does the same first); ``roeptoeter list`` shows the notebooks
with their parameters and defaults; ``roeptoeter codebook draft <export>`` writes a starting
survey codebook for an export; ``roeptoeter accounts draft --year Y`` proposes an account list from
a Mastodon directory and Bluesky handles (see :mod:`helpers.collect.accounts_draft`);
``roeptoeter collect mastodon|bluesky --year Y`` runs a collector into ``data/raw/<Y>/``.

Exit codes: 0 success (or everything up to date), 1 a notebook failed (or a server kept failing
during ``collect`` / ``accounts draft``; what was stored is kept), 2 bad input (unknown year,
unknown notebook, malformed ``-p``, a parameter no notebook declares, missing input data, or any
other :class:`~helpers.core.errors.DataError` / :class:`~helpers.core.errors.ParameterError`; one message
names the problem and the fix, and nothing is written; several problems give one line each, the
first ten and then a count), 130 interrupted.

The sub-commands' handlers: :mod:`.drafts` (``codebook draft``, ``accounts draft``), :mod:`.collecting`
(``collect``); the exit codes and shared checks in :mod:`.common`.

The top of the layers: it may import any of them, and nothing in helpers imports it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from helpers.cli.collecting import _add_collect_parser, _collect
from helpers.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from helpers.cli.drafts import _accounts, _add_accounts_parser, _add_codebook_parser, _codebook

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_OK", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``roeptoeter``."""
    parser = argparse.ArgumentParser(
        prog="roeptoeter",
        description="Run the Roeptoeter notebook collection (results in outputs/<year>/).",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="{run,check,list,profiles,codebook,accounts,collect}")
    run = sub.add_parser("run", help="run the notebooks for one or more years")
    _year_options(run)
    run.add_argument(
        "--jobs", type=int, default=None, metavar="N",
        help=f"notebooks run in parallel (default and maximum: the cores, {os.cpu_count()})",
    )
    run.add_argument("--force", action="store_true", help="rerun years that are up to date")
    run.add_argument("--quiet", action="store_true", help="print failures only")
    check = sub.add_parser(
        "check", help="check every parameter and raw input of a run, without running a notebook"
    )
    _year_options(check)
    check.add_argument("--quiet", action="store_true", help="print problems only")
    sub.add_parser("list", help="list the notebooks with their dependencies and parameters")
    prof = sub.add_parser(
        "profiles", help="render a profile page per municipality of a year (after `run` for that year)"
    )
    prof.add_argument("--year", type=int, default=2014, metavar="Y", help="the study year (default 2014)")
    prof.add_argument("--gm", nargs="+", default=[], metavar="GM_CODE",
                      help="only these municipalities (default: all of the year)")
    prof.add_argument("--jobs", type=int, default=None, metavar="N",
                      help=f"kernels in parallel (default: the cores, {os.cpu_count()})")
    prof.add_argument("--lang", choices=("en", "nl"), default="en", help="label language")
    prof.add_argument("--force", action="store_true", help="rerender when up to date")
    prof.add_argument("--quiet", action="store_true", help="print failures only")
    _add_codebook_parser(sub)
    _add_accounts_parser(sub)
    _add_collect_parser(sub)
    return parser


def _year_options(cmd: argparse.ArgumentParser) -> None:
    """The options ``run`` and ``check`` share: years, notebooks and ``-p`` parameters."""
    years = cmd.add_mutually_exclusive_group()
    years.add_argument("--year", type=str, metavar="Y", help="one study year (default 2014)")
    years.add_argument("--years", type=str, nargs="+", metavar="Y", help="several study years")
    cmd.add_argument(
        "--notebooks", nargs="+", metavar="NAME",
        help="run only these notebooks and what they depend on (the year's other results stay)",
    )
    cmd.add_argument(
        "-p", "--parameter", action="append", default=[], dest="params", metavar="NAME=VALUE",
        help="set a notebook parameter (repeatable); checked against the notebooks' defaults",
    )


def _list() -> int:
    from helpers.pipeline.runner import describe

    for item in describe():
        missing = "" if item["exists"] else "  (notebook file missing)"
        if item.get("pipeline", True):
            deps = ", ".join(item["depends_on"]) or "-"
            print(f"{item['notebook']}  (after: {deps}){missing}")
        else:
            print(f"{item['notebook']}  (not part of the per-year pipeline: {item['how']}){missing}")
        helps = item.get("help", {})
        for name, default in item["parameters"].items():
            text = helps.get(name, "")
            note = f"  # {text}" if text else ""
            print(f"    {name} = {default!r}  ({type(default).__name__}){note}")
    return EXIT_OK


def _skip_iri_grammar() -> None:
    """Keep ``rfc3987_syntax`` out of this process.

    nbformat imports jsonschema, whose format checkers import ``rfc3987_syntax`` when it is installed
    (JupyterLab's jupyter_events brings it); that module compiles a Lark grammar at import, 1-2 s
    of every command's start. The command validates notebooks, which have no IRI-format field, so
    jsonschema goes without that one checker (an entry of ``None`` makes the import fail, which
    jsonschema expects). A module already imported is left as it is.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (the console script passes it to ``sys.exit``)."""
    _skip_iri_grammar()
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse already printed the usage message
        return EXIT_OK if exc.code == 0 else EXIT_BAD_INPUT
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    from helpers.core.errors import BadInput, DataError, ParameterError

    try:
        if args.command == "list":
            return _list()
        if args.command == "codebook":
            return _codebook(args)
        if args.command == "accounts":
            return _accounts(args)
        if args.command == "collect":
            return _collect(args)
        if args.command == "profiles":
            from helpers.pipeline.profiles import render_profiles

            if args.jobs is not None and args.jobs < 1:
                raise ParameterError(f"--jobs {args.jobs}: give a number of workers of at least 1")
            return render_profiles(args.year, args.gm, jobs=args.jobs, force=args.force,
                                   quiet=args.quiet, lang=args.lang)
        from helpers.pipeline import runner

        if args.command == "check":
            years = args.years if args.years else ([args.year] if args.year else None)
            return runner.check(years, args.notebooks, args.params, quiet=args.quiet)
        if args.jobs is not None and args.jobs < 1:
            raise ParameterError(f"--jobs {args.jobs}: give a number of workers of at least 1")
        years = args.years if args.years else ([args.year] if args.year else None)
        return runner.run(
            years,
            args.notebooks,
            args.params,
            jobs=args.jobs,
            force=args.force,
            quiet=args.quiet,
        )
    except BadInput as exc:
        for line in exc.lines():
            print(f"roeptoeter: error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (DataError, ParameterError) as exc:
        print(f"roeptoeter: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PermissionError as exc:  # e.g. a read-only outputs/ folder: the setup, not the code
        print(f"roeptoeter: error: permission denied: {exc.filename or 'a file'} cannot be "
              "written or read by this user; check the folder's permissions", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        if args.command in ("collect", "accounts"):
            print("roeptoeter: interrupted; every response stored so far is complete and kept: "
                  "rerun the same command to resume", file=sys.stderr)
            return 130
        print(
            "roeptoeter: interrupted; outputs/<year>/ folders are untouched, and the temporary "
            "folders are removed at the start of the next run",
            file=sys.stderr,
        )
        # The kernels are stopped already; leave now rather than wait at exit for a kernel that
        # was still being started in a background thread when Ctrl-C came.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)


