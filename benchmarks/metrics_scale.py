"""Scale benchmark: interaction share and response-time summary per municipality at ~10 million rows.

Three ways to compute the same per-municipality table (interaction share; questions, answer rate,
KM median in clock hours, KM share answered within 2 h, mean clock and business hours of answered
questions):

(a) ``helpers``   — :mod:`helpers.analysis.metrics` and :mod:`helpers.analysis.responsetime` (vectorised);
(b) ``naive``     — a straightforward per-municipality pandas ``groupby(...).apply`` with a per-row
                    business-hours function and statsmodels' ``SurvfuncRight`` per municipality;
(c) ``duckdb``    — one DuckDB SQL query (ASOF joins against the business calendar, window functions
                    for Kaplan-Meier).

The data: tidy ``posts`` and ``citizen_messages`` tables for the 403 municipalities of 2014,
**synthesised directly with numpy** (not through the raw demo generator and the importers, which
would take far longer at this size); 100,000 rows per unit of ``--scale`` (40% posts, 60% citizen
messages), so ``--scale 100`` gives 10 million rows. The tables are written once to Parquet; each
variant then runs in its own subprocess, so its peak memory (``ru_maxrss``, which includes reading
the Parquet files) is its own. Time is the wall time of the computation after loading.

Usage::

    .venv/bin/python benchmarks/metrics_scale.py              # full scale (10 million rows)
    .venv/bin/python benchmarks/metrics_scale.py --scale 2    # quick run
    .venv/bin/python benchmarks/metrics_scale.py --skip-naive # leave out the slow baseline

Targets (issue 5): helpers within 1.5x of DuckDB's time, at least 10x faster than groupby-apply,
peak memory under 4 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

YEAR = 2014
WINDOW = ("2014-04-01", "2014-06-30")
ROWS_PER_SCALE = 100_000


# --------------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------------
def synthesise(scale: float, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tidy ``municipalities``, ``posts`` and ``citizen_messages`` tables (schema columns) of
    ``scale`` x 100,000 rows, drawn with numpy. Synthetic; not calibrated."""
    from helpers.core import register
    from helpers.core.window import window_bounds

    rng = np.random.default_rng(seed)
    munis = register.municipalities(YEAR)
    codes = munis["gm_code"].to_numpy(str)
    pop = munis["population"].astype(float).to_numpy()
    weight = pop**0.6 / (pop**0.6).sum()
    start, end = window_bounds(WINDOW)
    lo, hi = start.value, end.value
    total = int(ROWS_PER_SCALE * scale)
    n_posts, n_msgs = int(total * 0.4), total - int(total * 0.4)

    gm = codes[rng.choice(len(codes), n_posts, p=weight)]
    kind = rng.choice(np.array(["original", "quote", "repost", "reply"]), n_posts,
                      p=[0.45, 0.04, 0.14, 0.37])
    to = np.where(kind == "reply",
                  rng.choice(np.array(["citizen", "organisation", "self"]), n_posts,
                             p=[0.85, 0.1, 0.05]), None)
    posts = pd.DataFrame({
        "post_id": np.arange(n_posts).astype(str),
        "platform": "twitter",
        "gm_code": gm,
        "account_id": gm,
        "created_at": pd.to_datetime(rng.integers(lo, hi, n_posts), utc=True),
        "kind": kind,
        "in_reply_to_id": None,
        "conversation_id": None,
        "reply_to": pd.array(to, dtype="str"),
    })

    gm = codes[rng.choice(len(codes), n_msgs, p=weight)]
    created = rng.integers(lo, hi, n_msgs)
    addressed = rng.random(n_msgs) < 0.4
    question = addressed & (rng.random(n_msgs) < 0.5)
    reacted = np.where(addressed, rng.random(n_msgs) < 0.78, rng.random(n_msgs) < 0.07)
    # a mix of fast replies (minutes) and slow ones (a day or more); whole seconds, so ties occur
    delay_s = np.where(rng.random(n_msgs) < 0.4, rng.exponential(1800, n_msgs),
                       rng.exponential(86400, n_msgs)).astype(np.int64) + 1
    reply = created + delay_s * 1_000_000_000
    reacted &= reply <= hi
    msgs = pd.DataFrame({
        "msg_id": np.arange(n_msgs).astype(str),
        "platform": "twitter",
        "gm_code": gm,
        "created_at": pd.to_datetime(created, utc=True),
        "addressed": addressed,
        "is_question": question,
        "theme": rng.choice(np.array(["afval", "verkeer", "zorg", "overig"]), n_msgs),
        "first_reply_post_id": pd.array(np.where(reacted, "r", None), dtype="str"),
        "first_reply_at": pd.to_datetime(np.where(reacted, reply, np.iinfo(np.int64).min),
                                         utc=True),
    })
    return munis, posts, msgs


POST_COLS = ["platform", "gm_code", "kind", "reply_to"]
MSG_COLS = ["platform", "gm_code", "created_at", "addressed", "is_question", "first_reply_at"]


def load(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    posts = pd.read_parquet(folder / "posts.parquet", columns=POST_COLS)
    msgs = pd.read_parquet(folder / "citizen_messages.parquet", columns=MSG_COLS)
    return posts, msgs


# --------------------------------------------------------------------------------------------------
# (a) helpers
# --------------------------------------------------------------------------------------------------
def run_helpers(posts: pd.DataFrame, msgs: pd.DataFrame) -> pd.DataFrame:
    from helpers.analysis import metrics
    from helpers.analysis import responsetime as rt

    inter = metrics.interaction(posts, platform="twitter")
    q = rt.questions(msgs, WINDOW, platform="twitter")
    per = rt.by_municipality(q)
    out = per[["n_questions", "answer_rate", "km_median", "km_within_2h", "mean_answered_hours",
               "mean_answered_business_hours"]]
    return out.join(inter[["interaction_share"]], how="outer")


# --------------------------------------------------------------------------------------------------
# (b) naive groupby-apply
# --------------------------------------------------------------------------------------------------
def _naive_business_hours(start: dt.datetime, end: dt.datetime, hols: set) -> float:
    """Business hours between two aware datetimes, day by day (the way one writes it by hand)."""
    tz = ZoneInfo("Europe/Amsterdam")
    s, e = start.astimezone(tz), end.astimezone(tz)
    total = 0.0
    day = s.date()
    while day <= e.date():
        if day.weekday() < 5 and day not in hols:
            a = max(s, dt.datetime.combine(day, dt.time(8, 30), tzinfo=tz))
            b = min(e, dt.datetime.combine(day, dt.time(17, 0), tzinfo=tz))
            if b > a:
                total += (b - a).total_seconds() / 3600
        day += dt.timedelta(days=1)
    return total


def run_naive(posts: pd.DataFrame, msgs: pd.DataFrame) -> pd.DataFrame:
    import holidays
    from statsmodels.duration.survfunc import SurvfuncRight

    from helpers.core.window import window_bounds

    hols = set(holidays.country_holidays("NL", years=[YEAR]))
    end = window_bounds(WINDOW)[1]

    def share(d: pd.DataFrame) -> float:
        others = ((d["kind"] == "reply") & d["reply_to"].isin(["citizen", "organisation"])).sum()
        orig = d["kind"].isin(["original", "quote"]).sum()
        return others / (others + orig) if others + orig else np.nan

    p = posts[posts["platform"] == "twitter"]
    inter = p.groupby("gm_code").apply(share).rename("interaction_share")

    def summary(d: pd.DataFrame) -> pd.Series:
        ans = d["first_reply_at"].notna() & (d["first_reply_at"] <= end)
        stop = d["first_reply_at"].where(ans, end)
        hours = (stop - d["created_at"]).dt.total_seconds() / 3600
        biz = pd.Series([_naive_business_hours(a, b, hols) for a, b in
                         zip(d["created_at"].dt.to_pydatetime(), stop.dt.to_pydatetime(),
                             strict=True)], index=d.index)
        sf = SurvfuncRight(hours.to_numpy(), ans.to_numpy(float))
        done = sf.surv_times <= 2
        return pd.Series({
            "n_questions": len(d), "answer_rate": ans.mean(), "km_median": sf.quantile(0.5),
            "km_within_2h": 1 - (sf.surv_prob[done][-1] if done.any() else 1.0),
            "mean_answered_hours": hours[ans].mean(),
            "mean_answered_business_hours": biz[ans].mean(),
        })

    q = msgs[(msgs["platform"] == "twitter") & msgs["addressed"] & msgs["is_question"]]
    per = q.groupby("gm_code").apply(summary)
    return per.join(inter, how="outer")


# --------------------------------------------------------------------------------------------------
# (c) DuckDB
# --------------------------------------------------------------------------------------------------
SQL = """
WITH inter AS (
    SELECT gm_code,
           count(*) FILTER (WHERE kind = 'reply' AND reply_to IN ('citizen', 'organisation')) AS r,
           count(*) FILTER (WHERE kind IN ('original', 'quote')) AS o
    FROM posts WHERE platform = 'twitter' GROUP BY gm_code
),
q AS (
    SELECT gm_code, epoch_ns(created_at) AS c_ns,
           coalesce(epoch_ns(first_reply_at) <= $end_ns, false) AS ans,
           CASE WHEN coalesce(epoch_ns(first_reply_at) <= $end_ns, false)
                THEN epoch_ns(first_reply_at) ELSE $end_ns END AS s_ns
    FROM msgs WHERE platform = 'twitter' AND addressed AND is_question
),
b AS (
    SELECT q.gm_code, q.ans, (q.s_ns - q.c_ns) / 3.6e12 AS hours,
           (coalesce(c2.cum + least(greatest(q.s_ns - c2.open_ns, 0), c2.close_ns - c2.open_ns), 0)
            - coalesce(c1.cum + least(greatest(q.c_ns - c1.open_ns, 0), c1.close_ns - c1.open_ns), 0)
           ) / 3.6e12 AS biz
    FROM q
    ASOF LEFT JOIN cal c1 ON q.c_ns >= c1.open_ns
    ASOF LEFT JOIN cal c2 ON q.s_ns >= c2.open_ns
),
ev AS (
    SELECT gm_code, hours AS t, sum(ans::INT) AS d, count(*) AS c FROM b GROUP BY gm_code, hours
),
risk AS (
    SELECT gm_code, t, d,
           sum(c) OVER (PARTITION BY gm_code ORDER BY t DESC ROWS UNBOUNDED PRECEDING) AS n
    FROM ev
),
km AS (
    SELECT gm_code, t,
           exp(sum(ln(greatest(1 - d / n, 1e-16)))
               OVER (PARTITION BY gm_code ORDER BY t ROWS UNBOUNDED PRECEDING)) AS s
    FROM risk WHERE d > 0
),
med AS (
    SELECT gm_code, min(t) FILTER (WHERE s < 0.5 - 1e-10) AS km_median,
           1 - coalesce(min(s) FILTER (WHERE t <= 2), 1) AS km_within_2h
    FROM km GROUP BY gm_code
),
agg AS (
    SELECT gm_code, count(*) AS n_questions, avg(ans::INT) AS answer_rate,
           avg(hours) FILTER (WHERE ans) AS mean_answered_hours,
           avg(biz) FILTER (WHERE ans) AS mean_answered_business_hours
    FROM b GROUP BY gm_code
)
SELECT coalesce(agg.gm_code, inter.gm_code) AS gm_code, n_questions, answer_rate, km_median,
       coalesce(km_within_2h, 0) AS km_within_2h, mean_answered_hours,
       mean_answered_business_hours, r / nullif(r + o, 0) AS interaction_share
FROM agg LEFT JOIN med USING (gm_code) FULL JOIN inter ON agg.gm_code = inter.gm_code
ORDER BY gm_code
"""


def run_duckdb(posts: pd.DataFrame, msgs: pd.DataFrame, calendar: pd.DataFrame) -> pd.DataFrame:
    import duckdb

    from helpers.core.window import window_bounds

    end_ns = window_bounds(WINDOW)[1].value
    con = duckdb.connect()
    con.register("posts", posts)
    con.register("msgs", msgs)
    con.register("cal", calendar.rename(columns={"cum_before_ns": "cum"})[
        ["open_ns", "close_ns", "cum"]])
    out = con.execute(SQL, {"end_ns": end_ns}).df()
    return out.set_index("gm_code")


# --------------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------------
def variant(name: str, folder: Path, result: Path) -> None:
    """Run one variant in this process and write its timing, peak memory and result."""
    posts, msgs = load(folder)
    # imports (statsmodels, holidays' country tables, duckdb) are paid before the clock starts
    import duckdb  # noqa: F401
    import holidays
    import statsmodels.api  # noqa: F401

    from helpers.analysis import metrics, responsetime  # noqa: F401

    holidays.country_holidays("NL", years=[YEAR])
    calendar = None
    if name == "duckdb":
        from helpers.analysis.responsetime import business_calendar
        calendar = business_calendar(dt.date(2014, 3, 30), dt.date(2014, 7, 2))
    t0 = time.perf_counter()
    if name == "helpers":
        out = run_helpers(posts, msgs)
    elif name == "naive":
        out = run_naive(posts, msgs)
    else:
        out = run_duckdb(posts, msgs, calendar)
    seconds = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    out.sort_index().to_parquet(result.with_suffix(".parquet"))
    result.write_text(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024,
                                  "rows": len(posts) + len(msgs)}))


def compare(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """Largest absolute difference over the shared numeric columns (NaN == NaN)."""
    a, b = a.sort_index(), b.reindex(a.sort_index().index)
    worst = 0.0
    for col in a.columns:
        x, y = a[col].to_numpy(float), b[col].to_numpy(float)
        both = np.isnan(x) & np.isnan(y)
        d = np.abs(x - y)
        d[both] = 0.0
        worst = max(worst, float(np.nanmax(np.where(np.isnan(d), np.inf, d))) if len(d) else 0.0)
    return worst


def generate(scale: float, folder: Path) -> None:
    """Synthesise the tables and write them to ``folder`` as Parquet."""
    t0 = time.perf_counter()
    _, posts, msgs = synthesise(scale)
    posts.to_parquet(folder / "posts.parquet", index=False)
    msgs.to_parquet(folder / "citizen_messages.parquet", index=False)
    n_q = int((msgs["addressed"] & msgs["is_question"]).sum())
    print(f"synthesised {len(posts):,} posts + {len(msgs):,} citizen messages "
          f"({n_q:,} questions) at scale {scale:g} in {time.perf_counter() - t0:.1f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=100.0,
                    help="x 100,000 rows (default 100: ten million rows)")
    ap.add_argument("--skip-naive", action="store_true", help="leave out the groupby-apply baseline")
    ap.add_argument("--data", type=Path, help="folder for the synthesised Parquet files (kept; "
                    "reused when present); default a temporary folder")
    ap.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--variant", choices=["helpers", "naive", "duckdb"], help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.variant:
        variant(args.variant, args.data, args.result)
        return 0
    if args.generate:
        generate(args.scale, args.data)
        return 0

    with tempfile.TemporaryDirectory(prefix="roeptoeter-bench-") as tmp:
        folder = args.data or Path(tmp)
        if not (folder / "citizen_messages.parquet").is_file():
            # synthesised in a subprocess: Linux children inherit the parent's peak RSS through
            # fork, so the driver must stay small for each variant's ru_maxrss to be its own
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, __file__, "--generate", "--scale", str(args.scale),
                            "--data", str(folder)], check=True)
        names = ["helpers", "duckdb"] + ([] if args.skip_naive else ["naive"])
        stats, results = {}, {}
        for name in names:
            res = folder / f"{name}.json"
            subprocess.run([sys.executable, __file__, "--variant", name, "--data", str(folder),
                            "--result", str(res)], check=True)
            stats[name] = json.loads(res.read_text())
            results[name] = pd.read_parquet(res.with_suffix(".parquet"))
        print()
        print(f"{'variant':<10} {'time (s)':>10} {'peak RSS (MiB)':>15} {'vs helpers':>11} "
              f"{'max |diff| vs helpers':>22}")
        for name in names:
            s = stats[name]
            diff = compare(results["helpers"], results[name])
            print(f"{name:<10} {s['seconds']:>10.2f} {s['peak_mib']:>15.0f} "
                  f"{s['seconds'] / stats['helpers']['seconds']:>10.1f}x {diff:>22.2e}")
        h, d = stats["helpers"]["seconds"], stats["duckdb"]["seconds"]
        print()
        print(f"helpers / duckdb time: {h / d:.2f} (target <= 1.5)")
        if "naive" in stats:
            print(f"naive / helpers time: {stats['naive']['seconds'] / h:.1f} (target >= 10)")
        print(f"helpers peak memory: {stats['helpers']['peak_mib']:.0f} MiB (target < 4096)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
