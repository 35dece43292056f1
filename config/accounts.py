"""Log-in: Django's view, which also remembers when the user last logged in before, so the
dashboard can show what is new since their last visit (read-only pages never write)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

PREVIOUS_LOGIN = "previous_login"


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        previous = form.get_user().last_login  # read before the login updates it
        response = super().form_valid(form)
        self.request.session[PREVIOUS_LOGIN] = previous.isoformat() if previous else ""
        return response
