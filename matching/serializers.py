"""The ranking API's answers, typed so that the OpenAPI schema describes every field: a page of
results, each with its score parts, skills and explanation. They read the services' results
(``MatchPage``, ``MatchResult``) as they are, with no query of their own."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from rest_framework import serializers

from matching.selectors import PART_LABELS
from matching.services.matching import MatchResult


# A serializer of a plain mapping whose keys are the field names. It reads each key directly
# instead of through DRF's attribute lookup, which made up most of the cost of a page of 100
# explained results. (A comment, not a docstring: the schema would describe every answer by it.)
class PlainSerializer(serializers.Serializer):
    @cached_property
    def _writers(self) -> tuple:
        return tuple((name, field.to_representation) for name, field in self.fields.items())

    def to_representation(self, data: Mapping) -> dict:
        return {
            name: None if (value := data[name]) is None else write(value)
            for name, write in self._writers
        }


class StringListField(serializers.ListField):
    """A list of strings, documented as such, written without a call per item."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(allow_blank=True), **kwargs)

    def to_representation(self, data) -> list[str]:
        return [str(item) for item in data]


class SpanField(serializers.ListField):
    """A [start, end) pair of character offsets."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(), min_length=2, max_length=2, **kwargs)

    def to_representation(self, span) -> list[int]:
        start, end = span
        return [int(start), int(end)]


def _part(name: str) -> serializers.FloatField:
    return serializers.FloatField(help_text=PART_LABELS[name])


class ScorePartsSerializer(PlainSerializer):
    """Points each part adds to the score, rounded so that they add up to it exactly;
    `excluded` is zero or negative."""

    # mlcore's PART_NAMES in their order, the order the answers have always had (a test checks).
    semantic = _part("semantic")
    keywords = _part("keywords")
    required = _part("required")
    related = _part("related")
    nice = _part("nice")
    category = _part("category")
    experience = _part("experience")
    excluded = _part("excluded")


class JobSummarySerializer(PlainSerializer):
    """The job; empty when the ranking was against free-text requirements (no job)."""

    id = serializers.IntegerField(required=False)
    title = serializers.CharField(required=False, allow_blank=True)
    company = serializers.CharField(required=False, allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(required=False, allow_null=True, help_text="A slug.")

    def to_representation(self, job: dict) -> dict:
        return super().to_representation(job) if job else {}


class ResumeSummarySerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text='"Candidate #id" under blind review.')
    category = serializers.CharField(allow_null=True, help_text="A slug.")


class MatchedSkillSerializer(PlainSerializer):
    skill = serializers.CharField()
    # Not an enum: it would take the name RequirementEnum from the job skills' requirement.
    requirement = serializers.CharField(help_text='"required" or "nice".')
    spans = serializers.ListField(
        child=SpanField(), help_text="Where the resume shows the skill: [start, end) offsets."
    )
    line = SpanField(
        allow_null=True, help_text="The resume line around the first span; null without one."
    )
    in_taxonomy = serializers.BooleanField(
        help_text="False for a free-text term, found by lexical matching."
    )
    line_before = serializers.CharField(allow_blank=True)
    line_match = serializers.CharField(allow_blank=True, help_text="The evidence itself.")
    line_after = serializers.CharField(allow_blank=True)


class SentencePairSerializer(PlainSerializer):
    """A resume sentence and the job sentence closest to it, with their offsets."""

    resume_sentence = serializers.CharField(allow_blank=True)
    resume_span = SpanField()
    job_sentence = serializers.CharField(allow_blank=True)
    job_span = SpanField()
    similarity = serializers.FloatField()


class ExplanationSerializer(PlainSerializer):
    score = serializers.FloatField()
    parts = ScorePartsSerializer()
    matched = MatchedSkillSerializer(many=True)
    missing_required = StringListField()
    missing_nice = StringListField()
    sentence_pairs = SentencePairSerializer(many=True)
    summary = serializers.CharField(allow_blank=True)
    excluded_present = StringListField()
    not_in_taxonomy = StringListField(help_text="The job's free-text terms, matched lexically.")


class MatchResultSerializer(PlainSerializer):
    job = JobSummarySerializer()
    resume = ResumeSummarySerializer()
    score = serializers.FloatField()
    parts = ScorePartsSerializer()
    similarity = serializers.FloatField()
    matched_required = StringListField()
    missing_required = StringListField()
    matched_nice = StringListField()
    missing_nice = StringListField()
    excluded_present = StringListField()
    explanation = ExplanationSerializer(
        allow_null=True, help_text="Null for results past those explained."
    )

    def to_representation(self, result: MatchResult) -> dict:
        b, job, resume = result.breakdown, result.job, result.resume
        return super().to_representation(
            {
                "job": {
                    "id": job.pk,
                    "title": job.title,
                    "company": job.company,
                    "location": job.location,
                    "category": job.category.slug if job.category_id else None,
                }
                if job
                else {},
                "resume": {
                    "id": resume.pk,
                    "name": resume.display_name,
                    "category": resume.category.slug if resume.category_id else None,
                },
                "score": b.total,
                "parts": b.parts,
                "similarity": round(result.similarity, 4),
                "matched_required": b.matched_required,
                "missing_required": b.missing_required,
                "matched_nice": b.matched_nice,
                "missing_nice": b.missing_nice,
                "excluded_present": b.excluded_present,
                "explanation": result.explanation,
            }
        )


class MatchPageSerializer(serializers.Serializer):
    model_version = serializers.CharField()
    total_candidates = serializers.IntegerField()
    results = MatchResultSerializer(many=True)


class CategoryProbabilitySerializer(PlainSerializer):
    category = serializers.CharField()
    probability = serializers.FloatField()


class ClassifyResultSerializer(PlainSerializer):
    category = serializers.CharField(
        allow_null=True, help_text="A slug; null when the classifier is unsure."
    )
    confidence = serializers.FloatField()
    uncertain = serializers.BooleanField()
    top = CategoryProbabilitySerializer(
        many=True, help_text="The likeliest categories, best first."
    )


class ClassifyResponseSerializer(PlainSerializer):
    results = ClassifyResultSerializer(many=True)
