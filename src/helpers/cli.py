"""The ``roeptoeter`` command (also ``python -m helpers``).

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
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports pandas only for the commands that need it
    import pandas as pd

    from helpers.collect.accounts_draft import Found

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


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


def _add_codebook_parser(sub: argparse._SubParsersAction) -> None:
    """``roeptoeter codebook draft <export> [-o path] [--force]``."""
    cbp = sub.add_parser("codebook", help="survey codebooks: draft one for an export")
    cb_sub = cbp.add_subparsers(dest="codebook_command", metavar="{draft}", required=True)
    draft = cb_sub.add_parser(
        "draft", help="write a starting codebook.yaml for a survey export (column names and SPSS "
        "value labels only, never a respondent's value), for you to review")
    draft.add_argument("export", help="the export: .sav, .csv or .xlsx")
    draft.add_argument("-o", "--output", default=None, metavar="PATH",
                       help="where to write (default: codebook.yaml beside the export)")
    draft.add_argument("--force", action="store_true", help="overwrite an existing file")


def _codebook(args: argparse.Namespace) -> int:
    from helpers.collect import codebook

    out = codebook.draft(args.export, args.output, force=args.force)
    print(f"wrote {out}: a DRAFT; review every line (TODO marks decisions), then keep it beside the "
          "export as survey/codebook.yaml")
    return EXIT_OK


def _add_accounts_parser(sub: argparse._SubParsersAction) -> None:
    """``roeptoeter accounts draft --year Y [--mastodon-directory ...] [--bluesky-...] [-o PATH]``."""
    acp = sub.add_parser("accounts", help="account lists: draft one from Mastodon and Bluesky")
    ac_sub = acp.add_subparsers(dest="accounts_command", metavar="{draft}", required=True)
    draft = ac_sub.add_parser(
        "draft", help="propose accounts.csv rows by matching account names to the year's "
        "municipalities, for you to review (writes accounts.draft.csv)")
    draft.add_argument("--year", type=int, required=True, metavar="Y", help="the study year")
    draft.add_argument(
        "--mastodon-directory", action="append", default=[], metavar="URL_OR_PATH",
        help="a Mastodon server (https://social.overheid.nl: its directory of local accounts is "
        "fetched and stored) or stored directory pages (a .json file or folder); repeatable")
    draft.add_argument("--bluesky-candidates", default=None, metavar="FILE",
                       help="Bluesky handles to resolve, one per line")
    draft.add_argument("--bluesky-generate", action="store_true",
                       help="also try gemeente<name>.bsky.social for every municipality")
    draft.add_argument("--bluesky-server", default=None, metavar="URL",
                       help="where handles are resolved (default https://public.api.bsky.app)")
    draft.add_argument("-o", "--output", default=None, metavar="PATH",
                       help="the draft (default data/raw/<Y>/accounts.draft.csv)")
    draft.add_argument("--force", action="store_true", help="overwrite an existing draft")
    draft.add_argument("--attempts", type=int, default=5, metavar="N",
                       help="tries per request on rate limits, 5xx and network errors (default 5)")


def _accounts(args: argparse.Namespace) -> int:
    from helpers.collect import accounts_draft as ad
    from helpers.collect import relpath
    from helpers.core import register
    from helpers.core.errors import DataError, ParameterError
    from helpers.core.paths import raw_dir

    _check_year(args.year)
    if not (args.mastodon_directory or args.bluesky_candidates or args.bluesky_generate):
        raise ParameterError("accounts draft: give --mastodon-directory, --bluesky-candidates "
                             "or --bluesky-generate (nothing to draft from)")
    raw = raw_dir(args.year)
    out = Path(args.output) if args.output else raw / "accounts.draft.csv"
    if out.exists() and not args.force:
        raise DataError(str(out), "exists (it may hold your review); give -o another path or "
                        "--force to overwrite it")
    if args.attempts < 1:
        raise ParameterError(f"--attempts {args.attempts}: give at least 1")
    store = raw / "accounts-draft"
    munis = register.municipalities(args.year)
    try:
        found = _draft_accounts(args, munis, store)
    except Exception as exc:  # a server's refusal after the retries: say what, keep what is stored
        if not _is_platform_error(exc):
            raise
        print(f"roeptoeter: error: accounts draft stopped ({type(exc).__name__}); the answers "
              f"stored in {relpath(store)}/ are kept: rerun the command to resume",
              file=sys.stderr)
        return EXIT_FAILED
    draft, unmatched = ad.build(found, munis)
    ad.write(draft, out)
    counts = draft.drop_duplicates(["platform", "account_id"])["match"].value_counts()
    kinds = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("exact", "ambiguous", "fuzzy", "theme"))
    print(f"proposed {len(draft)} rows for {args.year} from {len(found)} accounts ({kinds}); "
          f"{unmatched} accounts match no municipality's name and are not proposed; "
          f"{int((draft['confirm'] != 'yes').sum())} rows need your decision (confirm=TODO)")
    print(f"wrote {relpath(out)}: a DRAFT, not an account list. Check every row (is it the "
          "municipality's own account? corporate or theme?), decide the rows marked confirm=TODO "
          "(an ambiguous account is listed once per municipality: keep one), then copy the "
          "confirmed rows into accounts.csv (a file with unconfirmed rows is refused)")
    return EXIT_OK


def _draft_accounts(args: argparse.Namespace, munis: pd.DataFrame, store: Path) -> list[Found]:
    """Fetch (or read) the accounts of ``accounts draft`` and print what was found."""
    from helpers.collect import accounts_draft as ad
    from helpers.collect import relpath
    from helpers.collect.bluesky import PUBLIC_APPVIEW
    from helpers.core.errors import DataError

    found: list = []
    for where in args.mastodon_directory:
        if where.startswith(("http://", "https://")):
            folder = ad.fetch_mastodon_directory(where, store / "mastodon",
                                                 max_attempts=args.attempts)
        else:
            folder = Path(where)
            if not folder.exists():
                raise DataError(where, "no such file or folder (stored Mastodon directory pages, "
                                "or give the server's https:// address)")
        accs = ad.read_mastodon_directory(folder)
        print(f"mastodon: {len(accs)} local accounts in the directory ({relpath(folder)})")
        found += accs
    if args.bluesky_candidates or args.bluesky_generate:
        handles = ad.read_candidates(Path(args.bluesky_candidates)) \
            if args.bluesky_candidates else []
        if args.bluesky_generate:
            handles += ad.candidate_handles(munis)
        server = args.bluesky_server or PUBLIC_APPVIEW
        folder = ad.resolve_handles(list(dict.fromkeys(handles)), store / "bluesky", server=server,
                                    max_attempts=args.attempts)
        wanted = {h.lower() for h in handles}
        accs, _ = ad.read_resolved(folder, f"bluesky resolveHandle {server}")
        accs = [a for a in accs if a.handle in wanted]
        print(f"bluesky: {len(accs)} of {len(wanted)} candidate handles resolve "
              f"({relpath(folder)})")
        found += accs
    return found


def _add_collect_parser(sub: argparse._SubParsersAction) -> None:
    """``roeptoeter collect mastodon|bluesky --year Y [--server URL] ...``."""
    col = sub.add_parser(
        "collect", help="run a collector (mastodon, bluesky) for the accounts of a year into "
        "data/raw/<Y>/<platform>/")
    col.add_argument("platform", choices=("mastodon", "bluesky"))
    col.add_argument("--year", type=int, required=True, metavar="Y", help="the study year")
    col.add_argument(
        "--server", default=None, metavar="URL",
        help="the server to read from (Mastodon: default each account's home instance; "
        "Bluesky: default the public AppView https://public.api.bsky.app)")
    col.add_argument("--login-url", default="https://bsky.social", metavar="URL",
                     help="Bluesky only: where to log in when ROEPTOETER_BSKY_HANDLE and "
                     "ROEPTOETER_BSKY_APP_PASSWORD are set")
    col.add_argument("--limit", type=int, default=None, metavar="N",
                     help="posts per page (Mastodon at most 40, Bluesky at most 100)")
    col.add_argument("--no-threads", action="store_true",
                     help="do not fetch each post's thread (replies are then not seen)")
    col.add_argument("--attempts", type=int, default=5, metavar="N",
                     help="tries per request on rate limits, 5xx and network errors (default 5; "
                     "waits follow the server's reset time, else 1, 2, 4, ... s)")
    col.add_argument("--quiet", action="store_true", help="no progress bar")


def _collect(args: argparse.Namespace) -> int:
    from helpers.collect import Issues, accounts, relpath
    from helpers.core.errors import DataError, ParameterError
    from helpers.core.paths import raw_dir
    from helpers.core.window import window_for

    _check_year(args.year)
    top = 40 if args.platform == "mastodon" else 100
    if args.limit is not None and not 1 <= args.limit <= top:
        raise ParameterError(f"--limit {args.limit}: {args.platform} allows 1 to {top} per page")
    if args.attempts < 1:
        raise ParameterError(f"--attempts {args.attempts}: give at least 1")
    raw = raw_dir(args.year)
    path = raw / "accounts.csv"
    if not path.is_file():
        raise DataError(str(path), "missing: the collectors need the year's account list (see "
                        "README, 'Rerunning for a new year', step 1; `roeptoeter accounts draft` "
                        "helps build it)")
    acc = accounts.load(path, args.year, Issues("error"))
    n = int((acc["platform"] == args.platform).sum())
    if n == 0:
        raise DataError(str(path), f"no {args.platform} accounts (no row with platform "
                        f"{args.platform})", column="platform")
    since, until = window_for(args.year)
    dest = raw / args.platform
    print(f"collect {args.platform} {args.year}: {n} accounts, window {since}..{until} "
          f"(Dutch calendar days), into {relpath(dest)}/")
    kw = {"since": since, "until": until, "progress": not args.quiet,
          "max_attempts": args.attempts}
    if args.limit is not None:
        kw["limit"] = args.limit
    try:
        if args.platform == "mastodon":
            from helpers.collect import mastodon

            summary = mastodon.collect(acc, dest, api_base_url=args.server,
                                       contexts=not args.no_threads, **kw)
        else:
            from helpers.collect import bluesky

            summary = bluesky.collect(acc, dest, api_base_url=args.server or bluesky.PUBLIC_APPVIEW,
                                      login_url=args.login_url, threads=not args.no_threads, **kw)
    except Exception as exc:  # a server's refusal after the retries: say what, keep what is stored
        if not _is_platform_error(exc):
            raise
        status = getattr(getattr(exc, "response", None), "status_code", None)
        code = f", HTTP {status}" if status else ""
        print(f"roeptoeter: error: {args.platform} collection stopped ({type(exc).__name__}{code}); "
              f"the responses stored in {relpath(dest)}/ are kept: rerun the command to resume",
              file=sys.stderr)
        return EXIT_FAILED
    print(summary.to_string(index=False))
    print(f"stored in {relpath(dest)}/; `roeptoeter run --year {args.year}` reads it "
          f"(a rerun of this command resumes and asks nothing twice)")
    return EXIT_OK


def _is_platform_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a server's or the network's error (not a bug of ours)."""
    import requests
    from atproto_client.exceptions import AtProtocolError
    from mastodon.errors import MastodonError

    return isinstance(exc, MastodonError | AtProtocolError | requests.RequestException)


def _check_year(year: int) -> None:
    from helpers.core.errors import ParameterError
    from helpers.core.years import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ParameterError(f"--year {year}: unknown year; the register covers "
                             f"{FIRST_YEAR}-{LAST_YEAR}")


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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (the console script passes it to ``sys.exit``)."""
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
            from helpers.pipeline.render import render_profiles

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
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
