"""The ``roeptoeter collect mastodon|bluesky --year Y`` sub-command: its parser and handler.

Runs a collector (:mod:`helpers.collect.mastodon`, :mod:`helpers.collect.bluesky`) for the accounts
of a year into ``data/raw/<Y>/<platform>/``. Imports nothing from helpers.pipeline or helpers.present.
"""

from __future__ import annotations

import argparse
import sys

from helpers.cli.common import EXIT_FAILED, EXIT_OK, _check_year, _is_platform_error


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
