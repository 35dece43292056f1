"""Forms for the matching pages: requirement editing, feedback and rank-a-pile input."""

from __future__ import annotations

from django import forms

from matching.models import MatchFeedback
from recruiting.forms import MultipleFileField, TermListField
from recruiting.models import Job, Resume


class FeedbackForm(forms.Form):
    decision = forms.ChoiceField(choices=MatchFeedback.Decision.choices)
    note = forms.CharField(required=False, max_length=2000)


class RankPileForm(forms.Form):
    job = forms.ModelChoiceField(
        queryset=Job.objects.open(), required=False, label="Rank against a job"
    )
    title = forms.CharField(required=False, max_length=300, label="…or paste a job: title")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=200_000
    )
    must_have = TermListField()
    nice_to_have = TermListField()
    exclude = TermListField()
    files = MultipleFileField(required=False, label="Resumes (PDF, DOCX, TXT, HTML)")
    resumes = forms.ModelMultipleChoiceField(queryset=Resume.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["resumes"].queryset = Resume.objects.visible_to(user)
            self.fields["job"].queryset = Job.objects.visible_to(user).open()

    def clean(self):
        data = super().clean()
        if not data.get("job") and not (data.get("title") or data.get("description")):
            raise forms.ValidationError("Pick a job or paste a job description.")
        if not data.get("files") and not data.get("resumes"):
            raise forms.ValidationError("Add at least one resume.")
        return data
