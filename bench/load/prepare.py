"""Prepare the load run's database (already migrated, demo data loaded): optionally scale it like
bench_match.py, then write a DRF token and a logged-in session for the demo recruiter, and the
ids locust picks from.

    python bench/load/prepare.py --out DIR [--jobs N --resumes M]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=0, help="scale the jobs up to this many")
    parser.add_argument("--resumes", type=int, default=0, help="scale the resumes up to this many")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    import numpy as np
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from recruiting.models import Job, JobEmbedding, Resume, ResumeEmbedding

    if args.jobs or args.resumes:
        from bench_match import scale

        rng = np.random.default_rng(0)
        scale(Job, JobEmbedding, "job", args.jobs, rng)
        scale(Resume, ResumeEmbedding, "resume", args.resumes, rng)

    # The demo recruiter's team holds the demo jobs and resumes: every call below is allowed.
    user = get_user_model().objects.get(username="recruiter")
    token, _ = Token.objects.get_or_create(user=user)
    ids = {
        "jobs": list(Job.objects.visible_to(user).open().values_list("id", flat=True)),
        "resumes": list(Resume.objects.visible_to(user).ready().values_list("id", flat=True)),
    }
    if not ids["jobs"] or not ids["resumes"]:
        raise SystemExit("the demo data has no open jobs or no ready resumes")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ids.json").write_text(json.dumps(ids))
    (args.out / "token").write_text(token.key)
    (args.out / "session").write_text(logged_in_session(user))
    print(f"{len(ids['jobs'])} open jobs, {len(ids['resumes'])} ready resumes; token written")


def logged_in_session(user) -> str:
    """The key of a session logged in as ``user``, as the login page would store it. The page
    users send it as their cookie: production cookies are Secure, and the run is plain http."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


if __name__ == "__main__":
    main()
