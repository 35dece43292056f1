"""Recruiter pages of the matching app."""

app_name = "matching"

urlpatterns: list = []
