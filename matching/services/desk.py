"""What the job page says about a ranking in plain words: whether the pool holds a strong match."""

from __future__ import annotations

from matching.services.matching import MatchPage

# Below this score, or covering fewer than half the must-haves, the best candidate is no strong
# match: recruiters should widen the search rather than work down the list.
STRONG_SCORE = 50.0


def weak_pool_message(page: MatchPage) -> str | None:
    """ "No strong match: the best candidate covers 0 of 9 must-haves", or None for a pool with
    a strong match (or no candidate at all, which the page says otherwise)."""
    if not page.results:
        return None
    best = page.results[0]
    must = len(best.breakdown.matched_required) + len(best.breakdown.missing_required)
    covered = max(len(r.breakdown.matched_required) for r in page.results)
    if must and covered * 2 < must:
        return (
            f"No strong match: the best candidate covers {covered} of {must} "
            f"must-have{'s' if must != 1 else ''}."
        )
    if best.score < STRONG_SCORE:
        return f"No strong match: the best candidate scores {best.score:.0f} of 100."
    return None
