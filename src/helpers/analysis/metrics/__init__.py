"""Presence, interaction versus broadcasting, the mix of own posts, and monitoring.

Definitions (``shared/notes/methods.md``):

- **Presence** per platform and municipality: *has an account* (any), *has a corporate account* (the
  municipality's own, versus only theme accounts such as a library or a project), *active* (at least
  one own post in the observation window). Shares are over all municipalities of the year's register.
- **Interaction share** per municipality = replies to others (``kind == "reply"`` and ``reply_to`` in
  citizen / organisation) divided by (those replies + originals + quotes). Reposts (retweets) and
  replies within its own threads (``reply_to == "self"``) are left out of numerator and denominator.
  The **megaphone share** (*roeptoetergehalte*, "megaphone content") is 1 - interaction share.
  The **citizen-only interaction share** = replies to citizens / (replies to citizens + originals +
  quotes): replies to organisations are left out as well.
- **Pooled shares** over municipalities (interaction, post mix, monitoring) get ratio-estimator
  (linearisation) intervals with municipalities as clusters (:func:`helpers.analysis.stats.ratio_ci`),
  because posts and messages nest in municipalities; see ``docs/methods.md``.
- **Rankings**: :func:`ranking` is the one interaction ranking (tables, figures, report, profiles).
- **Post mix**: shares of original (incl. quotes) / repost / reply (any) among all own posts.
- **Monitoring**: the share of citizen messages that get any reaction (``first_reply_post_id`` set),
  for messages addressed to the municipality against those that are not (indirect mentions, policy
  themes), by theme.


All per-municipality computations are vectorised (``np.bincount`` on factorised codes).

The modules: :mod:`.platform_presence` (presence), :mod:`.posts` (interaction, ranking, post mix),
:mod:`.reactions` (monitoring) and :mod:`.counting` (the shared per-municipality counts). This package
re-exports their public API, so ``from helpers.analysis import metrics; metrics.interaction(...)``
works.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`: a notebook passes the tables in.
"""

from helpers.analysis.metrics.platform_presence import (
    MEASURES,
    MIN_LOGIT_N,
    presence,
    presence_logit,
    presence_shares,
)
from helpers.analysis.metrics.posts import (
    MIN_INTERACTION_BASE,
    interaction,
    interaction_summary,
    largest,
    post_counts,
    post_mix,
    ranking,
)
from helpers.analysis.metrics.reactions import monitoring, monitoring_by_platform, two_proportions

__all__ = [
    "MEASURES",
    "MIN_INTERACTION_BASE",
    "MIN_LOGIT_N",
    "interaction",
    "interaction_summary",
    "largest",
    "monitoring",
    "monitoring_by_platform",
    "post_counts",
    "post_mix",
    "presence",
    "presence_logit",
    "presence_shares",
    "ranking",
    "two_proportions",
]
