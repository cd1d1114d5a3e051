"""Settings, "Emails to you": where alerts and the Monday summary go, and turning the summary
off and on; anything but "on" or "off" is refused and changes nothing."""

from newsletter.models import Practice
from tests.settings_pages import stored

PAGE = "/workspace/settings/emails-to-you/"


def test_the_settings_index_says_where_alerts_and_the_summary_go(therapist):
    page = therapist.get("/workspace/settings/").content.decode()
    assert "Emails to you" in page and PAGE in page
    assert "the Monday summary every Monday morning" in page
    assert "hello@stillwater.example" in page


def test_the_page_names_the_address_and_the_time_zone(therapist):
    page = therapist.get(PAGE).content.decode()
    zone = Practice.get().default_time_zone.replace("_", " ")
    assert "hello@stillwater.example" in page and zone in page
    assert "Stop the Monday summary" in page


def test_the_therapist_turns_the_summary_off_and_on_again(therapist):
    answer = therapist.post(PAGE, {"weekly_summary": "off"}, follow=True)
    assert Practice.get().weekly_summary is False
    assert "The weekly summary is turned off." in answer.content.decode()
    assert "Send me the Monday summary" in answer.content.decode()
    therapist.post(PAGE, {"weekly_summary": "on"})
    assert Practice.get().weekly_summary is True


def test_bad_input_changes_nothing(therapist):
    before = stored()
    for data in ({"weekly_summary": "maybe"}, {}, {"weekly_summary": ""}):
        answer = therapist.post(PAGE, data)
        assert answer.status_code == 400 and "Nothing was changed" in answer.content.decode()
    assert stored() == before


def test_the_page_is_for_the_practice_staff_only(practice, client):
    assert client.get(PAGE).status_code in (302, 403)
    assert client.post(PAGE, {"weekly_summary": "off"}).status_code in (302, 403)
    assert Practice.get().weekly_summary is True
