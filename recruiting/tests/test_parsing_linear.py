"""Text processing costs time in proportion to its input, whatever the input repeats: a long run
of one letter, of one punctuation mark, of blank lines. Measured as a ratio of CPU times in the
same test (8x the input may cost up to 16x, a quadratic function costs ~64x), never in seconds."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from recruiting.parsing.clean import clean_text

from .costs import growth

# Linear: ~8x for 8x the input. Twice that leaves room for a noisy machine; quadratic is ~64x.
LINEAR_BOUND = 16
N = 4000

# Characters that the cleaning rules look for (letters either side of a line-end hyphen, soft
# hyphens, spaced capitals, blank lines) and a few that they do not.
ALPHABET = "aZé-\u00ad\n \tS1.@/:(•"
LINEAR = settings(
    max_examples=40,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    # A failing example is already as small as it gets; shrinking would re-time it many times.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


def repeated(unit: str):
    return lambda n: unit * (n // len(unit) + 1)


@LINEAR
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=4))
@example("a")  # 40,000 letters in a row took 8.5 s
@example("é")
@example("ab-\n")
def test_cleaning_a_long_run_of_a_short_pattern_costs_time_in_proportion_to_its_length(unit):
    assert growth(clean_text, repeated(unit), n=N) <= LINEAR_BOUND
