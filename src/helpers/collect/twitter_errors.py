"""twarc2 ``errors`` entries: what happened (suspended, protected, deleted...) to which listed account.

A page of a timeline or search can carry ``errors`` instead of (or beside) tweets; each entry is
counted in the skips with the rule :func:`describe_error` writes. Pure functions of the entry and
the account list; imports nothing of :mod:`helpers`.
"""

from __future__ import annotations


def error_kind(entry: dict) -> str:
    """What a twarc2 / API v2 ``errors`` entry says happened, in a few words.

    ``suspended`` (detail "User has been suspended"), ``protected`` (type
    ``.../not-authorized-for-resource`` or title "Authorization Error"), ``not found`` for a user
    (a deleted or renamed account), ``deleted`` for a tweet (type ``.../resource-not-found``), else
    the entry's title (or the last part of its type).
    """
    detail = str(entry.get("detail") or "").lower()
    kind = str(entry.get("type") or "")
    title = str(entry.get("title") or "")
    resource = str(entry.get("resource_type") or "")
    if "suspended" in detail:
        return "suspended"
    if kind.endswith("/not-authorized-for-resource") or title == "Authorization Error":
        return "protected"
    if kind.endswith("/resource-not-found") or title == "Not Found Error":
        return "deleted" if resource == "tweet" else "not found"
    return title or kind.rsplit("/", 1)[-1] or "unknown problem"


def describe_error(entry: dict, accounts: dict[str, tuple[str, str]],
                   by_handle: dict[str, str] | None = None) -> str:
    """The skip rule for one twarc2 ``errors`` entry: which account, what kind of problem.

    Parameters
    ----------
    entry : dict
        An item of a page's ``errors`` list (``resource_type``, ``resource_id``, ``parameter``,
        ``value``, ``title``, ``detail``, ``type``).
    accounts : dict
        Account id -> ``(gm_code, handle)`` of the listed Twitter accounts.
    by_handle : dict, optional
        Lower-case handle -> account id (for entries about a ``username``).

    Returns
    -------
    str
        E.g. ``"twarc2 errors entry: account @gemeentex (GM0001) is suspended; no tweets of it were
        returned"``. Accounts that are not in the list, and the entry's free text (which may hold a
        citizen's user name), are never quoted.
    """
    by_handle = by_handle if by_handle is not None else {
        h.lower(): i for i, (_, h) in accounts.items()}
    kind = error_kind(entry)
    resource = str(entry.get("resource_type") or "")
    rid = str(entry.get("resource_id") or entry.get("value") or "")
    if resource == "user":
        acc = rid if rid in accounts else by_handle.get(rid.lower().lstrip("@"))
        if acc is not None:
            gm, handle = accounts[acc]
            return (f"twarc2 errors entry: account @{handle} ({gm}) is {kind}; no tweets of it were "
                    "returned")
        return f"twarc2 errors entry: a user account not in the account list is {kind}"
    if resource == "tweet":
        return f"twarc2 errors entry: tweet {rid} is {kind} (not available; left out)"
    return f"twarc2 errors entry about a {resource or 'resource'}: {kind}"
