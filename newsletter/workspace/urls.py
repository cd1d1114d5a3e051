"""URL map of the workspace (namespace `workspace`)."""

from django.urls import path

from . import (
    articles,
    auth,
    broadcasts,
    connections,
    editor,
    editor_live,
    embed,
    imports,
    lifecycle,
    numbers,
    pages,
    passwords,
    people,
    practice_settings,
    sending_pause,
    sequence,
    settings_gentle,
    settings_words,
    two_factor,
)

app_name = "workspace"

live = [("preview", editor_live.PREVIEW), ("autosave", editor_live.AUTOSAVE)]
live.append(("test", editor_live.TEST))

urlpatterns = [
    path("", pages.sequences, name="sequences"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("login/code/", two_factor.verify, name="two_factor"),
    path("login/setup/", two_factor.setup, name="two_factor_setup"),
    path("password/change/", passwords.change, name="password_change"),
    path("password/change/done/", passwords.change_done, name="password_change_done"),
    path("password/reset/", passwords.reset, name="password_reset"),
    path("password/reset/sent/", passwords.reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        passwords.reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", passwords.reset_complete, name="password_reset_complete"),
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
    path("broadcasts/<int:pk>/archive/", broadcasts.broadcast_archive, name="broadcast_archive"),
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
    path("people/", people.people_list, name="people"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/<int:pk>/<slug:action>/", people.person_action, name="person_action"),
    path("people/never-mail/", people.suppress, name="suppress"),
    path("people/audiences/<int:pk>.csv", people.audience_csv, name="audience_csv"),
    path("people/import/", imports.import_new, name="import_new"),
    path("people/import/<int:pk>/", imports.import_page, name="import"),
    path("people/import/<int:pk>/report.csv", imports.import_report, name="import_report"),
    path("numbers/", numbers.overview, name="numbers"),
    path("numbers/sequences/<int:pk>/", numbers.funnel, name="funnel"),
    path("settings/api/", connections.tokens, name="settings_tokens"),
    path("settings/api/<int:pk>/revoke/", connections.token_revoke, name="settings_token_revoke"),
    path("settings/webhooks/", connections.endpoints, name="settings_webhooks"),
    path(
        "settings/webhooks/<int:pk>/remove/",
        connections.endpoint_remove,
        name="settings_webhook_remove",
    ),
    path("settings/archive/", connections.archive, name="settings_archive"),
    path("settings/pace/", settings_gentle.pacing, name="settings_pacing"),
    path("settings/tone/", settings_gentle.tone, name="settings_tone"),
]
for part, views in live:
    urlpatterns += [
        path(f"steps/<int:pk>/{part}/", views["step"], name=f"step_edit_{part}"),
        path(f"sequences/<int:pk>/new/{part}/", views["new"], name=f"step_new_{part}"),
        path(f"broadcasts/<int:pk>/edit/{part}/", views["broadcast"], name=f"broadcast_{part}"),
    ]

from . import timeline  # noqa: E402 (each later page adds its own lines here)

urlpatterns.append(path("upcoming/", timeline.upcoming, name="upcoming"))
