"""People in the workspace: find subscribers, one person's page, its confirmed actions, suppress."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from ..models import Audience, Practice, Subscriber
from ..sequences import booking, words
from ..subscribers import data_rights, lists, people, subscriptions
from .access import staff_only

PER_PAGE = 50
ACTIONS = {
    "pause": "Pause their emails",
    "resume": "Resume their emails",
    "unsubscribe": "Unsubscribe them",
    "booked": "Mark as booked",
    "download": "Download their data",
    "erase": "Erase their data",
}


def _search(request: HttpRequest) -> tuple[people.Search, str]:
    status = request.GET.get("status", "")
    audience = request.GET.get("audience", "")
    error = ""
    if status not in ("", *Subscriber.Status.values):
        status, error = "", "That status is not one of the list; showing every status."
    if not audience.isdigit() or not Audience.objects.filter(pk=audience).exists():
        audience = ""
    return people.Search(request.GET.get("q", "")[:200], status, int(audience or 0)), error


@staff_only
def people_list(request: HttpRequest):
    search, error = _search(request)
    page = Paginator(people.find(search), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "section": "people",
        "search": search,
        "error": error,
        "page": page,
        "statuses": people.status_counts(search),
        "audiences": people.audience_counts(),
        "total": page.paginator.count,
    }
    template = "workspace/people.html#results" if request.htmx else "workspace/people.html"
    return render(request, template, context)


@staff_only
def person(request: HttpRequest, pk: int):
    subscriber = get_object_or_404(Subscriber, pk=pk)
    return render(request, "workspace/person.html", _person_context(subscriber))


def _person_context(subscriber: Subscriber) -> dict:
    zone = Practice.get().default_time_zone
    events = [
        (event, words.moment(event.created_at, zone)) for event in subscriber.consent_events.all()
    ]
    return {
        "section": "people",
        "subscriber": subscriber,
        "audiences": subscriber.audiences.order_by("name"),
        "events": events,
        "places": people.places(subscriber, timezone.now()),
        "emails": people.sent_emails(subscriber, zone),
        "actions": [(name, ACTIONS[name]) for name in people.actions(subscriber)],
        "pause_weeks": subscriptions.PAUSE_WEEKS,
    }


@staff_only
def person_action(request: HttpRequest, pk: int, action: str):
    subscriber = get_object_or_404(Subscriber, pk=pk)
    context = _person_context(subscriber) | {"action": action, "title": ACTIONS.get(action)}
    if action not in people.actions(subscriber):
        context["refusal"] = "That cannot be done for this person now; nothing was changed."
        return render(request, "workspace/person_action.html", context, status=400)
    if action == "download" and request.method == "POST":
        return _download(subscriber)
    if request.method != "POST":
        return render(request, "workspace/person_action.html", context)
    weeks = request.POST.get("weeks", "")
    if action == "pause" and (not weeks.isdigit() or int(weeks) not in subscriptions.PAUSE_WEEKS):
        context["weeks_error"] = "Choose how long the pause lasts."
        return render(request, "workspace/person_action.html", context, status=400)
    messages.success(request, _perform(subscriber, action, weeks))
    return redirect("workspace:person", subscriber.pk)


def _perform(subscriber: Subscriber, action: str, weeks: str) -> str:
    if action == "pause":
        subscriptions.pause(subscriber, int(weeks), channel=people.CHANNEL)
        return f"Paused for {weeks} weeks. Their emails start again on their own after that."
    if action == "resume":
        subscriptions.resume(subscriber, channel=people.CHANNEL)
        return "Resumed. Their emails pick up where they left off."
    if action == "unsubscribe":
        subscriptions.unsubscribe(subscriber, people.CHANNEL)
        return "Unsubscribed. They get no more emails."
    if action == "booked":
        ended = booking.booked_by_practice(subscriber)
        return f"Marked as booked. {_ended(ended)}"
    data_rights.erase(subscriber, channel=people.CHANNEL)
    return "Erased. Their address is kept only as a code, so it is never mailed again."


def _ended(count: int) -> str:
    if not count:
        return "They were in no sequence; broadcasts still reach them."
    return (
        f"Their place in {count} sequence{'s' * (count != 1)} ended; broadcasts still reach them."
    )


def _download(subscriber: Subscriber) -> HttpResponse:
    body = json.dumps(data_rights.export(subscriber), indent=2, ensure_ascii=False)
    answer = HttpResponse(body, content_type="application/json; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="subscriber-{subscriber.pk}.json"'
    return answer


@staff_only
def suppress(request: HttpRequest):
    context = {"section": "people", "address": ""}
    if request.method != "POST":
        return render(request, "workspace/suppress.html", context)
    context["address"] = request.POST.get("address", "")[:300]
    try:
        found = people.suppress(context["address"])
    except ValidationError as error:
        context["address_error"] = error.messages[0].replace("your email", "the email")
    except people.AlreadySuppressed:
        context["address_error"] = "This address is already on the never-mail list."
    if "address_error" in context:
        return render(request, "workspace/suppress.html", context, status=400)
    told = " They were on your list and are now unsubscribed." if found else ""
    messages.success(request, f"That address will never be mailed again.{told}")
    return redirect("workspace:people")


@staff_only
def audience_csv(request: HttpRequest, pk: int):
    audience = get_object_or_404(Audience, pk=pk)
    answer = StreamingHttpResponse(
        lists.csv_lines(audience), content_type="text/csv; charset=utf-8"
    )
    answer["Content-Disposition"] = f'attachment; filename="{audience.slug}.csv"'
    return answer
