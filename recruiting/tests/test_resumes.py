"""Resumes in: upload through the service, the API and the page; duplicates, bad files, erasure."""

from __future__ import annotations

import io
import time
import warnings
from pathlib import Path
from typing import ClassVar

import pytest
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

from recruiting.models import Resume, ResumeEmbedding

pytestmark = pytest.mark.django_db

RESUME = b"""Jane Example
jane@example.com | +1 555 010 2030 | linkedin.com/in/jane-example

Summary
Backend engineer who builds Python and Django services on PostgreSQL.

Experience
Senior Backend Engineer, Acme Corp, Jan 2019 - Present
- Built Django REST APIs serving two million requests a day.
- Moved deployment to Docker and Kubernetes.

Backend Developer, Initech, 2015 - 2018
- Wrote Python data pipelines and SQL reports.

Education
BSc Computer Science, 2011 - 2015

Skills
Python, Django, PostgreSQL, Docker, Kubernetes, Go
"""


def files_on_disk() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(api, *files: tuple[str, bytes]):
    return api.post(
        "/api/v1/resumes/", {"file": [_named(n, d) for n, d in files]}, format="multipart"
    )


def _named(name: str, data: bytes) -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = name
    return buf


def test_an_uploaded_resume_is_parsed_with_contacts_sections_skills_and_an_embedding(
    api_client, skills, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api_client, ("jane.txt", RESUME))
    assert response.status_code == 201, response.content
    resume = Resume.objects.get(pk=response.json()["results"][0]["id"])
    assert resume.status == "ready"
    assert resume.email == "jane@example.com"
    assert resume.candidate_name == "Jane Example"
    assert {s["name"] for s in resume.sections} >= {"summary", "experience", "education", "skills"}
    assert resume.years_experience and resume.years_experience >= 7
    found = {rs.skill.name: rs.spans for rs in resume.resume_skills.select_related("skill")}
    assert {"Python", "Django", "PostgreSQL", "Docker", "Kubernetes", "Go"} <= set(found)
    start, end = found["Kubernetes"][0]
    assert resume.text[start:end] == "Kubernetes"
    assert ResumeEmbedding.objects.filter(resume=resume).count() == 1


def test_the_same_file_twice_returns_the_existing_resume(api_client, skills):
    first = upload(api_client, ("jane.txt", RESUME)).json()["results"][0]
    second = upload(api_client, ("again.txt", RESUME))
    assert second.status_code == 200
    assert second.json()["results"][0] == {**first, "filename": "again.txt", "created": False}
    assert Resume.objects.count() == 1


def test_a_file_whose_bytes_are_not_what_its_name_says_is_refused_and_nothing_is_stored(
    api_client, skills
):
    before = files_on_disk()
    response = upload(api_client, ("cv.pdf", RESUME))
    assert response.status_code == 400
    assert response.json()["code"] == "type_mismatch"
    assert response.json()["message"]
    assert Resume.objects.count() == 0
    assert files_on_disk() == before


def test_one_bad_file_in_a_pile_is_reported_and_the_others_go_in(api_client, skills):
    response = upload(
        api_client,
        ("jane.txt", RESUME),
        ("empty.txt", b""),
        ("bob.txt", RESUME.replace(b"Jane", b"Bob")),
    )
    assert response.status_code == 201
    results = response.json()["results"]
    assert [bool(r["id"]) for r in results] == [True, False, True]
    assert results[1]["code"] == "empty"
    assert Resume.objects.count() == 2


def test_a_file_over_the_size_limit_gets_a_400_naming_the_limit(api_client, skills, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = upload(api_client, ("big.txt", b"x " * 2000))
    assert response.status_code == 400
    assert response.json()["code"] == "too_large"
    assert response.json()["message"] == (
        "The file big.txt is larger than the limit of 1000 bytes per file (UPLOAD_MAX_BYTES)."
    )


def test_pasted_text_becomes_a_resume(api_client, skills):
    response = api_client.post(
        "/api/v1/resumes/", {"text": RESUME.decode(), "name": "Jane E."}, format="json"
    )
    assert response.status_code == 201
    assert Resume.objects.get().candidate_name == "Jane E."


def test_a_link_longer_than_2048_characters_is_left_out_of_the_contacts_with_a_warning(
    recruiter, skills
):
    """Blind views mask the stored links wherever the resume is quoted, at a cost in proportion
    to their length: a link of 300,000 characters cost minutes a page. Cut short, it would be a
    wrong address; the text keeps it, masked by the link pattern."""
    from recruiting.parsing.contacts import MAX_LINK_CHARS
    from recruiting.services.resumes import resume_create_from_text

    site = "https://jane.example/"
    longest = site + "p" * (MAX_LINK_CHARS - len(site))
    text = f"{RESUME.decode()}\nPortfolio: {longest} and {site}{'portfolio-' * 30_000}\n"

    resume, _ = resume_create_from_text(owner=recruiter, text=text)

    resume = Resume.objects.get(pk=resume.pk)
    assert resume.links == ["https://linkedin.com/in/jane-example", longest]
    assert "1 link longer than 2,048 characters was left out of the contacts." in resume.warnings
    assert "portfolio-" in resume.text
    assert "portfolio-" not in resume.blind_text and "ppp" not in resume.blind_text


def test_the_resume_list_page_is_newest_first_and_pages_in_a_fixed_order(
    api_client, recruiter_client, skills
):
    """Pages need an explicit order, or they repeat and skip rows."""
    from django.core.paginator import UnorderedObjectListWarning

    names = ["Ada First", "Bo Second", "Cy Third"]
    for i, name in enumerate(names):
        text = RESUME.decode().replace("Python data pipelines", f"Python data pipelines {i}")
        assert (
            api_client.post(
                "/api/v1/resumes/", {"text": text, "name": name}, format="json"
            ).status_code
            == 201
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        html = recruiter_client.get("/resumes/").content.decode()
    positions = [html.index(name) for name in reversed(names)]
    assert positions == sorted(positions)


def test_the_resume_list_counts_skills_for_the_rows_it_shows_only(
    api_client, recruiter_client, skills
):
    """Counting skills over the whole list (an annotated GROUP BY) sorted and grouped every
    visible resume before cutting the page: 19 s at 100k resumes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rid = upload(api_client, ("jane.txt", RESUME)).json()["results"][0]["id"]
    expected = Resume.objects.get(pk=rid).resume_skills.count()
    assert expected > 0
    with CaptureQueriesContext(connection) as queries:
        html = recruiter_client.get("/resumes/").content.decode()
    assert f'data-label="Skills">{expected}</td>' in html
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if "GROUP BY" in q and 'FROM "recruiting_resume" ' in q]
    counted = [q for q in sql if "recruiting_resumeskill" in q and "COUNT(" in q]
    assert len(counted) == 1 and " IN (" in counted[0]


def test_recruiters_see_only_their_own_resumes_and_anonymous_users_nothing(
    api_client, other_recruiter, anon_api, skills
):
    rid = upload(api_client, ("jane.txt", RESUME)).json()["results"][0]["id"]
    from rest_framework.test import APIClient

    other = APIClient()
    other.force_authenticate(other_recruiter)
    assert other.get(f"/api/v1/resumes/{rid}/").status_code == 404
    assert other.get("/api/v1/resumes/").json()["count"] == 0
    assert anon_api.get(f"/api/v1/resumes/{rid}/").status_code in (401, 403)
    assert api_client.get(f"/api/v1/resumes/{rid}/").json()["email"] == "jane@example.com"


def test_deleting_a_resume_erases_its_row_file_skills_and_embedding(
    api_client, skills, django_capture_on_commit_callbacks
):
    before = set(files_on_disk())
    with django_capture_on_commit_callbacks(execute=True):
        rid = upload(api_client, ("jane.txt", RESUME)).json()["results"][0]["id"]
    stored = Resume.objects.get(pk=rid).original_file.path
    assert Path(stored) in set(files_on_disk()) - before
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"/api/v1/resumes/{rid}/").status_code == 204
    assert not Resume.objects.filter(pk=rid).exists()
    assert not ResumeEmbedding.objects.exists()
    assert not Path(stored).exists()


def test_the_upload_page_accepts_many_files_and_reports_each(recruiter_client, skills):
    response = recruiter_client.post(
        "/resumes/upload/",
        {"files": [_named("jane.txt", RESUME), _named("bad.docx", b"not a zip")]},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "jane.txt" in body and "bad.docx" in body
    assert Resume.objects.count() == 1


def test_ingest_resumes_command_walks_a_folder_and_prints_a_summary(tmp_path, recruiter, skills):
    from django.core.management import call_command

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "jane.txt").write_bytes(RESUME)
    (tmp_path / "a" / "b" / "bob.txt").write_bytes(RESUME.replace(b"Jane", b"Bob"))
    (tmp_path / "a" / "b" / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "ingest_resumes", str(tmp_path), "--owner", "rita", stdout=out, stderr=err, verbosity=0
    )
    assert "3 files: 2 created, 1 failed." in out.getvalue()
    assert "broken.pdf" in err.getvalue()


@pytest.mark.parametrize("text", ["\U0001f44d\U0001f3fb !!! ###", "a" * 300_000, "ab-\n" * 1000])
def test_a_text_of_only_symbols_emoji_or_one_letter_repeated_is_refused_with_a_400(
    api_client, skills, text
):
    response = api_client.post("/api/v1/resumes/", {"text": text}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "empty"
    assert Resume.objects.count() == 0


# --- killed uploads and stuck processing -------------------------------------------------------


def test_a_failure_after_the_file_was_written_leaves_neither_row_nor_file(
    api_client, skills, monkeypatch
):
    def broken(resume):
        raise RuntimeError("the skills step broke")

    monkeypatch.setattr("recruiting.services.resumes._resume_extract_skills", broken)
    before = set(files_on_disk())
    with pytest.raises(RuntimeError):
        upload(api_client, ("jane.txt", RESUME))
    assert not Resume.objects.exists()
    assert set(files_on_disk()) == before


def test_the_sweep_removes_a_file_left_by_an_upload_killed_before_its_commit(
    api_client, skills, django_capture_on_commit_callbacks
):
    import os
    import time

    from django.core.management import call_command

    from recruiting.services.files import ORPHAN_GRACE_SECONDS, orphan_files_sweep

    before = set(files_on_disk())
    with django_capture_on_commit_callbacks(execute=True):
        upload(api_client, ("jane.txt", RESUME))
    owned = set(files_on_disk()) - before
    # What kill -9 between writing the file and committing the row leaves behind.
    orphan = Path(settings.PRIVATE_MEDIA_ROOT) / "resumes" / "ab" / ("ab" * 32) / "f00d"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"Jane Example, killed mid-upload")
    assert orphan_files_sweep() == []  # it may still be an upload about to commit
    old = time.time() - ORPHAN_GRACE_SECONDS - 1
    for path in [orphan, *owned]:
        os.utime(path, (old, old))
    out = io.StringIO()
    call_command("sweep_orphan_files", stdout=out)
    assert "Removed 1 orphan file(s)." in out.getvalue()
    assert not orphan.exists()
    assert owned and owned <= set(files_on_disk())  # a file a resume owns stays, however old


def test_the_orphan_sweep_runs_on_beat():
    from recruiting.tasks import orphan_files_sweep_task

    assert (
        settings.CELERY_BEAT_SCHEDULE["sweep orphan files"]["task"] == orphan_files_sweep_task.name
    )


def test_uploading_a_resume_stuck_processing_past_the_lease_processes_it_again(
    api_client, skills, django_capture_on_commit_callbacks
):
    """Its worker was killed mid-task: the row stayed "processing"."""
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):  # the task died with its worker
        resume_id = upload(api_client, ("jane.txt", RESUME)).json()["results"][0]["id"]
    Resume.objects.filter(pk=resume_id).update(status=Resume.Status.PROCESSING)
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(api_client, ("jane.txt", RESUME)).status_code == 200
    assert Resume.objects.get(pk=resume_id).status == Resume.Status.PROCESSING  # may still run
    stuck = timezone.now() - timedelta(seconds=settings.RUN_LEASE_SECONDS + 1)
    Resume.objects.filter(pk=resume_id).update(updated_at=stuck)
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(api_client, ("jane.txt", RESUME)).status_code == 200
    resume = Resume.objects.get(pk=resume_id)
    assert resume.status == Resume.Status.READY
    assert ResumeEmbedding.objects.filter(resume=resume).count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_in_process_tasks_an_upload_answers_the_status_processing_ended_in(api_client, skills):
    response = upload(api_client, ("jane.txt", RESUME))
    assert response.status_code == 201
    assert response.json()["results"][0]["status"] == "ready"
    again = api_client.post(
        "/api/v1/resumes/", {"text": "Jane Example\nGo and Rust"}, format="json"
    )
    assert again.json()["results"][0]["status"] == "ready"


# --- bounded uploads: a file's size, a request's parse time ------------------------------------

BOB = RESUME.replace(b"Jane", b"Bob")
CY = RESUME.replace(b"Jane", b"Cy")
BIG = b"Jane Example\n" + b"word " * 400_000  # 2 MB
TOO_LARGE = "The file big.txt is larger than the limit of 64 KB per file (UPLOAD_MAX_BYTES)."


class CountingUploadHandler(FileUploadHandler):
    """Stands between the capped handler and Django's own: counts the bytes each file hands on,
    which is what would be held in memory or written to a temporary file."""

    received: ClassVar[dict[str, int]] = {}

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received[file_name] = 0

    def receive_data_chunk(self, raw_data, start):
        self.received[self.file_name] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def small_limit(settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # files go to temporary files, as large ones do
    settings.FILE_UPLOAD_HANDLERS = [
        "config.uploads.CappedUploadHandler",
        f"{__name__}.CountingUploadHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    CountingUploadHandler.received.clear()
    return settings.UPLOAD_MAX_BYTES


def test_a_file_over_the_limit_is_dropped_while_it_streams_and_the_others_go_in(
    api_client, skills, small_limit
):
    before = set(files_on_disk())
    response = upload(api_client, ("jane.txt", RESUME), ("big.txt", BIG), ("bob.txt", BOB))
    assert response.status_code == 201
    results = response.json()["results"]
    assert [r["filename"] for r in results] == ["jane.txt", "big.txt", "bob.txt"]
    assert [bool(r["id"]) for r in results] == [True, False, True]
    assert (results[1]["code"], results[1]["error"]) == ("too_large", TOO_LARGE)
    # Past the limit, nothing more of the big file went on to memory or a temporary file.
    assert CountingUploadHandler.received["big.txt"] <= small_limit < len(BIG)
    assert CountingUploadHandler.received["bob.txt"] == len(BOB)
    assert Resume.objects.count() == 2
    assert len(set(files_on_disk()) - before) == 2


def test_the_upload_page_names_a_file_over_the_limit_and_keeps_the_others(
    recruiter_client, skills, small_limit
):
    response = recruiter_client.post(
        "/resumes/upload/", {"files": [_named("jane.txt", RESUME), _named("big.txt", BIG)]}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert TOO_LARGE in body and "jane.txt" in body
    assert Resume.objects.get().original_filename == "jane.txt"
    assert CountingUploadHandler.received["big.txt"] <= small_limit


def test_one_file_over_the_limit_sent_by_the_page_script_gets_a_400_naming_the_limit(
    recruiter_client, skills, small_limit
):
    response = recruiter_client.post(
        "/resumes/upload/", {"files": [_named("big.txt", BIG)]}, HTTP_X_UPLOAD_FRAGMENT="1"
    )
    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
    assert not Resume.objects.exists()


@pytest.fixture
def slow_parse(monkeypatch):
    """Each file takes 0.6 s more to read than it would; the real parser still reads it."""
    from recruiting.services import resumes

    real = resumes.parse_resume

    def slow(*args, **kwargs):
        time.sleep(0.6)
        return real(*args, **kwargs)

    monkeypatch.setattr(resumes, "parse_resume", slow)


def test_once_a_requests_parse_time_is_spent_the_files_left_are_refused_and_those_read_kept(
    api_client, recruiter_client, skills, settings, slow_parse
):
    settings.UPLOAD_REQUEST_PARSE_SECONDS = 0.5
    before = set(files_on_disk())
    response = upload(api_client, ("jane.txt", RESUME), ("bob.txt", BOB), ("cy.txt", CY))
    assert response.status_code == 201
    results = response.json()["results"]
    assert [bool(r["id"]) for r in results] == [True, False, False]
    for r in results[1:]:
        assert r["code"] == "parse_budget"
        assert r["error"] == (
            f"{r['filename']} was not read: this request's parse-time budget (0.5 s, "
            "UPLOAD_REQUEST_PARSE_SECONDS) is spent on the files before it. Upload it again, "
            "on its own or with fewer files."
        )
    assert Resume.objects.get().original_filename == "jane.txt"
    assert len(set(files_on_disk()) - before) == 1
    # The upload page's script sends one request per file: each has the whole budget.
    for name, data in [("bob.txt", BOB), ("cy.txt", CY)]:
        page = recruiter_client.post(
            "/resumes/upload/", {"files": [_named(name, data)]}, HTTP_X_UPLOAD_FRAGMENT="1"
        )
        assert page.status_code == 200 and "added" in page.content.decode()
    assert Resume.objects.count() == 3


def test_a_parse_cut_short_by_the_requests_budget_asks_for_the_file_again(
    api_client, skills, settings, monkeypatch
):
    """Not refused as a file too slow to read: the request ran out of time, the file may be
    fine."""
    import recruiting.parsing as parsing

    real = parsing.clean_text

    def slow_clean(text):
        time.sleep(0.3)
        return real(text)

    monkeypatch.setattr(parsing, "clean_text", slow_clean)
    settings.UPLOAD_REQUEST_PARSE_SECONDS = 0.2
    before = set(files_on_disk())
    response = upload(api_client, ("jane.txt", RESUME))
    assert response.status_code == 400
    assert response.json()["code"] == "parse_budget"
    assert "UPLOAD_REQUEST_PARSE_SECONDS" in response.json()["message"]
    assert not Resume.objects.exists() and set(files_on_disk()) == before
