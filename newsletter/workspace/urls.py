"""URL map of the workspace (namespace `workspace`)."""

from django.urls import path

from . import articles, auth, broadcasts, lifecycle, pages

app_name = "workspace"

urlpatterns = [
    path("", pages.sequences, name="sequences"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("sequences/<int:pk>/status/", lifecycle.sequence_status, name="sequence_status"),
    path("articles/new/", articles.article_new, name="article_new"),
    path("broadcasts/", broadcasts.broadcasts_list, name="broadcasts"),
    path("broadcasts/new/", broadcasts.broadcast_new, name="broadcast_new"),
    path("broadcasts/<int:pk>/", broadcasts.broadcast, name="broadcast"),
    path("broadcasts/<int:pk>/send/", broadcasts.broadcast_send, name="broadcast_send"),
    path("broadcasts/<int:pk>/cancel/", broadcasts.broadcast_cancel, name="broadcast_cancel"),
    path("broadcasts/<int:pk>/resume/", broadcasts.broadcast_resume, name="broadcast_resume"),
]
