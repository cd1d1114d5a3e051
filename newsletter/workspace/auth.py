"""Logging in and out of the workspace (Django's own views, so login throttling applies)."""

from django.contrib.auth import views

login = views.LoginView.as_view(
    template_name="workspace/login.html", redirect_authenticated_user=True
)
logout = views.LogoutView.as_view(next_page="workspace:login")
