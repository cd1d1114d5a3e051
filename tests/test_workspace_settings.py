"""The practice settings pages: each field refused next to it with nothing saved, the
contrast check in plain words, sending times in days and hours, and versioned consent."""

import pytest

from newsletter.models import ConsentWording, Practice

from .settings_pages import logged_in, stored

DETAILS = "/workspace/settings/details/"
COLOUR = "/workspace/settings/colour/"
TIMES = "/workspace/settings/sending-times/"
CONSENT = "/workspace/settings/consent/"


@pytest.fixture
def therapist(practice):
    return logged_in()


def details(**changes) -> dict:
    practice = Practice.get()
    fields = ["name", "sender_name", "sender_email", "reply_to", "postal_address", "signature"]
    data = {name: getattr(practice, name) for name in fields}
    data |= {"consultation_url": practice.consultation_url, "crisis_note": practice.crisis_note}
    return data | changes


def test_the_settings_index_lists_every_section_with_a_link(therapist):
    page = therapist.get("/workspace/settings/").content.decode()
    for path in (DETAILS, COLOUR, TIMES, CONSENT, "/workspace/settings/words/"):
        assert f'href="{path}"' in page
    assert 'href="/workspace/settings/blog/"' in page and "/workspace/settings/pause/" in page


def test_the_practice_details_are_saved_and_the_page_says_so(therapist):
    answer = therapist.post(DETAILS, details(name="Calm Harbour Therapy"), follow=True)
    assert Practice.get().name == "Calm Harbour Therapy"
    assert "The practice details are saved." in answer.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Calm\nHarbour", "Please keep this on one line"),
        ("name", "", "This field is required"),
        ("sender_name", "Dr A\r\nBcc: x@example.com", "Please keep this on one line"),
        ("sender_email", "not-an-address", "Enter a valid email address"),
        ("reply_to", "also not", "Enter a valid email address"),
        ("postal_address", "", "This field is required"),
        ("consultation_url", "javascript:alert(1)", "Enter a valid URL"),
        ("crisis_note", "", "This field is required"),
    ],
)
def test_a_bad_detail_is_refused_next_to_its_field_and_nothing_changes(
    therapist, field, value, message
):
    before = stored()
    answer = therapist.post(DETAILS, details(**{field: value}))
    page = answer.content.decode()
    assert answer.status_code == 400 and stored() == before
    assert f'id="id_{field}_error"' in page and message in page
    assert 'aria-invalid="true"' in page


def test_the_contrast_check_says_plainly_when_the_colour_had_to_be_darkened(therapist):
    fragment = therapist.get(COLOUR, {"brand_colour": "#ffd966"}, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text and 'id="contrast"' in text
    assert "This colour had to be darkened for contrast." in text
    assert "links use #877336" in text


def test_a_readable_colour_is_used_as_it_is_and_saved(therapist):
    answer = therapist.post(COLOUR, {"brand_colour": "#2F5D62"}, follow=True)
    assert Practice.get().brand_colour == "#2f5d62"
    assert "reads well as it is" in answer.content.decode()


def test_a_malformed_colour_is_refused_and_nothing_changes(therapist):
    before = stored()
    answer = therapist.post(COLOUR, {"brand_colour": "red; background:url(x)"})
    assert answer.status_code == 400 and stored() == before
    assert "Please give a colour code like #2f5d62" in answer.content.decode()


def test_sending_times_are_days_and_hours_in_words_and_apply_to_future_scheduling(therapist):
    page = therapist.get(TIMES).content.decode()
    assert "Monday" in page and "Sunday" in page and ">9 am<" in page and "0 = Monday" not in page
    assert '<option value="Europe/Berlin"' in page
    assert "future scheduling only" in page
    choice = {"default_time_zone": "Europe/Berlin", "days": ["1", "3"], "start": 8, "end": 13}
    therapist.post(TIMES, choice)
    practice = Practice.get()
    assert (practice.default_time_zone, practice.send_days) == ("Europe/Berlin", "13")
    assert (practice.send_start_hour, practice.send_end_hour) == (8, 13)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"default_time_zone": "Mars/Olympus"}, "default_time_zone", "Select a valid choice"),
        ({"days": []}, "days", "Please choose at least one day."),
        ({"days": ["7"]}, "days", "Select a valid choice"),
        ({"start": 17, "end": 9}, "end", "Please choose an hour after the start."),
        ({"start": 25}, "start", "Select a valid choice"),
    ],
)
def test_a_bad_sending_time_is_refused_next_to_its_field_and_nothing_changes(
    therapist, changes, field, message
):
    before = stored()
    data = {"default_time_zone": "UTC", "days": ["0"], "start": 9, "end": 17} | changes
    answer = therapist.post(TIMES, data)
    page = answer.content.decode()
    assert answer.status_code == 400 and stored() == before
    assert f'id="id_{field}_error"' in page and message in page


def test_new_consent_wording_is_a_new_version_and_the_old_one_stays_as_it_was(therapist):
    first = Practice.get().current_consent()
    first_text = first.text
    answer = therapist.post(CONSENT, {"text": "Yes, email me the practice's articles."})
    assert answer.status_code == 302
    newest = ConsentWording.objects.order_by("-version").first()
    assert newest.version == first.version + 1
    assert ConsentWording.objects.get(pk=first.pk).text == first_text
    page = therapist.get(CONSENT).content.decode()
    assert f"In use now: version {newest.version}" in page
    assert f"Version {first.version}, from" in page and first_text in page
    form = therapist.get("/subscribe/").content.decode()
    assert "Yes, email me the practice&#x27;s articles." in form
    assert f'name="consent_version" value="{newest.version}"' in form


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_consent_wording_is_refused_and_no_version_is_added(therapist, text):
    Practice.get().current_consent()
    count = ConsentWording.objects.count()
    answer = therapist.post(CONSENT, {"text": text})
    assert answer.status_code == 400 and ConsentWording.objects.count() == count
    assert "Please write the new wording." in answer.content.decode()


def test_the_wording_in_use_again_is_refused_as_no_change(therapist):
    current = Practice.get().current_consent()
    answer = therapist.post(CONSENT, {"text": current.text})
    assert answer.status_code == 400 and ConsentWording.objects.count() == 1
    assert "This is the wording in use now" in answer.content.decode()


def test_strangers_are_sent_to_the_login_page_from_every_settings_page(practice):
    from django.test import Client

    for path in ("/workspace/settings/", DETAILS, COLOUR, TIMES, CONSENT):
        assert Client().get(path)["Location"].startswith("/workspace/login/")
