"""Synthetic Facebook page exports for the demo: ``facebook/posts.csv`` and ``facebook/comments.csv``
with the columns documented in :mod:`helpers.collect.facebook` and a ``synthetic`` column.

Used in every demo year. Imports nothing from helpers but the demo's own modules; nothing from
:mod:`helpers.collect`.
"""

from __future__ import annotations

import numpy as np

from helpers.demo.calibration import YearParams, _Plan
from helpers.demo.texts import FIRST_NAMES, ORIGINALS, QUESTIONS, REPLIES, STATEMENTS, SURNAMES
from helpers.demo.timing import HOUR_WEIGHTS, WEEKDAY_WEIGHTS, H, _fb_time, _times


def _facebook(i: int, plan: _Plan, p: YearParams, rng: np.random.Generator, ctx: dict,
              scale: float) -> tuple[list[list], list[list]]:
    """Rows of posts.csv and comments.csv for one municipality's pages."""
    pages = ctx["by_muni"].get((plan.codes[i], "facebook"), ctx["accounts"].iloc[:0])
    lo, hi = ctx["lo"], ctx["hi"]
    posts, comments = [], []
    cal = ctx["webcare"] if plan.webcare[i] else ctx["office"]
    for _, page in pages.iterrows():
        pid, pname = page["account_id"], f"Gemeente {plan.names[i]}" if page["kind"] == "corporate" \
            else f"{plan.names[i]} Centrum"
        n_posts = int(rng.poisson(14 * scale * plan.size[i] ** 0.4))
        at = _times(rng, n_posts, lo, hi, HOUR_WEIGHTS * ((np.arange(24) >= 8) & (np.arange(24) < 18))
                    + 0.02, WEEKDAY_WEIGHTS * np.array([1, 1, 1, 1, 1, 0.1, 0.1]))
        # comments per post so that the page's replies / (replies + posts) is near its share s
        s = plan.share[i]
        n_com = rng.poisson(float(np.clip(s / (1 - s) / 0.54, 0.3, 12.0)), n_posts)
        for k in range(n_posts):
            post_id = f"{pid}_{10_000_000 + k}"
            text = ORIGINALS[int(rng.integers(0, len(ORIGINALS)))]
            ptype = ("status", "link", "photo", "event")[int(rng.integers(0, 4))]
            posts.append([pid, pname, post_id, _fb_time(at[k:k + 1])[0], ptype, text,
                          int(rng.poisson(12)), int(n_com[k]), int(rng.poisson(2)), "true"])
            if not n_com[k]:
                continue
            c_at = np.sort(np.minimum(at[k] + rng.exponential(4 * H * 1000, n_com[k]).astype(np.int64)
                                      + 60_000, hi - 1))
            for c in range(int(n_com[k])):
                cid = f"{pid[-6:]}{10_000_000 + k}_{200 + c}"
                first = FIRST_NAMES[int(rng.integers(0, len(FIRST_NAMES)))]
                last = SURNAMES[int(rng.integers(0, len(SURNAMES)))]
                from_id = str(int(rng.integers(10**14, 10**15)))
                q = rng.random() < 0.55
                theme, msg = (QUESTIONS if q else STATEMENTS)[int(rng.integers(0, 8))]
                comments.append([pid, cid, post_id, "", from_id, f"{first} {last}",
                                 _fb_time(c_at[c:c + 1])[0], msg, "true"])
                if rng.random() < (0.7 if q else 0.35):
                    r_at = cal.add(c_at[c:c + 1], np.array([int(rng.exponential(3 * H * 1000))
                                                            + 60_000]))
                    if r_at[0] < hi:
                        comments.append([pid, f"{cid}9", post_id, cid, pid, pname,
                                         _fb_time(r_at)[0], REPLIES[int(rng.integers(0, 6))],
                                         "true"])
    return posts, comments


POST_COLUMNS = ["page_id", "page_name", "post_id", "created_time", "type", "message",
                "likes_count", "comments_count", "shares_count", "synthetic"]
COMMENT_COLUMNS = ["page_id", "comment_id", "post_id", "parent_comment_id", "from_id", "from_name",
                   "created_time", "message", "synthetic"]
