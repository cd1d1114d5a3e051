"""Importing an existing list from a CSV file: upload, choices, the run, pacing and clean-up.

The practice chooses per import how consent stands: "These people agreed to hear from me"
(an attestation naming where and when, and that the list is not from her client records;
each person becomes active with an `imported` consent event carrying it), or "Ask each of
them to confirm" (each gets the confirmation email, paced by IMPORT_CONFIRMATIONS_PER_HOUR,
a budget of its own beside the public ceiling). The run is a Celery task that works through
the file in chunks, each committed with its progress, so running it twice (or resuming after
a crash) imports nobody twice. Reports are deleted after 7 days; an erasure removes that
person's rows from every stored report.
"""

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import queue
from ..models import ListImport, Subscriber
from . import addresses, ceiling, import_rows

MAX_ROWS = 100_000
MAX_BYTES = 30 * 1024 * 1024
CHUNK = 500
REPORT_DAYS = 7
FIELDS = {
    "email": "Email address",
    "first_name": "First name",
    "time_zone": "Time zone",
    "audiences": "Audiences",
}
GUESSES = {
    "email": ("email", "e-mail", "email address", "mail"),
    "first_name": ("first name", "firstname", "first_name", "name", "given name"),
    "time_zone": ("time zone", "timezone", "time_zone", "tz"),
    "audiences": ("audiences", "audience", "lists", "list", "tags"),
}
BUDGET_NAME = "import-confirmations"
Consent = ListImport.Consent


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("This file is not text. Save the list as CSV and try again.")


def _rows(text: str) -> list[list[str]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def upload(data: bytes, file_name: str) -> ListImport:
    """Store an uploaded file with its columns and a first guess at their meaning."""
    if len(data) > MAX_BYTES:
        raise ValidationError("This file is larger than 30 MB. Split it and import each part.")
    text = _text(data)
    try:
        rows = _rows(text)
    except csv.Error:
        raise ValidationError(
            "This file cannot be read as CSV. Save it as CSV and try again."
        ) from None
    while rows and _blank(rows[-1]):
        rows.pop()
    if len(rows) < 2 or _blank(rows[0]):
        raise ValidationError("This file has no rows under its first line of column names.")
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(f"This file has more than {MAX_ROWS:,} rows. Split it, please.")
    columns = [name.strip() or f"Column {n}" for n, name in enumerate(rows[0], start=1)]
    return ListImport.objects.create(
        file_name=file_name[:200],
        source=text,
        digest=hashlib.sha256(data).hexdigest(),
        columns=columns,
        mapping=_guess(columns),
        total=len(rows) - 1,
    )


def _guess(columns: list[str]) -> dict:
    lowered = [name.casefold() for name in columns]
    return {
        field: next((i for i, name in enumerate(lowered) if name in names), None)
        for field, names in GUESSES.items()
    }


def earlier_import(job: ListImport) -> ListImport | None:
    """The same file imported before, if so (importing it again changes nothing)."""
    same = ListImport.objects.filter(digest=job.digest, status=ListImport.Status.DONE)
    return same.exclude(pk=job.pk).order_by("-created_at").first()


@dataclass(frozen=True)
class Choices:
    mapping: dict
    audience_ids: list[int]
    consent: str
    where: str = ""
    when: str = ""
    not_client_records: bool = False


def start(job: ListImport, choices: Choices) -> None:
    """Check the choices (ValidationError by field, nothing changed) and start the run."""
    _check(job, choices)
    attestation = {}
    if choices.consent == Consent.AGREED:
        attestation = {"where": choices.where, "when": choices.when, "not_client_records": True}
    with transaction.atomic():
        updated = ListImport.objects.filter(pk=job.pk, status=ListImport.Status.MAPPING).update(
            mapping=choices.mapping,
            consent=choices.consent,
            attestation=attestation,
            status=ListImport.Status.WAITING,
        )
        if updated:
            job.audiences.set(choices.audience_ids)
            queue.enqueue("run_import", job.pk)


def _check(job: ListImport, choices: Choices) -> None:
    errors = {}
    if choices.mapping.get("email") is None:
        errors["email"] = "Choose the column that holds the email addresses."
    if not choices.audience_ids and choices.mapping.get("audiences") is None:
        errors["audiences"] = "Choose at least one audience, or a column that names them."
    if choices.consent not in Consent.values:
        errors["consent"] = "Choose how these people agreed to hear from you."
    if choices.consent == Consent.AGREED:
        if not choices.where.strip():
            errors["where"] = "Say where they agreed (for example, the sign-up form on your site)."
        if not choices.when.strip():
            errors["when"] = "Say when they agreed (for example, 2021 to 2024)."
        if not choices.not_client_records:
            errors["not_client_records"] = "Confirm that the list is not from your client records."
    if errors:
        raise ValidationError(errors)


def run(job_id: int, now: datetime | None = None) -> int:
    """Import the rows not yet done, chunk by chunk; returns how many people it added."""
    now = now or timezone.now()
    ready = [ListImport.Status.WAITING, ListImport.Status.RUNNING]
    job = ListImport.objects.filter(pk=job_id, status__in=ready).first()
    if job is None:
        return 0
    ListImport.objects.filter(pk=job_id).update(status=ListImport.Status.RUNNING)
    body = _rows(job.source)[1:]
    names = import_rows.AudienceNames(list(job.audiences.values_list("pk", flat=True)))
    seen: set[str] = set()
    added = 0
    while True:
        with transaction.atomic():
            job = ListImport.objects.select_for_update().get(pk=job_id)
            chunk = body[job.processed : job.processed + CHUNK]
            if not chunk or job.status != ListImport.Status.RUNNING:
                break
            added += _chunk(job, chunk, names, seen, now)
    _finish(job_id, now)
    send_confirmations()
    return added


def _chunk(job: ListImport, cells: list[list[str]], names, seen: set[str], now) -> int:
    rows = [
        import_rows.read(job.processed + n + 2, row, job.mapping, names)  # +2: header, 1-based
        for n, row in enumerate(cells)
        if not _blank(row)
    ]
    import_rows.decide(rows, seen)
    made = [(row, import_rows.create(row, job, now)) for row in rows if not row.refusal]
    job.refused += [[row.number, row.raw_email, row.refusal] for row in rows if row.refusal]
    if job.consent == Consent.CONFIRM:
        job.to_confirm += [[person.pk, list(row.audiences)] for row, person in made]
    job.processed += len(cells)
    job.imported += len(made)
    job.save(update_fields=["refused", "to_confirm", "processed", "imported"])
    return len(made)


def _finish(job_id: int, now: datetime) -> None:
    ListImport.objects.filter(pk=job_id, status=ListImport.Status.RUNNING).update(
        status=ListImport.Status.DONE, source="", finished_at=now
    )


def send_confirmations() -> int:
    """Enqueue waiting confirmations within this hour's import budget; the rest wait."""
    budget = settings.IMPORT_CONFIRMATIONS_PER_HOUR
    sent = 0
    for job_id in ListImport.objects.exclude(to_confirm=[]).values_list("pk", flat=True):
        with transaction.atomic():
            job = ListImport.objects.select_for_update().get(pk=job_id)
            while job.to_confirm and ceiling.take(limit=budget, name=BUDGET_NAME):
                subscriber_id, audience_ids = job.to_confirm.pop(0)
                sent += _ask(subscriber_id, audience_ids)
            job.save(update_fields=["to_confirm"])
            if job.to_confirm:
                break  # the hour's budget is spent
    return sent


def _ask(subscriber_id: int, audience_ids: list[int]) -> int:
    waiting = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.PENDING)
    if not waiting.update(confirmation_sent_at=timezone.now()):
        return 0
    queue.enqueue("send_confirmation", subscriber_id, audience_ids)
    return 1


def report_rows(job: ListImport) -> list[list]:
    return [["row", "email", "why it was not imported"], *job.refused]


def delete_old_reports(now: datetime | None = None) -> int:
    """Reports (and any file left unread) go 7 days after the import."""
    cutoff = (now or timezone.now()) - timedelta(days=REPORT_DAYS)
    old = ListImport.objects.filter(created_at__lt=cutoff).exclude(refused=[], source="")
    return old.update(refused=[], source="")


def forget(email: str) -> None:
    """An erasure: drop the person's rows from every stored report and unread file."""
    key = addresses.key(email)
    for job in ListImport.objects.all():
        refused = [row for row in job.refused if addresses.key(row[1]) != key]
        source = _without(job.source, key) if job.source else ""
        if refused != job.refused or source != job.source:
            ListImport.objects.filter(pk=job.pk).update(refused=refused, source=source)


def _without(text: str, key: str) -> str:
    """Each line naming the address is emptied (not removed, so a run's place stays right)."""
    lines = text.splitlines(keepends=True)
    return "".join("\n" if key in line.casefold() else line for line in lines)
