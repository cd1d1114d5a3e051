"""Importing a list through the workspace: upload, choices refused next to their field, the
progress page, and the report of rows not imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from newsletter.management import demo
from newsletter.models import ListImport, Subscriber

FILE = b"email,name\nnew@example.com,Nia\nnot an address,Bad\n"


@pytest.fixture
def therapist(practice) -> Client:
    password = demo.create_therapist()
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": password})
    return http


def upload(therapist, data: bytes = FILE):
    return therapist.post(
        "/workspace/people/import/", {"file": SimpleUploadedFile("list.csv", data)}
    )


def test_uploading_reads_the_columns_and_guesses_which_is_the_address(therapist):
    answer = upload(therapist)
    job = ListImport.objects.get()
    assert answer.status_code == 302 and job.columns == ["email", "name"]
    page = therapist.get(f"/workspace/people/import/{job.pk}/").content.decode()
    assert "1 row" not in page and "2 rows" in page and "Email address column" in page


def test_a_file_that_cannot_be_imported_is_refused_next_to_the_field(therapist):
    answer = upload(therapist, b"email\n")
    assert answer.status_code == 400 and "no rows" in answer.content.decode()
    assert not ListImport.objects.exists()


def test_missing_choices_are_refused_next_to_their_fields_and_import_nothing(therapist):
    upload(therapist)
    job = ListImport.objects.get()
    answer = therapist.post(
        f"/workspace/people/import/{job.pk}/", {"column_email": "0", "consent": "agreed"}
    )
    page = answer.content.decode()
    assert answer.status_code == 400 and "Say where they agreed" in page
    assert "Choose at least one audience" in page and not Subscriber.objects.exists()


def test_an_import_runs_shows_its_progress_and_offers_the_report(
    therapist, audience, django_capture_on_commit_callbacks
):
    upload(therapist)
    job = ListImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        therapist.post(
            f"/workspace/people/import/{job.pk}/",
            {
                "column_email": "0",
                "column_first_name": "1",
                "audiences": [audience.pk],
                "consent": "agreed",
                "where": "my workshop sign-up sheet",
                "when": "2023",
                "not_client_records": "on",
            },
        )
    page = therapist.get(f"/workspace/people/import/{job.pk}/").content.decode()
    assert "2 of 2 rows read" in page and "1 added" in page and "1 not imported" in page
    report = therapist.get(f"/workspace/people/import/{job.pk}/report.csv")
    text = b"".join(report.streaming_content).decode()
    assert "not an address,not a valid email address" in text
    assert Subscriber.objects.get(email="new@example.com").first_name == "Nia"


def test_an_unknown_import_answers_404(therapist):
    assert therapist.get("/workspace/people/import/999/").status_code == 404
    assert therapist.get("/workspace/people/import/999/report.csv").status_code == 404
