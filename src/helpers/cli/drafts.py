"""The ``roeptoeter codebook draft`` and ``roeptoeter accounts draft`` sub-commands: parsers and handlers.

``codebook draft`` writes a starting survey codebook for an export (:mod:`helpers.collect.codebook`);
``accounts draft`` proposes an account list from a Mastodon directory and Bluesky handles
(:mod:`helpers.collect.accounts_draft`). Imports nothing from helpers.pipeline or helpers.present.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.cli.common import EXIT_FAILED, EXIT_OK, _check_year, _is_platform_error

if TYPE_CHECKING:  # the CLI imports pandas only for the commands that need it
    import pandas as pd

    from helpers.collect.accounts_draft import Found


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
