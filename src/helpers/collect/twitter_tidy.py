"""The tidy step of the Twitter importer: tweet columns -> ``posts`` and ``citizen_messages``.

Takes the integer columns that :class:`~.twitter_read.TweetReader` filled and applies the rules of
:mod:`helpers.collect.twitter` vectorised with numpy: own post or citizen message (by author),
post kind and reply target, attribution of citizen messages (first rule that applies), the walk up
the reply chains for the first reply, and the tables' sort order; only then are the string columns
built (Arrow-backed ``str``, as pandas builds them from rows), one table at a time, after the read
buffers are released. :func:`first_replies` is the same walk for tables given as DataFrames.

Must not import :mod:`helpers.collect.twitter` (which imports this module) or any analysis module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.collect.twitter_buffers import EMPTY, NULL, IdCodes
from helpers.collect.twitter_read import NOBODY, THEMES, TweetReader
from helpers.core.schemas import CITIZEN_MESSAGES, POSTS

#: At most this many ``replied_to`` links are followed up from a reply.
MAX_DEPTH = 25
_KINDS = ("original", "repost", "reply", "quote")
_REPLY_TO = ("self", "organisation", "citizen")


def empty_posts() -> pd.DataFrame:
    """An empty ``posts`` table with the schema's columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in POSTS.columns})


def empty_messages() -> pd.DataFrame:
    """An empty ``citizen_messages`` table with the schema's columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in CITIZEN_MESSAGES.columns})


# --------------------------------------------------------------------------------------------
def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray, default) -> np.ndarray:
    """``values`` of sorted unique ``keys`` at ``query`` (``default`` where absent), vectorised."""
    out = np.full(len(query), default, dtype=values.dtype)
    if len(keys) and len(query):
        pos = np.searchsorted(keys, query).clip(max=len(keys) - 1)
        hit = keys[pos] == query
        out[hit] = values[pos[hit]]
    return out


def _first_reply_codes(msg_id: np.ndarray, msg_gm: np.ndarray, msg_at: np.ndarray,
                       rep_id: np.ndarray, rep_gm: np.ndarray, rep_at: np.ndarray,
                       rep_parent: np.ndarray, ctx_id: np.ndarray, ctx_parent: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Every (message position, reply position) pair where the reply answers the message.

    All ids are ``int64`` codes (:class:`~.twitter_buffers.IdCodes`, ``NULL`` for none); times are
    comparable integers. ``ctx_id`` is sorted and unique, ``ctx_parent`` its parent codes. The walk
    goes up at most :data:`MAX_DEPTH` parent links from each reply's ``rep_parent``.
    """
    order = np.argsort(msg_id, kind="stable")
    keys = msg_id[order]
    walk_rep = np.flatnonzero(rep_parent != NULL)
    anc = rep_parent[walk_rep]
    msg_hits, rep_hits = [], []
    for _ in range(MAX_DEPTH):
        if not len(walk_rep):
            break
        pos = _lookup(keys, order, anc, -1)
        ok = pos >= 0
        m, r = pos[ok], walk_rep[ok]
        good = (msg_gm[m] == rep_gm[r]) & (rep_at[r] > msg_at[m])
        msg_hits.append(m[good])
        rep_hits.append(r[good])
        anc = _lookup(ctx_id, ctx_parent, anc, NULL)
        keep = anc != NULL
        walk_rep, anc = walk_rep[keep], anc[keep]
    if not msg_hits:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(msg_hits), np.concatenate(rep_hits)


def _by_text_on_ties(order: np.ndarray, first: np.ndarray, second: np.ndarray, name_of
                     ) -> np.ndarray:
    """``order`` (sorted by ``first``, then ``second``) with the rows that tie on both put in the
    order of their names as text; ``name_of(rows)`` gives the names of those rows only."""
    f, s = first[order], second[order]
    same = (f[1:] == f[:-1]) & (s[1:] == s[:-1])
    if same.any():
        tie = np.zeros(len(order), dtype=bool)
        tie[1:] |= same
        tie[:-1] |= same
        at = np.flatnonzero(tie)
        names = name_of(order[at])
        sub = sorted(range(len(at)), key=lambda k: (f[at[k]], s[at[k]], names[k]))
        order[at] = order[at][np.array(sub, dtype=np.int64)]
    return order


def _earliest(msg_pos: np.ndarray, rep_pos: np.ndarray, rep_at: np.ndarray, name_of
              ) -> tuple[np.ndarray, np.ndarray]:
    """The first reply of each answered message among the (message, reply) pairs: the earliest,
    then the smallest post id as text (``name_of(reply positions)`` gives those ids)."""
    at = rep_at[rep_pos]
    order = np.lexsort((at, msg_pos))
    order = _by_text_on_ties(order, msg_pos, at, lambda rows: name_of(rep_pos[rows]))
    m = msg_pos[order]
    first = np.ones(len(m), dtype=bool)
    first[1:] = m[1:] != m[:-1]
    keep = order[first]
    return msg_pos[keep], rep_pos[keep]


def _ns(times: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch (UTC) of a column of timestamps."""
    utc = pd.to_datetime(times, utc=True).dt.tz_localize(None).dt.as_unit("ns")
    return utc.to_numpy().view(np.int64)


def first_replies(messages: pd.DataFrame, posts: pd.DataFrame,
                  parents: dict[str, str | None]) -> pd.DataFrame:
    """The first reply of each message, by the rule in the module docstring.

    Parameters
    ----------
    messages : DataFrame
        ``msg_id``, ``gm_code``, ``created_at``.
    posts : DataFrame
        Own posts: ``post_id``, ``gm_code``, ``created_at``, ``kind``, ``in_reply_to_id``.
    parents : dict
        Tweet id -> the id it replies to (``None`` for none), for every tweet seen.

    Returns
    -------
    DataFrame
        ``msg_id``, ``first_reply_post_id``, ``first_reply_at`` for the answered messages.
    """
    cols = ["msg_id", "first_reply_post_id", "first_reply_at"]
    replies = posts.loc[posts["kind"] == "reply"]
    if replies.empty or messages.empty:
        return pd.DataFrame(columns=cols)
    ids = IdCodes()

    def codes(values) -> np.ndarray:
        return np.array([NULL if v is None or v != v else ids.code(str(v)) for v in values],
                        dtype=np.int64)

    gm = pd.factorize(pd.concat([messages["gm_code"], replies["gm_code"]], ignore_index=True))[0]
    ctx = pd.DataFrame({"id": codes(parents.keys()), "parent": codes(parents.values())})
    ctx = ctx.sort_values("id", kind="stable").drop_duplicates("id")
    msg_at = _ns(messages["created_at"])
    rep_at = _ns(replies["created_at"])
    m, r = _first_reply_codes(
        codes(messages["msg_id"]), gm[:len(messages)], msg_at,
        codes(replies["post_id"]), gm[len(messages):], rep_at,
        codes(replies["in_reply_to_id"]), ctx["id"].to_numpy(), ctx["parent"].to_numpy())
    if not len(m):
        return pd.DataFrame(columns=cols)
    names = replies["post_id"].astype(str).to_numpy()
    m, r = _earliest(m, r, rep_at, lambda rows: names[rows].tolist())
    return pd.DataFrame({"msg_id": messages["msg_id"].to_numpy()[m],
                         "first_reply_post_id": replies["post_id"].to_numpy()[r],
                         "first_reply_at": replies["created_at"].to_numpy()[r]})


# --------------------------------------------------------------------------------------------
def _strings(values: pa.Array):
    """A string column as the old row-wise construction gave it: ``str`` dtype, or ``object`` of
    ``None`` when every value is missing."""
    if len(values) and values.null_count == len(values):
        return np.full(len(values), None, dtype=object)
    return pd.array(values, dtype="str")


def _times(ns: np.ndarray, fine: bool) -> pd.Series:
    """UTC timestamps from nanoseconds (``NULL`` is NaT), in microseconds unless ``fine``."""
    s = pd.Series(ns.view("datetime64[ns]")).dt.tz_localize("UTC")
    return s if fine else s.dt.as_unit("us")


def _context(reader: TweetReader) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted unique ids with their parent and author codes: a data tweet's own values, else those
    of the first ``includes.tweets`` copy. Releases the reader's context buffer."""
    ctx = reader.context.numpy()
    order = np.lexsort((1 - ctx["data"], ctx["id"]))  # stable: by id, data first, then read order
    ids = ctx["id"][order]
    first = np.ones(len(ids), dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    del ids
    keep = order[first]
    del order, first
    out = ctx["id"][keep], ctx["parent"][keep], ctx["author"][keep]
    del ctx
    reader.context = None
    return out


def tidy(reader: TweetReader, issues, stats: dict | None
          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy ``posts`` and ``citizen_messages`` from the reader's columns.

    The integer columns of both tables are computed first (:func:`_columns`); then the reader's
    buffers are released and the string columns built, one table at a time, so that the read
    columns and the finished tables are never in memory together.
    """
    reader.seen = None  # the duplicate index is done with
    reader._labels.clear()
    posts, msgs = _columns(reader, issues, stats)
    reader.items = None
    out = _posts_frame(reader, **posts)
    del posts
    return out, _messages_frame(reader, **msgs)


def _columns(reader: TweetReader, issues, stats: dict | None) -> tuple[dict, dict]:
    """The integer columns of ``posts`` and ``citizen_messages`` (all vectorised but the reporting
    of bad items), as copies independent of the reader's buffers."""
    it = reader.items.numpy()
    acc_gm = np.array(reader.acc_gm + [-1, -1], dtype=np.int64)  # index -1/-2 (OTHER/NOBODY): -1
    ctx_id, ctx_parent, ctx_author = _context(reader)
    own, arch = it["author"] >= 0, it["archive"] == 1
    for k in np.flatnonzero(~own & arch):
        f = int(it["file"][k])
        issues.bad(reader.files[f], f"the archive's account {reader.archive_author[f]} is in no "
                   "municipality's account list (account belongs to no municipality); add it to "
                   "accounts.csv", row=int(it["row"][k]), column="accountId")
    # -- own posts ------------------------------------------------------------------------------
    p = np.flatnonzero(own)
    pid, author, parent = it["id"][p], it["author"][p], it["parent"][p]
    ru, conv, created = it["reply_user"][p], it["conv"][p], it["created"][p]
    has_parent = (parent != NULL) & (parent != EMPTY)
    kind = np.select([it["retweeted"][p] == 1, has_parent | (ru != NOBODY), it["quoted"][p] == 1],
                     [1, 2, 3], 0).astype(np.int8)
    target = np.where(ru != NOBODY, ru, _lookup(ctx_id, ctx_author, parent, NOBODY))
    reply_to = np.where(kind != 2, -1, np.where(target == author, 0, np.where(target >= 0, 1, 2))
                        ).astype(np.int8)
    del target, ru, has_parent
    conv = np.where(kind == 2, conv, np.where((conv != NULL) & (conv != EMPTY), conv, pid))
    gm = acc_gm[author]
    # -- citizen messages: attribution, first rule that applies ------------------------------------
    c = np.flatnonzero(~own & ~arch)
    cpar, cconv = it["parent"][c], it["conv"][c]
    seed = np.flatnonzero(kind != 2)
    conv_keys, conv_order = np.unique(pid[seed], return_index=True)
    mgm = acc_gm[it["reply_user"][c]]  # (1) a reply to one of its accounts
    has = (cpar != NULL) & (cpar != EMPTY)  # (1) the replied-to tweet's author
    mgm = np.where(mgm >= 0, mgm, acc_gm[np.where(has, _lookup(ctx_id, ctx_author, cpar, NOBODY),
                                                  NOBODY)])
    has = (cconv != NULL) & (cconv != EMPTY)  # (2) a conversation one of its accounts started
    mgm = np.where(mgm >= 0, mgm, np.where(has, _lookup(conv_keys, gm[seed][conv_order], cconv, -1),
                                           -1))
    mgm = np.where(mgm >= 0, mgm, it["mention_gm"][c])  # (3) an @mention
    del cpar, cconv, conv_keys, conv_order, seed, has
    addressed = mgm >= 0
    mgm = np.where(addressed, mgm, it["query_gm"][c])
    for k in np.flatnonzero(mgm < 0):
        tid = reader.ids.decode(it["id"][c[k:k + 1]])[0].as_py()
        issues.bad(reader.files[it["file"][c[k]]], f"tweet {tid} cannot be attributed to a "
                   "municipality (no reply, mention or search of a listed account)",
                   row=int(it["row"][c[k]]), column="id")
    ok = mgm >= 0
    c, mgm, addressed = c[ok], mgm[ok], addressed[ok]
    if stats is not None:
        kept = np.bincount(np.concatenate([it["file"][p], it["file"][c]]),
                           minlength=len(reader.files))
        for path in reader.read:
            if path.name.lower() == "account.js":
                continue
            f = reader.file_ids.get(path, -1)
            stats[str(path)] = {"read": reader.n_read.get(str(path), 0),
                                "kept": int(kept[f]) if f >= 0 else 0}
    # -- first replies ------------------------------------------------------------------------------
    mid, mat = it["id"][c], it["created"][c]
    rep = np.flatnonzero(kind == 2)
    mpos, rpos = _first_reply_codes(mid, mgm, mat, pid[rep], gm[rep], created[rep], parent[rep],
                                    ctx_id, ctx_parent)
    del ctx_id, ctx_parent, ctx_author
    first_post = np.full(len(c), NULL, dtype=np.int64)
    first_at = np.full(len(c), NULL, dtype=np.int64)
    if len(mpos):
        mpos, rpos = _earliest(mpos, rpos, created[rep],
                               lambda rows: reader.ids.decode(pid[rep][rows]).to_pylist())
        first_post[mpos] = pid[rep][rpos]
        first_at[mpos] = created[rep][rpos]
    posts = {"pid": pid, "author": author, "created": created, "parent": parent, "conv": conv,
             "kind": kind, "reply_to": reply_to, "gm": gm, "fine": bool(it["ns"][p].any())}
    msgs = {"mid": mid, "gm": mgm, "created": mat, "addressed": addressed,
            "question": it["is_question"][c].astype(bool), "theme": it["theme"][c],
            "first_post": first_post, "first_at": first_at, "answered": bool(len(mpos)),
            "fine": bool(it["ns"][c].any()), "fine_replies": posts["fine"]}
    return posts, msgs


def _order(ids: IdCodes, gm: np.ndarray, created: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Row order by gm code, time, then id as text (the tables' sort), without building strings
    but for the rows that tie on gm code and time."""
    order = np.lexsort((created, gm))
    return _by_text_on_ties(order, gm, created, lambda rows: ids.decode(codes[rows]).to_pylist())


def _labels(names, index: np.ndarray) -> pa.Array:
    """``names[index]`` as an Arrow string array (a negative index is a missing value)."""
    index = np.asarray(index, dtype=np.int64)
    return pc.take(pa.array(list(names), pa.string()), pa.array(index, mask=index < 0))


def _posts_frame(reader: TweetReader, pid, author, created, parent, conv, kind, reply_to, gm,
                 fine: bool) -> pd.DataFrame:
    if not len(pid):
        return empty_posts()
    ids = reader.ids
    o = _order(ids, gm, created, pid)
    n = len(o)
    return pd.DataFrame({
        "post_id": _strings(ids.decode(pid[o])),
        "platform": _strings(_labels(["twitter"], np.zeros(n, dtype=np.int64))),
        "gm_code": _strings(_labels(reader.gm_codes, gm[o])),
        "account_id": _strings(_labels(reader.acc_ids, author[o])),
        "created_at": _times(created[o], fine),
        "kind": _strings(_labels(_KINDS, kind[o])),
        "in_reply_to_id": _strings(ids.decode(parent[o])),
        "conversation_id": _strings(ids.decode(conv[o])),
        "reply_to": _strings(_labels(_REPLY_TO, reply_to[o])),
    }, copy=False)


def _messages_frame(reader: TweetReader, mid, gm, created, addressed, question, theme, first_post,
                    first_at, answered: bool, fine: bool, fine_replies: bool) -> pd.DataFrame:
    if not len(mid):
        return empty_messages()
    ids = reader.ids
    o = _order(ids, gm, created, mid)
    n = len(o)
    msgs = pd.DataFrame({
        "msg_id": _strings(ids.decode(mid[o])),
        "platform": _strings(_labels(["twitter"], np.zeros(n, dtype=np.int64))),
        "gm_code": _strings(_labels(reader.gm_codes, gm[o])),
        "created_at": _times(created[o], fine),
        "addressed": addressed[o],
        "is_question": question[o],
        "theme": _strings(_labels(THEMES, theme[o])),
    }, copy=False)
    if answered:
        msgs["first_reply_post_id"] = _strings(ids.decode(first_post[o]))
        msgs["first_reply_at"] = _times(first_at[o], fine_replies)
    else:  # as a left merge with an empty table gives them
        msgs["first_reply_post_id"] = np.full(n, np.nan, dtype=object)
        msgs["first_reply_at"] = pd.to_datetime(msgs["first_reply_post_id"], utc=True)
    return msgs
