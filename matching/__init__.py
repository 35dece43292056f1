"""Matching app: ranking, explanations, model registry, feedback, drift."""
