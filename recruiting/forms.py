"""Forms for the recruiting pages: filters and inputs only, no business logic."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy

from config.exceptions import ApplicationError
from recruiting.models import Category, Job, JobSkill, JobSource, Resume
from recruiting.services.scheduling import parse_crontab, source_check_folder


class AccessibleErrorsMixin:
    """Fields with an error say so to screen readers (aria-invalid) and point at the message
    printed next to them (aria-describedby ``<id>-error``)."""

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_errors()

    def mark_errors(self) -> None:
        for name, field in self.fields.items():
            attrs = field.widget.attrs
            hint = f"id_{name}-hint" if field.help_text else ""
            if name in self.errors:
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{hint} id_{name}-error".strip()
            elif hint:
                attrs["aria-describedby"] = hint

    def add_service_error(self, exc: ApplicationError) -> None:
        """Put a service's error next to the fields it names (``extra["fields"]``), else on
        top of the form."""
        fields = (exc.extra or {}).get("fields") or {}
        placed = False
        for name, messages in fields.items():
            if name in self.fields:
                self.add_error(name, messages)
                placed = True
        if not placed:
            self.add_error(None, exc.message)
        self.mark_errors()


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
        fields = ["name", "team", "kind", "url", "board_token", "field_map", "schedule", "enabled"]

    def clean(self):
        data = super().clean()
        try:
            parse_crontab(data.get("schedule") or "")
            source_check_folder(kind=data.get("kind") or "", url=data.get("url") or "")
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return data


class TermListField(forms.CharField):
    """Comma-separated skills or free-text terms -> a list, blanks dropped, order kept."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        super().__init__(*args, **kwargs)
        # The autocomplete (static/js/terms.js) suggests skills for the term being typed.
        self.widget.attrs.update(
            {
                "data-terms-suggest": reverse_lazy("api:skill-list"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        )

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return list(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


TERMS_HELP = "Separate terms with commas. Terms the skills list does not know are kept as you typed them and looked for word by word."


class RequirementsForm(AccessibleErrorsMixin, forms.Form):
    must_have = TermListField(label="Must have", help_text=TERMS_HELP)
    nice_to_have = TermListField(label="Nice to have")
    exclude = TermListField(label="Exclude", help_text="Candidates with these terms rank lower.")

    @classmethod
    def for_job(cls, job: Job) -> RequirementsForm:
        skills = list(JobSkill.objects.filter(job=job).for_matching())

        def names(kind: str) -> list[str]:
            return [s.name for s in skills if s.requirement == kind]

        return cls(
            initial={
                "must_have": names("required"),
                "nice_to_have": names("nice"),
                "exclude": names("excluded"),
            }
        )


class JobCategoryForm(AccessibleErrorsMixin, forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="None: let the model predict it",
        help_text="A category chosen here stays when the model classifies jobs again.",
    )

    @classmethod
    def for_job(cls, job: Job) -> JobCategoryForm:
        return cls(initial={"category": job.category.slug if job.category_id else None})


class JobForm(AccessibleErrorsMixin, forms.Form):
    """A job a recruiter writes: requirements are read from the description unless given."""

    title = forms.CharField(max_length=300)
    company = forms.CharField(max_length=200, required=False)
    location = forms.CharField(max_length=200, required=False)
    remote = forms.BooleanField(required=False, label="Remote possible")
    url = forms.URLField(
        max_length=500, required=False, label="Link to the posting", assume_scheme="https"
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=200_000,
        help_text="Plain text or HTML. Lines under “Requirements” become must-haves and lines "
        "under “Nice to have” nice-to-haves.",
    )
    must_have = TermListField(
        label="Must have", help_text="Leave empty to read them from the description."
    )
    nice_to_have = TermListField(label="Nice to have")
    exclude = TermListField(label="Exclude")

    @classmethod
    def for_job(cls, job: Job, data=None) -> JobForm:
        form = cls(
            data,
            initial={
                "title": job.title,
                "company": job.company,
                "location": job.location,
                "remote": job.remote,
                "url": job.url,
                "description": job.description_text,
            },
        )
        # Editing a job changes its text; its requirements are edited on the job page.
        for name in ("must_have", "nice_to_have", "exclude"):
            del form.fields[name]
        return form
