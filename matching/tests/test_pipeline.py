"""The hiring pipeline: stages, reasons, notes and the timeline through the service, the pages
and the API; decided candidates leave the ranking; feedback moves stages; training labels."""

from __future__ import annotations

import pytest

from config.exceptions import ApplicationError
from matching.models import Application, ApplicationEvent, MatchFeedback
from matching.services import pipeline
from matching.services.desk import desk_ranking, desk_stage_rows, desk_stage_tabs
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

BODY = """
Summary
Backend engineer building services with PostgreSQL and Docker.

Experience
Backend Engineer, Hooli, 2017 - Present
- Built backend services and PostgreSQL schemas; deployed them with Docker.

Skills
"""


@pytest.fixture
def desk(recruiter, skills, categories, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tara, _ = resume_create_from_text(
            owner=recruiter, text="Tara Twin\n" + BODY + "Python, Django, Docker\n"
        )
        gus, _ = resume_create_from_text(
            owner=recruiter, text="Gus Twin\n" + BODY + "Go, Kubernetes\n"
        )
        job = job_create(
            owner=recruiter,
            title="Python Backend Engineer",
            description="<p>Build Django services.</p><h3>Requirements</h3><ul><li>Python</li><li>Django</li></ul>",
        )
    return {"job": job, "tara": tara, "gus": gus}


def stages(job) -> dict[int, str]:
    return dict(Application.objects.filter(job_id=job.pk).values_list("resume_id", "stage"))


def ranked_names(client, job, **params) -> list[str]:
    body = client.get(
        f"/jobs/{job.pk}/candidates/", params, HTTP_HX_REQUEST="true"
    ).content.decode()
    return [n for n in ("Tara Twin", "Gus Twin") if n in body]


# --- Service ----------------------------------------------------------------------------------


def test_a_candidate_moves_forward_stage_by_stage_and_each_move_is_recorded(desk, recruiter):
    job, tara = desk["job"], desk["tara"]
    for stage in ("shortlisted", "contacted", "interviewing", "offer", "hired"):
        app = pipeline.application_move(job=job, resume=tara, actor=recruiter, stage=stage)
        assert app.stage == stage
    moves = list(
        app.events.filter(kind="stage")
        .order_by("id")
        .values_list("from_stage", "to_stage", "actor")
    )
    assert moves == [
        ("sourced", "shortlisted", recruiter.pk),
        ("shortlisted", "contacted", recruiter.pk),
        ("contacted", "interviewing", recruiter.pk),
        ("interviewing", "offer", recruiter.pk),
        ("offer", "hired", recruiter.pk),
    ]
    assert app.events.filter(kind="created").count() == 1


def test_rejecting_needs_a_reason_and_keeps_it(desk, recruiter):
    job, gus = desk["job"], desk["gus"]
    with pytest.raises(ApplicationError) as refused:
        pipeline.application_move(job=job, resume=gus, actor=recruiter, stage="rejected")
    assert "reason" in refused.value.extra["fields"]
    app = pipeline.application_move(
        job=job, resume=gus, actor=recruiter, stage="rejected", reason="skills", note="No Python"
    )
    assert (app.stage, app.rejection_reason) == ("rejected", "skills")
    event = app.events.get(kind="stage")
    assert (event.rejection_reason, event.note) == ("skills", "No Python")


def test_leaving_rejected_clears_the_reason(desk, recruiter):
    job, gus = desk["job"], desk["gus"]
    pipeline.application_move(
        job=job, resume=gus, actor=recruiter, stage="rejected", reason="other"
    )
    app = pipeline.application_move(job=job, resume=gus, actor=recruiter, stage="shortlisted")
    assert (app.stage, app.rejection_reason) == ("shortlisted", "")


def test_moving_to_the_stage_a_candidate_is_in_records_nothing(desk, recruiter):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="shortlisted")
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="shortlisted")
    assert ApplicationEvent.objects.filter(kind="stage").count() == 1


def test_undo_takes_a_forward_move_back_as_an_event_of_its_own(desk, recruiter, teammate):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="shortlisted")
    invited = pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="interviewing")
    app = pipeline.application_undo(job=job, resume=tara, actor=teammate)
    assert app.stage == "shortlisted"
    undo = invited.events.filter(kind="stage").order_by("id").last()
    assert (undo.from_stage, undo.to_stage, undo.actor, undo.undoes.to_stage) == (
        "interviewing",
        "shortlisted",
        teammate,
        "interviewing",
    )
    # An undo is not undone in turn: a move forward again is a plain move.
    assert pipeline.undoable_change(app) is None
    with pytest.raises(ApplicationError) as refused:
        pipeline.application_undo(job=job, resume=tara, actor=recruiter)
    assert (refused.value.status, refused.value.code) == (409, "nothing_to_undo")
    assert stages(job) == {tara.pk: "shortlisted"}


def test_undoing_a_move_out_of_rejected_restores_the_reason(desk, recruiter):
    job, gus = desk["job"], desk["gus"]
    pipeline.application_move(
        job=job, resume=gus, actor=recruiter, stage="rejected", reason="experience"
    )
    pipeline.application_move(job=job, resume=gus, actor=recruiter, stage="offer")
    app = pipeline.application_undo(job=job, resume=gus, actor=recruiter)
    assert (app.stage, app.rejection_reason) == ("rejected", "experience")
    assert pipeline.labelled_pairs() == [(job.pk, gus.pk, 0)]


def test_undo_with_nothing_to_undo_is_refused(desk, recruiter):
    job, tara = desk["job"], desk["tara"]
    with pytest.raises(ApplicationError) as refused:
        pipeline.application_undo(job=job, resume=tara, actor=recruiter)
    assert refused.value.status == 409 and not Application.objects.exists()
    pipeline.application_get_or_create(job=job, resume=tara, actor=recruiter)
    with pytest.raises(ApplicationError):
        pipeline.application_undo(job=job, resume=tara, actor=recruiter)
    assert stages(job) == {tara.pk: "sourced"}


def test_undo_refuses_when_a_colleague_moved_the_candidate_since(desk, recruiter, teammate):
    job, tara = desk["job"], desk["tara"]
    app = pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="shortlisted")
    seen = pipeline.undoable_change(app)
    pipeline.application_move(job=job, resume=tara, actor=teammate, stage="contacted")
    with pytest.raises(ApplicationError) as refused:
        pipeline.application_undo(job=job, resume=tara, actor=recruiter, event_id=seen.pk)
    assert refused.value.code == "moved_since" and refused.value.status == 409
    assert stages(job) == {tara.pk: "contacted"}


def test_another_teams_recruiter_cannot_undo(desk, recruiter, other_recruiter):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="shortlisted")
    with pytest.raises(ApplicationError) as refused:
        pipeline.application_undo(job=job, resume=tara, actor=other_recruiter)
    assert refused.value.status == 404
    assert stages(job) == {tara.pk: "shortlisted"}


def test_an_unknown_stage_is_refused(desk, recruiter):
    with pytest.raises(ApplicationError):
        pipeline.application_move(
            job=desk["job"], resume=desk["tara"], actor=recruiter, stage="maybe"
        )


def test_notes_go_on_the_timeline_and_an_empty_note_is_refused(desk, recruiter, teammate):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_note_add(job=job, resume=tara, actor=recruiter, text="Call on Monday")
    pipeline.application_note_add(job=job, resume=tara, actor=teammate, text="Called, keen")
    notes = list(
        ApplicationEvent.objects.filter(kind="note").order_by("id").values_list("note", "actor")
    )
    assert notes == [("Call on Monday", recruiter.pk), ("Called, keen", teammate.pk)]
    with pytest.raises(ApplicationError):
        pipeline.application_note_add(job=job, resume=tara, actor=recruiter, text="   ")


def test_another_teams_recruiter_cannot_move_or_note_a_candidate(desk, other_recruiter):
    with pytest.raises(ApplicationError) as refused:
        pipeline.application_move(
            job=desk["job"], resume=desk["tara"], actor=other_recruiter, stage="shortlisted"
        )
    assert refused.value.status == 404
    assert not Application.objects.exists()


def test_a_candidate_of_another_team_cannot_join_a_jobs_pipeline(desk, other_recruiter, staff):
    theirs, _ = resume_create_from_text(
        owner=other_recruiter, text="Olga Other\n" + BODY + "Python\n"
    )
    with pytest.raises(ApplicationError):
        pipeline.application_move(job=desk["job"], resume=theirs, actor=staff, stage="shortlisted")


def test_labelled_pairs_read_every_decision_as_one_label(desk, recruiter, other_recruiter):
    job, tara, gus = desk["job"], desk["tara"], desk["gus"]
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="interviewing")
    pipeline.application_move(
        job=job, resume=gus, actor=recruiter, stage="rejected", reason="skills"
    )
    third, _ = resume_create_from_text(owner=recruiter, text="Wanda Withdrew\n" + BODY + "Python\n")
    fourth, _ = resume_create_from_text(owner=recruiter, text="Sam Sourced\n" + BODY + "Python\n")
    pipeline.application_move(
        job=job, resume=third, actor=recruiter, stage="rejected", reason="withdrew"
    )
    pipeline.application_get_or_create(job=job, resume=fourth, actor=recruiter)
    assert pipeline.labelled_pairs() == sorted(
        [(job.pk, tara.pk, 1), (job.pk, gus.pk, 0)], key=lambda p: (p[0], p[1])
    )
    assert pipeline.labelled_pairs(team_id=job.team_id) == pipeline.labelled_pairs()
    assert pipeline.labelled_pairs(team_id=other_recruiter.team_membership.team_id) == []
    from django.utils import timezone

    assert pipeline.labelled_pairs(since=timezone.now() + timezone.timedelta(minutes=1)) == []
    pair = pipeline.labelled_pairs()[0]
    assert (pair.job_id, pair.resume_id, pair.label) == tuple(pair)


def test_feedback_moves_the_application_and_never_back_from_a_later_stage(desk, recruiter):
    from matching.services.feedback import feedback_record

    job, tara, gus = desk["job"], desk["tara"], desk["gus"]
    feedback_record(user=recruiter, job=job, resume=tara, decision="shortlist")
    feedback_record(user=recruiter, job=job, resume=gus, decision="reject", note="Go only")
    assert stages(job) == {tara.pk: "shortlisted", gus.pk: "rejected"}
    assert Application.objects.get(resume=gus).rejection_reason == "not_a_fit"
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="interviewing")
    feedback_record(user=recruiter, job=job, resume=tara, decision="shortlist")
    assert stages(job)[tara.pk] == "interviewing"


# --- Pages ------------------------------------------------------------------------------------


def test_one_click_shortlists_from_the_ranking_and_updates_the_stage_counts(desk, recruiter_client):
    job, tara = desk["job"], desk["tara"]
    response = recruiter_client.post(
        f"/jobs/{job.pk}/candidates/{tara.pk}/stage/",
        {"stage": "shortlisted", "place": "row"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="stage-{job.pk}-{tara.pk}"' in body and "Shortlisted" in body
    # The next move keeps the same button id, so htmx puts the focus back on it.
    assert f'id="next-{job.pk}-{tara.pk}"' in body and "Mark contacted" in body
    assert 'aria-label="Candidates by stage" hx-swap-oob="true"' in body
    assert 'Shortlisted <span class="count">1</span>' in body
    assert stages(job) == {tara.pk: "shortlisted"}


def test_a_rejected_candidate_leaves_the_ranking_until_the_toggle_shows_them(
    desk, recruiter_client, teammate_client
):
    job, tara = desk["job"], desk["tara"]
    assert ranked_names(recruiter_client, job) == ["Tara Twin", "Gus Twin"]
    response = recruiter_client.post(
        f"/jobs/{job.pk}/candidates/{tara.pk}/stage/",
        {"stage": "rejected", "reason": "experience"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Rejected: not enough experience" in body
    assert f'id="undo-{job.pk}-{tara.pk}"' in body
    # The whole team's ranking leaves them out, and says so.
    assert ranked_names(teammate_client, job) == ["Gus Twin"]
    page = teammate_client.get(
        f"/jobs/{job.pk}/candidates/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "leaving out 1 rejected or hired" in page and "Show rejected and hired" in page
    assert ranked_names(teammate_client, job, show="decided") == ["Tara Twin", "Gus Twin"]


def test_a_hired_candidate_leaves_the_ranking_too(desk, recruiter):
    pipeline.application_move(job=desk["job"], resume=desk["gus"], actor=recruiter, stage="hired")
    from django.test import Client

    client = Client()
    client.force_login(recruiter)
    assert ranked_names(client, desk["job"]) == ["Tara Twin"]


def test_the_desk_ranking_leaves_decided_candidates_out_unless_asked_for(
    desk, recruiter, recruiter_client
):
    job, tara, gus = desk["job"], desk["tara"], desk["gus"]
    pipeline.application_move(job=job, resume=gus, actor=recruiter, stage="hired")
    viewer = recruiter_client.session
    ranked = desk_ranking(job=job, user=recruiter, viewer=viewer)
    assert [row["resume"].pk for row in ranked["rows"]] == [tara.pk]
    everyone = desk_ranking(job=job, user=recruiter, viewer=viewer, show_decided=True)
    applications = {row["resume"].pk: row["application"] for row in everyone["rows"]}
    assert applications.keys() == {tara.pk, gus.pk}
    assert applications[gus.pk].stage == "hired" and applications[tara.pk] is None


def test_the_desk_lists_the_candidates_of_a_stage_and_counts_each_stage(
    desk, recruiter, recruiter_client
):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="shortlisted")
    rows = desk_stage_rows(job=job, stage="shortlisted", viewer=recruiter_client.session)
    assert [row["resume"].pk for row in rows] == [tara.pk]
    assert rows[0]["undo"] is not None  # the move just made can be taken back
    tabs = desk_stage_tabs(job=job)
    assert ("shortlisted", Application.Stage.SHORTLISTED.label, 1) in tabs["stage_tabs"]
    assert tabs["decided_count"] == 0


def test_undo_moves_a_rejected_candidate_back_to_where_they_were(desk, recruiter, recruiter_client):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="contacted")
    pipeline.application_move(
        job=job, resume=tara, actor=recruiter, stage="rejected", reason="other"
    )
    page = recruiter_client.get(
        f"/jobs/{job.pk}/candidates/", {"stage": "rejected"}
    ).content.decode()
    assert "back to contacted" in page and ">Undo<" in page
    rejection = ApplicationEvent.objects.get(to_stage="rejected")
    response = recruiter_client.post(
        f"/jobs/{job.pk}/candidates/{tara.pk}/stage/undo/", {"event": rejection.pk}
    )
    assert response.status_code == 302
    assert stages(job) == {tara.pk: "contacted"}


def test_a_mis_clicked_forward_move_is_undone_from_the_ranking(desk, recruiter_client):
    job, tara = desk["job"], desk["tara"]
    url = f"/jobs/{job.pk}/candidates/{tara.pk}/stage/"
    recruiter_client.post(url, {"stage": "shortlisted"}, HTTP_HX_REQUEST="true")
    moved = recruiter_client.post(
        url, {"stage": "contacted", "place": "row"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    # The next move keeps the focus (first in the control); Undo sits after it.
    assert moved.index(f'id="next-{job.pk}-{tara.pk}"') < moved.index(
        f'id="undo-{job.pk}-{tara.pk}"'
    )
    assert "Undo: move Tara Twin back to shortlisted" in moved
    invite = ApplicationEvent.objects.filter(kind="stage").order_by("id").last()
    assert f'name="event" value="{invite.pk}"' in moved
    response = recruiter_client.post(
        url + "undo/", {"event": invite.pk, "place": "row"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Shortlisted" in body and "Mark contacted" in body
    assert f'id="undo-{job.pk}-{tara.pk}"' not in body  # nothing left to undo: focus goes on
    assert 'Contacted <span class="count">0</span>' in body
    assert stages(job) == {tara.pk: "shortlisted"}
    undo = ApplicationEvent.objects.filter(kind="stage").order_by("id").last()
    assert (undo.from_stage, undo.to_stage, undo.undoes_id) == (
        "contacted",
        "shortlisted",
        invite.pk,
    )


def test_the_candidate_page_shows_an_undo_on_the_timeline(desk, recruiter, recruiter_client):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="interviewing")
    response = recruiter_client.post(
        f"/jobs/{job.pk}/candidates/{tara.pk}/stage/undo/",
        {"place": "pair"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Undid the move to interviewing: back to <strong>sourced</strong>" in body
    assert 'id="timeline" hx-swap-oob="true"' in body


def test_undo_with_nothing_to_undo_answers_409_in_place(desk, recruiter_client):
    job, tara = desk["job"], desk["tara"]
    url = f"/jobs/{job.pk}/candidates/{tara.pk}/stage/undo/"
    response = recruiter_client.post(url, {"place": "row"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "There is no stage change to undo." in response.content.decode()
    garbled = recruiter_client.post(url, {"event": "x"}, HTTP_HX_REQUEST="true")
    assert garbled.status_code == 400
    without_js = recruiter_client.post(url)
    assert without_js.status_code == 302
    assert not Application.objects.exists()


def test_only_the_team_can_undo_and_another_teams_recruiter_gets_404(
    desk, recruiter, teammate_client, other_client
):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="contacted")
    url = f"/jobs/{job.pk}/candidates/{tara.pk}/stage/undo/"
    assert other_client.post(url, HTTP_HX_REQUEST="true").status_code == 404
    assert stages(job) == {tara.pk: "contacted"}
    assert teammate_client.post(url, HTTP_HX_REQUEST="true").status_code == 200
    assert stages(job) == {tara.pk: "sourced"}


def test_a_stage_tab_lists_its_candidates(desk, recruiter, recruiter_client):
    pipeline.application_move(
        job=desk["job"], resume=desk["gus"], actor=recruiter, stage="interviewing"
    )
    body = recruiter_client.get(
        f"/jobs/{desk['job'].pk}/candidates/", {"stage": "interviewing"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Gus Twin" in body and "Tara Twin" not in body
    assert 'id="tab-interviewing" aria-current="page"' in body


def test_the_candidate_page_shows_the_stage_notes_and_timeline(desk, recruiter_client, teammate):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_move(job=job, resume=tara, actor=teammate, stage="contacted")
    response = recruiter_client.post(
        f"/jobs/{job.pk}/candidates/{tara.pk}/notes/",
        {"text": "Salary fits"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Salary fits" in response.content.decode() and "Note added." in response.content.decode()
    page = recruiter_client.get(f"/jobs/{job.pk}/candidates/{tara.pk}/").content.decode()
    assert "Moved from shortlisted to <strong>contacted</strong>" not in page  # it skipped one
    assert "Moved from sourced to <strong>contacted</strong>" in page
    assert "tom" in page and "Salary fits" in page


def test_an_empty_note_is_an_inline_error(desk, recruiter_client):
    response = recruiter_client.post(
        f"/jobs/{desk['job'].pk}/candidates/{desk['tara'].pk}/notes/",
        {"text": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert 'id="id_text-error"' in response.content.decode()
    assert not ApplicationEvent.objects.filter(kind="note").exists()


def test_stage_moves_work_without_javascript(desk, recruiter_client):
    job, tara = desk["job"], desk["tara"]
    response = recruiter_client.post(
        f"/jobs/{job.pk}/candidates/{tara.pk}/stage/",
        {"stage": "shortlisted", "next": f"/jobs/{job.pk}/"},
    )
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    response = recruiter_client.post(
        f"/jobs/{job.pk}/candidates/{tara.pk}/stage/", {"stage": "rejected"}
    )
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/candidates/{tara.pk}/"
    assert stages(job) == {tara.pk: "shortlisted"}  # no reason: refused, said on the page


def test_another_team_cannot_see_or_move_the_pipeline(desk, other_client):
    job, tara = desk["job"], desk["tara"]
    assert other_client.get(f"/jobs/{job.pk}/candidates/{tara.pk}/").status_code == 404
    assert other_client.get(f"/jobs/{job.pk}/candidates/", {"stage": "sourced"}).status_code == 404
    moved = other_client.post(f"/jobs/{job.pk}/candidates/{tara.pk}/stage/", {"stage": "hired"})
    assert moved.status_code == 404
    noted = other_client.post(f"/jobs/{job.pk}/candidates/{tara.pk}/notes/", {"text": "x"})
    assert noted.status_code == 404
    assert not Application.objects.exists()


def test_anonymous_visitors_cannot_move_candidates(desk, client):
    response = client.post(
        f"/jobs/{desk['job'].pk}/candidates/{desk['tara'].pk}/stage/", {"stage": "hired"}
    )
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Application.objects.exists()


def test_a_weak_pool_says_so_plainly(
    recruiter, skills, recruiter_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resume_create_from_text(
            owner=recruiter, text="Carla Ledger\nAccountant.\n\nSkills\nExcel, Payroll\n"
        )
        job = job_create(
            owner=recruiter,
            title="Platform Engineer",
            description="<h3>Requirements</h3><ul><li>Kubernetes</li><li>Go</li><li>AWS</li><li>Docker</li></ul>",
        )
    body = recruiter_client.get(
        f"/jobs/{job.pk}/candidates/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "No strong match: the best candidate covers 0 of 4 must-haves." in body


def test_a_strong_pool_gets_no_weak_pool_message(desk, recruiter_client):
    body = recruiter_client.get(f"/jobs/{desk['job'].pk}/candidates/", HTTP_HX_REQUEST="true")
    assert "No strong match" not in body.content.decode()


# --- API --------------------------------------------------------------------------------------


def test_the_api_adds_moves_notes_and_lists_the_timeline(desk, api_client, recruiter):
    job, tara = desk["job"], desk["tara"]
    created = api_client.post(
        "/api/v1/applications/", {"job": job.pk, "resume": tara.pk}, format="json"
    )
    assert created.status_code == 201 and created.json()["stage"] == "sourced"
    again = api_client.post(
        "/api/v1/applications/", {"job": job.pk, "resume": tara.pk}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    app_id = created.json()["id"]
    moved = api_client.post(
        f"/api/v1/applications/{app_id}/move/", {"stage": "offer"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "offer"
    note = api_client.post(
        f"/api/v1/applications/{app_id}/notes/", {"text": "Offer sent"}, format="json"
    )
    assert note.status_code == 201 and note.json()["kind"] == "note"
    events = api_client.get(f"/api/v1/applications/{app_id}/events/").json()["results"]
    assert [e["kind"] for e in events] == ["note", "stage", "created"]
    assert events[1] | {"id": 0, "created_at": ""} == {
        "id": 0,
        "application": app_id,
        "job": job.pk,
        "resume": tara.pk,
        "kind": "stage",
        "from_stage": "sourced",
        "to_stage": "offer",
        "rejection_reason": "",
        "note": "",
        "undoes": None,
        "actor": "rita",
        "created_at": "",
    }


def test_the_api_undoes_the_last_move_as_the_pages_do(desk, api_client, other_api):
    created = api_client.post(
        "/api/v1/applications/", {"job": desk["job"].pk, "resume": desk["tara"].pk}, format="json"
    )
    app_id = created.json()["id"]
    url = f"/api/v1/applications/{app_id}/undo/"
    nothing = api_client.post(url, {}, format="json")
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_to_undo"
    api_client.post(f"/api/v1/applications/{app_id}/move/", {"stage": "offer"}, format="json")
    move = api_client.get(f"/api/v1/applications/{app_id}/events/").json()["results"][0]
    assert other_api.post(url, {"event": move["id"]}, format="json").status_code == 404
    stale = api_client.post(url, {"event": move["id"] + 1000}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "moved_since"
    undone = api_client.post(url, {"event": move["id"]}, format="json")
    assert undone.status_code == 200 and undone.json()["stage"] == "sourced"
    events = api_client.get(f"/api/v1/applications/{app_id}/events/").json()["results"]
    assert (events[0]["from_stage"], events[0]["to_stage"], events[0]["undoes"]) == (
        "offer",
        "sourced",
        move["id"],
    )
    assert api_client.post(url, {}, format="json").status_code == 409


def test_the_api_refuses_a_rejection_without_a_reason_naming_the_field(desk, api_client):
    created = api_client.post(
        "/api/v1/applications/", {"job": desk["job"].pk, "resume": desk["tara"].pk}, format="json"
    )
    response = api_client.post(
        f"/api/v1/applications/{created.json()['id']}/move/", {"stage": "rejected"}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()["fields"]


def test_the_stage_change_audit_is_listed_for_the_team_only(
    desk, recruiter, teammate_api, other_api
):
    pipeline.application_move(
        job=desk["job"], resume=desk["tara"], actor=recruiter, stage="contacted"
    )
    audit = teammate_api.get(
        "/api/v1/application-events/", {"kind": "stage", "job": desk["job"].pk}
    )
    assert [(e["to_stage"], e["actor"]) for e in audit.json()["results"]] == [("contacted", "rita")]
    assert other_api.get("/api/v1/application-events/").json()["results"] == []
    assert other_api.get("/api/v1/applications/").json()["results"] == []
    app_id = Application.objects.get().pk
    assert other_api.get(f"/api/v1/applications/{app_id}/").status_code == 404
    refused = other_api.post(
        f"/api/v1/applications/{app_id}/move/", {"stage": "hired"}, format="json"
    )
    assert refused.status_code == 404
    added = other_api.post(
        "/api/v1/applications/", {"job": desk["job"].pk, "resume": desk["tara"].pk}, format="json"
    )
    assert added.status_code == 404


def test_anonymous_api_clients_see_no_pipeline(desk, anon_api):
    assert anon_api.get("/api/v1/applications/").status_code in (401, 403)
    assert anon_api.get("/api/v1/application-events/").status_code in (401, 403)


def test_the_feedback_endpoint_still_works_and_moves_the_stage(desk, api_client):
    response = api_client.post(
        "/api/v1/feedback/",
        {"job": desk["job"].pk, "resume": desk["gus"].pk, "decision": "reject", "note": "Go only"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["decision"] == "reject"
    assert MatchFeedback.objects.get().decision == "reject"
    assert stages(desk["job"]) == {desk["gus"].pk: "rejected"}
    assert api_client.get("/api/v1/feedback/").json()["results"][0]["decision"] == "reject"


def test_the_feedback_endpoint_refuses_another_teams_job(desk, other_api):
    response = other_api.post(
        "/api/v1/feedback/",
        {"job": desk["job"].pk, "resume": desk["gus"].pk, "decision": "reject"},
        format="json",
    )
    assert response.status_code in (400, 404)
    assert not MatchFeedback.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_earlier_feedback_into_applications(django_user_model):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before = [
        ("matching", "0006_driftreport_outcome"),
        ("recruiting", "0014_auditevent_requirements_changed"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="legacy")
    resume = old.get_model("recruiting", "Resume").objects.create(owner_id=user.pk, sha256="a" * 64)
    other = old.get_model("recruiting", "Resume").objects.create(owner_id=user.pk, sha256="b" * 64)
    job = old.get_model("recruiting", "Job").objects.create(title="Legacy job", external_id="x")
    feedback = old.get_model("matching", "MatchFeedback")
    feedback.objects.create(
        job_id=job.pk, resume_id=resume.pk, user_id=user.pk, decision="shortlist"
    )
    feedback.objects.create(
        job_id=job.pk, resume_id=other.pk, user_id=user.pk, decision="reject", note="No"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert stages(job) == {resume.pk: "shortlisted", other.pk: "rejected"}
    rejected = Application.objects.get(resume_id=other.pk)
    assert rejected.rejection_reason == "not_a_fit"
    assert rejected.events.get(kind="stage").note == "No"
    assert rejected.stage_changed_at <= timezone.now()
    assert pipeline.labelled_pairs() == [(job.pk, resume.pk, 1), (job.pk, other.pk, 0)]


def test_erasing_or_anonymising_a_candidate_removes_the_notes_written_about_them(desk, recruiter):
    from recruiting.services.erasure import resumes_anonymise, resumes_erase

    job, tara, gus = desk["job"], desk["tara"], desk["gus"]
    pipeline.application_move(
        job=job,
        resume=tara,
        actor=recruiter,
        stage="rejected",
        reason="other",
        note="Tara Twin said no",
    )
    pipeline.application_note_add(job=job, resume=tara, actor=recruiter, text="Tara Twin, 555 0101")
    pipeline.application_note_add(job=job, resume=gus, actor=recruiter, text="Gus Twin, call back")
    resumes_anonymise(resumes=[tara])
    notes = ApplicationEvent.objects.filter(application__resume=tara)
    assert not notes.filter(kind="note").exists() and not notes.exclude(note="").exists()
    # The decision stays, for the statistics and the training labels.
    assert Application.objects.get(resume=tara).stage == "rejected"
    resumes_erase(resumes=[gus], actor=recruiter, via="api")
    assert not ApplicationEvent.objects.filter(note__contains="Gus Twin").exists()


@pytest.mark.parametrize("url", ["/api/v1/application-events/", "/api/v1/jobs/"])
@pytest.mark.parametrize(
    ("since", "status"),
    [("0213-11-08T22:48:56+23:48", 200), ("0001-01-01T00:00:00+23:00", 400), ("yesterday", 400)],
)
def test_a_time_filter_with_an_extreme_offset_is_read_in_utc_or_refused(
    api_client, url, since, status
):
    key = "since" if "events" in url else "posted_after"
    assert api_client.get(url, {key: since}).status_code == status


def test_the_admin_shows_which_stage_change_an_undo_takes_back(desk, recruiter, staff_client):
    job, tara = desk["job"], desk["tara"]
    pipeline.application_move(job=job, resume=tara, actor=recruiter, stage="offer")
    app = pipeline.application_undo(job=job, resume=tara, actor=recruiter)
    page = staff_client.get(f"/admin/matching/application/{app.pk}/change/")
    assert page.status_code == 200
    undone = ApplicationEvent.objects.get(to_stage="offer")
    assert f"stage on application {app.pk}" in page.content.decode()
    assert ApplicationEvent.objects.get(undoes=undone).to_stage == "sourced"
