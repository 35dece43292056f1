"""Forms for the recruiting pages: filters and inputs only, no business logic."""

from __future__ import annotations

from django import forms

from recruiting.models import Category, Job, JobSource, Resume


class JobFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *Job.Status.choices], required=False)
    remote = forms.BooleanField(required=False, label="Remote only")
    source = forms.ModelChoiceField(queryset=JobSource.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["source"].queryset = JobSource.objects.visible_to(user)


class ResumeFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *Resume.Status.choices], required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Many files in one field; cleans to a list (empty when none were sent)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class ResumeUploadForm(forms.Form):
    files = MultipleFileField(
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".pdf,.docx,.txt,.html,.htm"}),
        label="Resume files (PDF, DOCX, TXT, HTML)",
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        label="…or paste a resume",
        max_length=2_000_000,
    )
    name = forms.CharField(required=False, max_length=200, label="Candidate name (for pasted text)")

    def clean(self):
        data = super().clean()
        if not data.get("files") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose at least one file or paste a resume.")
        return data


class JobSourceAdminForm(forms.ModelForm):
    """The admin's source form: the service's checks (crontab, drop folder) as form errors."""

    class Meta:
        model = JobSource
        fields = ["name", "kind", "url", "board_token", "field_map", "schedule", "enabled"]

    def clean(self):
        from recruiting.services.scheduling import parse_crontab, source_check_folder

        data = super().clean()
        try:
            parse_crontab(data.get("schedule") or "")
            source_check_folder(kind=data.get("kind") or "", url=data.get("url") or "")
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return data
