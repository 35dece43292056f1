"""Log-in: Django's view, which also remembers when the user last logged in before, so the
dashboard can show what is new since their last visit (read-only pages never write); and the
site's icon at the address every browser asks for."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET

PREVIOUS_LOGIN = "previous_login"


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        previous = form.get_user().last_login  # read before the login updates it
        response = super().form_valid(form)
        self.request.session[PREVIOUS_LOGIN] = previous.isoformat() if previous else ""
        return response


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site (the admin has no icon link): the static one."""
    return redirect(static("favicon.ico"), permanent=True)
