"""URL map of the workspace (namespace `workspace`)."""

from django.urls import path

from . import auth, pages

app_name = "workspace"

urlpatterns = [
    path("", pages.sequences, name="sequences"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
]
