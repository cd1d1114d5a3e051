"""`manage.py import_article`: JSON for scripts, one clear line and exit status 1 for bad input."""

import json
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from newsletter.models import Audience, Sequence, Step

DATA = Path(__file__).parent / "data"
ARTICLE = DATA / "ketamine-therapy-for-depression.txt"


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_article", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_output_describes_the_draft_and_each_email(audience):
    result = json.loads(run(str(ARTICLE), "--json", "--audience", audience.slug))
    sequence = Sequence.objects.get()
    assert result["sequence"] == {"id": sequence.pk, "slug": sequence.slug, "status": "draft"}
    assert sequence.audience == audience and sequence.status == "draft"
    steps = list(sequence.steps.order_by("position"))
    assert len(result["steps"]) == len(steps) >= 5
    for row, step in zip(result["steps"], steps, strict=True):
        assert set(row) == {"position", "subject", "preview", "delay_days", "words"}
        assert (row["position"], row["subject"], row["preview"], row["delay_days"]) == (
            step.position,
            step.subject,
            step.preview,
            step.delay_value,
        )
        assert 150 <= row["words"] <= 450


def test_the_number_of_emails_and_the_default_audience_can_be_left_to_the_command(practice):
    result = json.loads(run(str(ARTICLE), "--json", "--emails", "6"))
    assert len(result["steps"]) == 6
    assert Sequence.objects.get().audience == Audience.default()


def test_without_json_it_prints_a_short_summary(audience):
    output = run(str(ARTICLE))
    assert output.startswith("Draft sequence 'ketamine-therapy-for-depression' (id ")
    assert "1. A careful option when traditional therapy isn’t enough (" in output
    assert "Signature from the author bio: Mary Fleisch, LCSW" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The article is empty."),
        (b"\x00\x01\x02\x03binary\x00" * 100, "The file is not text"),
        (b"a" * (2 * 1024 * 1024 + 1), "The file is larger than 2 MB"),
        (b"<html><body><nav>Home</nav><script>x()</script></body></html>", "no readable"),
    ],
    ids=["empty", "binary", "over-2-mb", "html-without-text"],
)
def test_bad_input_exits_with_status_1_and_one_line_and_creates_nothing(
    practice, tmp_path, content, message
):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as error:
        run(str(path))
    assert error.value.returncode == 1 and "\n" not in str(error.value)
    assert Sequence.objects.count() == 0 and Step.objects.count() == 0


def test_a_missing_file_or_unknown_audience_is_refused(practice, tmp_path):
    with pytest.raises(CommandError, match="No file at"):
        run(str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="No audience with the slug 'nope'"):
        run(str(ARTICLE), "--audience", "nope")
    assert Sequence.objects.count() == 0


def test_from_the_command_line_bad_input_prints_one_line_and_exits_1(practice, tmp_path, capsys):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_article", str(path), "--json"]).execute()
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "CommandError: The article is empty.\n"


def test_lock_screen_warnings_are_printed_apart_from_the_json(practice, audience):
    from io import StringIO

    practice.lock_screen_words = "sessions"
    practice.save()
    out, err = StringIO(), StringIO()
    call_command("import_article", str(DATA / "blog-post.html"), "--json", stdout=out, stderr=err)
    assert json.loads(out.getvalue())["sequence"]["status"] == "draft"
    assert err.getvalue().startswith("Email 2 subject: “sessions” may be read on a lock screen")
