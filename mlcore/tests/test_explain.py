"""Explanations cite the resume: matched skills with spans and lines, sentence pairs, a summary,
and sensible empty answers for empty input. Also the offset-keeping sentence splitter."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcore.embeddings import HashingEmbedder
from mlcore.explain import Explanation, explain
from mlcore.retrieval.scorer import MatchSignals, ScoreBreakdown, score
from mlcore.skills import SkillEntry, SkillMatch, SkillTaxonomy
from mlcore.text import line_span, normalize_space, split_sentences

RESUME = """Jane Roe
Data Engineer, Northwind Ltd. (2019 - 2024)
- Built ETL pipelines in Python that load sales data into Postgres every night.
- Shipped Django REST services in Docker containers on AWS.
- Cut report run time by 60%, e.g. by caching Node.js API responses.

Skills: Python, Django, PostgreSQL, Docker, Excel
"""

JOB = """Backend Data Engineer
You will build data pipelines in Python and run them on Kubernetes.
Experience with Django and PostgreSQL is required.
Docker knowledge is a must; AWS or Terraform experience is a plus.
"""

REQUIRED = ("Python", "Django", "PostgreSQL", "Docker", "Kubernetes")
NICE = ("AWS", "Terraform")


@pytest.fixture(scope="module")
def taxonomy() -> SkillTaxonomy:
    return SkillTaxonomy.from_entries(
        [
            SkillEntry("Python"),
            SkillEntry("Django"),
            SkillEntry("PostgreSQL", ("Postgres",)),
            SkillEntry("Docker"),
            SkillEntry("Kubernetes", ("k8s",)),
            SkillEntry("AWS", ("Amazon Web Services",)),
            SkillEntry("Terraform"),
            SkillEntry("Node.js"),
            SkillEntry("Excel"),
        ]
    )


@pytest.fixture(scope="module")
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


def breakdown_for(skills: tuple[SkillMatch, ...], required=REQUIRED, nice=NICE) -> ScoreBreakdown:
    return score(
        MatchSignals(
            doc_similarity=0.55,
            keyword_similarity=0.15,
            required=required,
            nice=nice,
            candidate_skills=frozenset(m.name for m in skills),
        )
    )


def explain_resume(
    taxonomy, embedder, resume=RESUME, job=JOB, required=REQUIRED, nice=NICE, **kwargs
) -> Explanation:
    skills = taxonomy.extract(resume)
    return explain(
        resume_text=resume,
        resume_skills=skills,
        job_text=job,
        required=required,
        nice=nice,
        breakdown=breakdown_for(skills, required, nice),
        embedder=embedder,
        **kwargs,
    )


# --- skills and evidence ----------------------------------------------------------------------


def test_matched_skills_cite_spans_that_hold_the_skill_text(taxonomy, embedder):
    explanation = explain_resume(taxonomy, embedder)
    assert [(m.skill, m.requirement) for m in explanation.matched] == [
        ("Python", "required"),
        ("Django", "required"),
        ("PostgreSQL", "required"),
        ("Docker", "required"),
        ("AWS", "nice"),
    ]
    postgres = explanation.matched[2]
    assert [RESUME[s:e] for s, e in postgres.spans] == ["Postgres", "PostgreSQL"]
    for matched in explanation.matched:
        for start, end in matched.spans:
            assert taxonomy.canonical(RESUME[start:end]) == matched.skill


def test_each_matched_skill_names_the_resume_line_of_its_first_span(taxonomy, embedder):
    explanation = explain_resume(taxonomy, embedder)
    python = explanation.matched[0]
    start, end = python.line
    assert RESUME[start:end] == (
        "- Built ETL pipelines in Python that load sales data into Postgres every night."
    )
    assert start <= python.spans[0][0] < python.spans[0][1] <= end


def test_missing_skills_are_listed_by_requirement(taxonomy, embedder):
    explanation = explain_resume(taxonomy, embedder)
    assert explanation.missing_required == ("Kubernetes",)
    assert explanation.missing_nice == ("Terraform",)


def test_the_score_and_parts_are_those_of_the_breakdown(taxonomy, embedder):
    skills = taxonomy.extract(RESUME)
    breakdown = breakdown_for(skills)
    explanation = explain(
        resume_text=RESUME,
        resume_skills=skills,
        job_text=JOB,
        required=REQUIRED,
        nice=NICE,
        breakdown=breakdown,
        embedder=embedder,
    )
    assert explanation.score == breakdown.total
    assert explanation.parts == breakdown.parts


def test_a_skill_the_score_counted_without_spans_is_matched_without_evidence(embedder):
    breakdown = score(
        MatchSignals(0.5, 0.1, required=("Python",), candidate_skills=frozenset({"Python"}))
    )
    explanation = explain(
        resume_text="No skills written here at all.",
        resume_skills=(),
        job_text=JOB,
        required=("Python",),
        nice=(),
        breakdown=breakdown,
        embedder=embedder,
    )
    (matched,) = explanation.matched
    assert matched.skill == "Python"
    assert matched.spans == ()
    assert matched.line is None


def test_spans_outside_the_resume_are_ignored(embedder):
    stale = SkillMatch(name="Python", kind="technical", spans=((0, 6), (500, 506)))
    explanation = explain(
        resume_text="Python developer.",
        resume_skills=[stale],
        job_text="",
        required=("python",),
        nice=(),
        breakdown=breakdown_for((stale,), ("python",), ()),
        embedder=embedder,
    )
    assert explanation.matched[0].spans == ((0, 6),)


# --- sentence pairs ---------------------------------------------------------------------------


def test_sentence_pairs_point_at_their_sentences_and_are_sorted_by_similarity(taxonomy, embedder):
    explanation = explain_resume(taxonomy, embedder)
    pairs = explanation.sentence_pairs
    assert 1 <= len(pairs) <= 3
    assert [p.similarity for p in pairs] == sorted((p.similarity for p in pairs), reverse=True)
    for pair in pairs:
        assert normalize_space(RESUME[slice(*pair.resume_span)]) == pair.resume_sentence
        assert normalize_space(JOB[slice(*pair.job_span)]) == pair.job_sentence
        assert len(pair.resume_sentence.split()) >= 4
        assert len(pair.job_sentence.split()) >= 4
        assert pair.similarity > 0
    assert len({p.resume_span for p in pairs}) == len(pairs)
    assert len({p.job_span for p in pairs}) == len(pairs)


def test_the_closest_pair_is_the_one_about_data_pipelines(taxonomy, embedder):
    best = explain_resume(taxonomy, embedder).sentence_pairs[0]
    assert "ETL pipelines" in best.resume_sentence
    assert "data pipelines" in best.job_sentence


def test_skill_list_lines_are_not_offered_as_sentences(taxonomy, embedder):
    explanation = explain_resume(taxonomy, embedder, max_pairs=10)
    assert all(not p.resume_sentence.startswith("Skills:") for p in explanation.sentence_pairs)


def test_max_pairs_limits_the_pairs(taxonomy, embedder):
    assert len(explain_resume(taxonomy, embedder, max_pairs=1).sentence_pairs) == 1
    assert explain_resume(taxonomy, embedder, max_pairs=0).sentence_pairs == ()


def test_at_most_200_sentences_per_side_are_embedded(taxonomy):
    class CountingEmbedder(HashingEmbedder):
        sizes: list[int] = []

        def encode(self, texts, *, batch_size=32):
            self.sizes.append(len(texts))
            return super().encode(texts, batch_size=batch_size)

    counting = CountingEmbedder(dim=64)
    long_resume = "\n".join(f"- Sentence number {i} about data work." for i in range(450))
    long_job = "\n".join(f"- Requirement number {i} about data work." for i in range(300))
    explain_resume(taxonomy, counting, resume=long_resume, job=long_job)
    assert counting.sizes == [400]


# --- summary, determinism, serialisation ------------------------------------------------------


def test_summary_names_coverage_missing_skills_and_the_best_pair(taxonomy, embedder):
    summary = explain_resume(taxonomy, embedder).summary
    assert summary.startswith(
        "Covers 4 of 5 required skills (Python, Django, PostgreSQL and Docker); missing Kubernetes"
    )
    assert "1 of 2 nice-to-have" in summary
    assert "Strongest overlap: 'Built ETL pipelines in Python" in summary
    assert " ↔ 'You will build data pipelines" in summary


def test_summary_when_every_required_skill_is_covered(taxonomy, embedder):
    summary = explain_resume(taxonomy, embedder, required=("Python", "Docker"), nice=()).summary
    assert summary.startswith("Covers all 2 required skills (Python and Docker).")


def test_summary_reports_excluded_skills(taxonomy, embedder):
    skills = taxonomy.extract(RESUME)
    breakdown = score(
        MatchSignals(
            0.6,
            0.15,
            required=("Python",),
            excluded=("Excel",),
            candidate_skills=frozenset(m.name for m in skills),
        )
    )
    explanation = explain(
        resume_text=RESUME,
        resume_skills=skills,
        job_text=JOB,
        required=("Python",),
        nice=(),
        breakdown=breakdown,
        embedder=embedder,
    )
    assert explanation.excluded_present == ("Excel",)
    assert explanation.summary.startswith(
        "Covers the required skill (Python); has excluded skill Excel."
    )


def test_same_input_gives_the_same_explanation(taxonomy, embedder):
    first = explain_resume(taxonomy, embedder)
    second = explain_resume(taxonomy, HashingEmbedder())
    assert first == second
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())


def test_to_dict_is_json_ready_plain_data(taxonomy, embedder):
    data = explain_resume(taxonomy, embedder).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["matched"][0]["spans"][0] == list(
        explain_resume(taxonomy, embedder).matched[0].spans[0]
    )


@pytest.mark.parametrize(
    ("resume", "job", "required"),
    [
        ("", "", ()),
        ("", JOB, REQUIRED),
        (RESUME, "", REQUIRED),
        ("   \n\n  ", "\n", ("Python",)),
        ("Short.", "Tiny.", ()),
    ],
)
def test_empty_or_tiny_input_gives_an_empty_explanation_not_an_error(
    taxonomy, embedder, resume, job, required
):
    explanation = explain_resume(
        taxonomy, embedder, resume=resume, job=job, required=required, nice=()
    )
    assert explanation.sentence_pairs == ()
    assert isinstance(explanation.summary, str)
    assert explanation.summary
    assert {m.skill for m in explanation.matched} | set(explanation.missing_required) == set(
        required
    )
    json.dumps(explanation.to_dict())


def test_no_skills_at_all_says_so(embedder):
    explanation = explain(
        resume_text="",
        resume_skills=(),
        job_text="",
        required=(),
        nice=(),
        breakdown=score(MatchSignals(0.0, 0.0)),
        embedder=embedder,
    )
    assert explanation.matched == ()
    assert explanation.summary.startswith("No skills were listed")


# --- sentence splitting -----------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_keeps_abbreviations_and_dotted_names_inside_sentences():
    text = "Used many tools, e.g. Node.js and ASP.NET. Led J. Smith's team! Shipped v2.5 today?"
    assert sentences(text) == [
        "Used many tools, e.g. Node.js and ASP.NET.",
        "Led J. Smith's team!",
        "Shipped v2.5 today?",
    ]


def test_split_ends_sentences_at_bullets_and_headings_and_drops_the_bullet_marker():
    text = "EXPERIENCE\n- Built APIs\n• Wrote tests\n  * Ran on-call\n1. Did more"
    assert sentences(text) == ["EXPERIENCE", "Built APIs", "Wrote tests", "Ran on-call", "Did more"]


def test_split_joins_a_line_wrapped_in_the_middle_of_a_sentence():
    text = "Built ETL pipelines that processed\nmillions of rows daily. Then more."
    assert sentences(text) == [
        "Built ETL pipelines that processed\nmillions of rows daily.",
        "Then more.",
    ]


def test_split_spans_are_stripped_and_in_order():
    text = "  First one here.   Second one here.  \n\n  Third  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["First one here.", "Second one here.", "Third"]
    assert list(spans) == sorted(spans)


def test_split_of_empty_text_is_empty():
    assert split_sentences("") == ()
    assert split_sentences(" \n\t\n") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wait for it... Then go.", ["Wait for it...", "Then go."]),
        ("No!!! Way?? Yes?!.. Fine", ["No!!!", "Way??", "Yes?!..", "Fine"]),
        ('He said "ship it." Then left.', ['He said "ship it."', "Then left."]),
        ("Done (mostly.) See [ref.] Next.", ["Done (mostly.)", "See [ref.]", "Next."]),
        ("One.'\") Two", ["One.'\")", "Two"]),
        ('It ends "here!"', ['It ends "here!"']),
        ("Version 1...2 ships. Wait... and more", ["Version 1...2 ships.", "Wait... and more"]),
    ],
)
def test_split_ends_a_sentence_after_a_run_of_punctuation_and_closing_quotes(text, expected):
    assert sentences(text) == expected


def test_split_reads_a_long_run_of_dots_once():
    # Matched from every dot in turn, 200,000 dots between two letters took minutes.
    text = "x" + "." * 200_000 + "x ends. Next"
    assert sentences(text) == [text[:-5], "Next"]


def test_line_span_excludes_the_newline():
    text = "one\ntwo\r\nthree"
    assert line_span(text, 5) == (4, 7)
    assert line_span(text, 0) == (0, 3)
    assert line_span(text, len(text)) == (9, 14)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n-•e.g,:1J")), max_size=120))
def test_split_spans_are_ordered_disjoint_stripped_and_non_empty(text):
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace()
        assert not text[end - 1].isspace()
        previous_end = end
