"""URL map: public pages for subscribers, the therapist's workspace, staff pages, the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from .api import api
from .views import (
    archive,
    articles,
    data,
    health,
    hooks,
    links,
    preferences,
    staff,
    subscribe,
    tracking,
)

newsletter_urls = [
    path("subscribe/", subscribe.subscribe, name="subscribe"),
    path("confirm/<str:token>/", links.confirm, name="confirm"),
    path("confirm/<str:token>/resend/", links.resend_confirmation, name="resend_confirmation"),
    path("unsubscribe/<str:token>/", links.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", preferences.preferences, name="preferences"),
    # Links from before data rights needed a fresh link: both lead to the offer of one.
    path("preferences/<str:token>/data.json", preferences.data_request, name="download"),
    path("preferences/<str:token>/delete/", preferences.data_request, name="delete"),
    path("data/<str:token>/", data.data_rights_page, name="data_rights"),
    path("c/<str:token>/", tracking.click, name="click"),
    path("e/<str:token>/", tracking.view_online, name="view_online"),
    path("hooks/booked/", hooks.booked, name="hook_booked"),
    path("hooks/calendly/", hooks.calendly_events, name="hook_calendly"),
    path("hooks/calcom/", hooks.calcom_events, name="hook_calcom"),
    path("admin/outbox/", staff.outbox, name="outbox"),
    path("admin/outbox/<str:name>", staff.outbox_message, name="outbox_message"),
    path("admin/embed/", staff.embed, name="embed"),
    path("admin/articles/new/", articles.new_from_article, name="article_new"),
]

archive_urls = [
    path("", archive.index, name="index"),
    path("feed/", archive.ArchiveFeed(), name="feed"),
    path("<int:pk>/", archive.entry, name="entry"),
]

urlpatterns = [
    path("", include((newsletter_urls, "newsletter"))),
    path("archive/", include((archive_urls, "archive"))),
    path("workspace/", include("newsletter.workspace.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # /healthz and /readyz are answered by views.health.Probes before any host check.
    path("metrics", health.metrics_page, name="metrics"),
    # The configured ESP's tracking webhook only (bounces, complaints); see the README for
    # the secret each provider needs. Mandrill's also answers at anymail's /anymail/mandrill/.
    path("anymail/<str:esp>/tracking/", hooks.provider_events, name="esp_tracking"),
    path("anymail/mandrill/", hooks.provider_events, {"esp": "mandrill"}),
    path("", RedirectView.as_view(pattern_name="newsletter:subscribe")),
]
