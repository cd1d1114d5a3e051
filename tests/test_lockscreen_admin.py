"""The admin shows lock-screen warnings beside subject and preview fields and never blocks."""

import pytest
from bs4 import BeautifulSoup

from newsletter.models import Broadcast, Practice, Sequence
from tests import sample_sequence

pytestmark = pytest.mark.urls("tests.lockscreen_urls")


def warnings_after(html: str, field: str) -> list[str]:
    field_input = BeautifulSoup(html, "html.parser").find("input", {"name": field})
    return [li.get_text() for li in field_input.find_next_sibling("ul").find_all("li")]


@pytest.fixture
def broadcast(audience):
    return sample_sequence.broadcast([audience])


def test_a_blunt_subject_is_warned_about_next_to_the_field(admin_client, broadcast):
    broadcast.subject, broadcast.preview = "Ketamine and depression", "A calm preview"
    broadcast.save()
    html = admin_client.get(f"/admin/newsletter/broadcast/{broadcast.pk}/change/").content.decode()
    subject_warnings = warnings_after(html, "subject")
    assert [w.split("”")[0].strip("“") for w in subject_warnings] == ["depression", "ketamine"]
    assert "gentler phrasing" in subject_warnings[0]
    assert warnings_after(html, "preview") == []


def test_saving_a_blunt_subject_is_allowed_with_a_warning_message(
    admin_client, broadcast, audience
):
    response = admin_client.post(
        f"/admin/newsletter/broadcast/{broadcast.pk}/change/",
        {
            "slug": broadcast.slug,
            "subject": "Living with PTSD",
            "preview": "",
            "body": "Words.",
            "audiences": [audience.pk],
        },
        follow=True,
    )
    broadcast.refresh_from_db()
    assert broadcast.subject == "Living with PTSD"
    notes = [str(m) for m in response.context["messages"]]
    assert any("“ptsd”" in note and "lock screen" in note for note in notes)


def test_the_practices_own_word_list_is_used(admin_client, broadcast):
    Practice.objects.update(lock_screen_words="season = this time of year")
    html = admin_client.get(f"/admin/newsletter/broadcast/{broadcast.pk}/change/").content.decode()
    assert warnings_after(html, "subject") == [
        "“season” may be read on a lock screen or shared device; "
        "consider gentler phrasing such as “this time of year”."
    ]


def test_step_inlines_carry_the_warnings_too(admin_client, audience):
    sequence = sample_sequence.sequence(audience)
    sequence.steps.filter(position=2).update(preview="Notes on trauma")
    html = admin_client.get(f"/admin/newsletter/sequence/{sequence.pk}/change/").content.decode()
    assert warnings_after(html, "steps-1-preview")[0].startswith("“trauma”")
    assert warnings_after(html, "steps-0-subject") == []
    assert "newsletter/lockscreen.js" in html
    assert Sequence.objects.count() == 1 and Broadcast.objects.count() == 0


@pytest.mark.browser
def test_the_warning_appears_while_the_therapist_types(live_server, admin_client, audience):
    from tests.chromium import browser

    broadcast = sample_sequence.broadcast([audience])
    cookie = admin_client.cookies["sessionid"]
    with pytest.MonkeyPatch.context() as patch, browser() as chromium:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        context = chromium.new_context()
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/newsletter/broadcast/{broadcast.pk}/change/")
        warnings = page.locator("input[name=subject] + ul.lockscreen-warnings li")
        assert warnings.count() == 0
        page.fill("input[name=subject]", "Coping with anxiety")
        assert warnings.first.inner_text().startswith("“anxiety” may be read on a lock screen")
        page.fill("input[name=subject]", "Coping with worry")
        assert warnings.count() == 0
