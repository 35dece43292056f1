"""Forms for the matching pages: requirement editing, feedback and rank-a-pile input."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator

from matching.models import Application, MatchFeedback
from recruiting.forms import (
    AccessibleErrorsMixin,
    MultipleFileField,
    MultipleFileInput,
    TermListField,
)
from recruiting.models import Job, Resume, user_team_id
from recruiting.services.blind import resume_for_page


class FeedbackForm(forms.Form):
    decision = forms.ChoiceField(choices=MatchFeedback.Decision.choices)
    note = forms.CharField(required=False, max_length=2000)


class StageMoveForm(forms.Form):
    stage = forms.ChoiceField(choices=Application.Stage.choices)
    reason = forms.ChoiceField(
        choices=[("", "—"), *Application.RejectionReason.choices], required=False
    )
    note = forms.CharField(required=False, max_length=4000)


class StageUndoForm(forms.Form):
    # The stage change the page showed; without it, the last one is undone.
    event = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class NoteForm(AccessibleErrorsMixin, forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your team sees it on this candidate's timeline.",
    )


class _NewestFirst(ModelChoiceIterator):
    """Offers the newest candidates only: a pool of thousands would make a page nobody scrolls.
    Choosing checks against the whole pool (the field's queryset)."""

    LIMIT = 300

    def __iter__(self):
        for obj in self.queryset.order_by("-created_at", "-id")[: self.LIMIT]:
            yield self.choice(obj)

    def __len__(self) -> int:
        return min(self.queryset.count(), self.LIMIT)


class PoolField(forms.ModelMultipleChoiceField):
    """Candidates of the team's pool, named as the viewer may see them (blind review)."""

    iterator = _NewestFirst

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        super().__init__(*args, **kwargs)

    def clean(self, value):
        """The ticked candidates with their ids and teams only (all the ranking reads): up to
        a form's 1,000 fields of resumes of up to 2,000,000 characters are not loaded whole."""
        offered = self.queryset
        self.queryset = offered.select_related(None).only("id", "team_id")
        try:
            return super().clean(value)
        finally:
            self.queryset = offered  # the form shown again offers names and categories

    def label_from_instance(self, obj) -> str:
        shown = resume_for_page(obj, self.viewer)
        category = f" · {obj.category}" if obj.category_id else ""
        return f"{shown.display_name}{category}"


class RankPileForm(AccessibleErrorsMixin, forms.Form):
    """The inputs of a pile ranking; which combinations make sense is the service's to say."""

    job = forms.ModelChoiceField(
        Job.objects.none(),  # the user's team's open jobs (__init__)
        required=False,
        label="Rank against a job",
        empty_label="— paste a job description instead —",
    )
    title = forms.CharField(required=False, max_length=300, label="Job title")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=200_000,
        label="Job description",
    )
    must_have = TermListField(
        label="Must have",
        help_text="Separate terms with commas. With a job, filled lists replace the job's own "
        "for this ranking only.",
    )
    nice_to_have = TermListField(label="Nice to have")
    exclude = TermListField(label="Exclude")
    files = MultipleFileField(
        required=False,
        label="Resume files (PDF, DOCX, TXT, HTML)",
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".pdf,.docx,.txt,.html,.htm"}),
    )
    resumes = PoolField(
        queryset=Resume.objects.none(),
        required=False,
        label="Candidates already in your pool",
        widget=forms.CheckboxSelectMultiple,
    )
    whole_pool = forms.BooleanField(
        required=False, label="Rank every processed candidate in your pool"
    )

    def __init__(self, *args, user=None, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resumes"].viewer = viewer
        if user is not None:
            pool = Resume.objects.visible_to(user).filter(team_id=user_team_id(user)).ready()
            self.fields["resumes"].queryset = pool.select_related("category")
            self.fields["job"].queryset = (
                Job.objects.visible_to(user).filter(team_id=user_team_id(user)).open()
            )
