"""URL map of the workspace (namespace `workspace`)."""

from django.urls import path

from . import auth, embed, pages, practice_settings, sending_pause, settings_words

app_name = "workspace"

urlpatterns = [
    path("", pages.sequences, name="sequences"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("settings/", practice_settings.index, name="settings"),
    path("settings/details/", practice_settings.details, name="settings_details"),
    path("settings/colour/", practice_settings.colour, name="settings_colour"),
    path("settings/sending-times/", practice_settings.schedule, name="settings_schedule"),
    path("settings/consent/", settings_words.consent, name="settings_consent"),
    path("settings/words/", settings_words.words, name="settings_wording"),
    path("settings/blog/", embed.embed, name="settings_embed"),
    path("settings/blog/<int:pk>/remove/", embed.remove_origin, name="settings_origin_remove"),
    path("settings/pause/", sending_pause.switch, name="settings_pause"),
]
