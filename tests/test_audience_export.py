"""An audience as a CSV file: streamed, with status, dates and consent source, safe in a sheet."""

import csv
import io

from django.http import StreamingHttpResponse
from django.test import Client

from newsletter.management import demo
from newsletter.subscribers import lists
from tests.sequencing import make_subscriber


def test_the_csv_lists_each_member_with_status_dates_and_where_consent_came_from(
    active_subscriber, audience
):
    rows = list(csv.reader(io.StringIO("".join(lists.csv_lines(audience)))))
    assert rows[0] == lists.HEADER
    [row] = rows[1:]
    assert row[0] == "active@example.com" and row[2] == "Active"
    assert row[3] and row[4] and row[5] == "" and row[6] == "https://blog.example/a"


def test_a_value_a_spreadsheet_would_run_as_a_formula_is_written_as_text(audience):
    make_subscriber(audience, "x@example.com", first_name="=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO("".join(lists.csv_lines(audience)))))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_the_workspace_streams_the_file_and_answers_404_for_an_unknown_audience(practice, audience):
    password = demo.create_therapist()
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": password})
    answer = http.get(f"/workspace/people/audiences/{audience.pk}.csv")
    assert isinstance(answer, StreamingHttpResponse) and answer["Content-Type"].startswith(
        "text/csv"
    )
    assert b"".join(answer.streaming_content).startswith(b"email,first_name")
    assert http.get("/workspace/people/audiences/9999.csv").status_code == 404
