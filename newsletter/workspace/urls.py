"""URL map of the workspace (namespace `workspace`)."""

from django.urls import path

from . import (
    articles,
    auth,
    broadcasts,
    editor,
    editor_live,
    embed,
    lifecycle,
    pages,
    practice_settings,
    sending_pause,
    sequence,
    settings_gentle,
    settings_words,
)

app_name = "workspace"

live = [("preview", editor_live.PREVIEW), ("autosave", editor_live.AUTOSAVE)]
live.append(("test", editor_live.TEST))

urlpatterns = [
    path("", pages.sequences, name="sequences"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("sequences/<int:pk>/", sequence.sequence, name="sequence"),
    path("sequences/<int:pk>/new/", editor.step_new, name="step_new"),
    path("steps/<int:pk>/", editor.step_edit, name="step_edit"),
    path("steps/<int:pk>/versions/", editor_live.step_versions, name="step_edit_versions"),
    path("steps/<int:pk>/discard/", editor_live.step_discard, name="step_edit_discard"),
    path("broadcasts/<int:pk>/edit/", editor.broadcast_edit, name="broadcast_edit"),
    path(
        "broadcasts/<int:pk>/edit/versions/",
        editor_live.broadcast_versions,
        name="broadcast_versions",
    ),
    path(
        "broadcasts/<int:pk>/edit/discard/",
        editor_live.broadcast_discard,
        name="broadcast_discard",
    ),
    path("me/address/", editor_live.my_address, name="my_address"),
    path("sequences/<int:pk>/status/", lifecycle.sequence_status, name="sequence_status"),
    path("articles/new/", articles.article_new, name="article_new"),
    path("broadcasts/", broadcasts.broadcasts_list, name="broadcasts"),
    path("broadcasts/new/", broadcasts.broadcast_new, name="broadcast_new"),
    path("broadcasts/<int:pk>/", broadcasts.broadcast, name="broadcast"),
    path("broadcasts/<int:pk>/send/", broadcasts.broadcast_send, name="broadcast_send"),
    path("broadcasts/<int:pk>/cancel/", broadcasts.broadcast_cancel, name="broadcast_cancel"),
    path("broadcasts/<int:pk>/resume/", broadcasts.broadcast_resume, name="broadcast_resume"),
    path("settings/", practice_settings.index, name="settings"),
    path("settings/details/", practice_settings.details, name="settings_details"),
    path("settings/colour/", practice_settings.colour, name="settings_colour"),
    path("settings/sending-times/", practice_settings.schedule, name="settings_schedule"),
    path("settings/consent/", settings_words.consent, name="settings_consent"),
    path("settings/words/", settings_words.words, name="settings_wording"),
    path("settings/blog/", embed.embed, name="settings_embed"),
    path("settings/blog/<int:pk>/remove/", embed.remove_origin, name="settings_origin_remove"),
    path("settings/pause/", sending_pause.switch, name="settings_pause"),
    path("settings/pace/", settings_gentle.pacing, name="settings_pacing"),
    path("settings/tone/", settings_gentle.tone, name="settings_tone"),
]
for part, views in live:
    urlpatterns += [
        path(f"steps/<int:pk>/{part}/", views["step"], name=f"step_edit_{part}"),
        path(f"sequences/<int:pk>/new/{part}/", views["new"], name=f"step_new_{part}"),
        path(f"broadcasts/<int:pk>/edit/{part}/", views["broadcast"], name=f"broadcast_{part}"),
    ]
