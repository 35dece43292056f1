"""Forms for the recruiting pages: filters and inputs only, no business logic."""

from __future__ import annotations

from django import forms

from recruiting.models import Category, Job, JobSource, Resume


class JobFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *Job.Status.choices], required=False)
    remote = forms.BooleanField(required=False, label="Remote only")
    source = forms.ModelChoiceField(queryset=JobSource.objects.all(), required=False)


class ResumeFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *Resume.Status.choices], required=False)
