"""Recruiting app: resumes, jobs, job sources, ingestion."""
