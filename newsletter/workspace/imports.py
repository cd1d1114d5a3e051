"""Importing a list in the workspace: upload a CSV, choose its columns and consent, watch it run."""

import csv

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ..models import Audience, ListImport
from ..subscribers import imports
from ..subscribers.lists import csv_safe
from .access import staff_only

POLL_SECONDS = 2


class UploadForm(forms.Form):
    file = forms.FileField(
        label="The list, as a CSV file",
        help_text="Up to 100,000 rows, with a first line of column names.",
        error_messages={"required": "Choose the file to import."},
    )


class ChoicesForm(forms.Form):
    audiences = forms.ModelMultipleChoiceField(
        queryset=Audience.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Which audiences should they join?",
    )
    consent = forms.ChoiceField(
        choices=ListImport.Consent.choices,
        widget=forms.RadioSelect,
        required=False,
        label="How did these people agree to hear from you?",
    )
    where = forms.CharField(max_length=200, required=False, label="Where they agreed")
    when = forms.CharField(max_length=100, required=False, label="When they agreed")
    not_client_records = forms.BooleanField(
        required=False, label="This list is not taken from my client records"
    )

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", "Not in this file"), *((str(i), name) for i, name in enumerate(columns))]
        for name, label in imports.FIELDS.items():
            self.fields[f"column_{name}"] = forms.ChoiceField(
                choices=options, required=False, label=f"{label} column"
            )
        self.order_fields([f"column_{name}" for name in imports.FIELDS])

    def choices(self) -> imports.Choices:
        data = self.cleaned_data
        mapping = {
            name: int(data[f"column_{name}"]) if data[f"column_{name}"] else None
            for name in imports.FIELDS
        }
        return imports.Choices(
            mapping=mapping,
            audience_ids=[audience.pk for audience in data["audiences"]],
            consent=data["consent"],
            where=data["where"],
            when=data["when"],
            not_client_records=data["not_client_records"],
        )


@staff_only
def import_new(request: HttpRequest):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.upload(upload.read(imports.MAX_BYTES + 1), upload.name)
        except ValidationError as error:
            form.add_error("file", error.messages[0])
        else:
            return redirect("workspace:import", job.pk)
    status = 400 if form.errors else 200
    context = {"section": "people", "form": form}
    return render(request, "workspace/import_new.html", context, status=status)


@staff_only
def import_page(request: HttpRequest, pk: int):
    job = get_object_or_404(ListImport, pk=pk)
    if job.status != ListImport.Status.MAPPING:
        return _progress(request, job)
    initial = {f"column_{k}": "" if v is None else str(v) for k, v in job.mapping.items()}
    form = ChoicesForm(request.POST or None, columns=job.columns, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            imports.start(job, form.choices())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(_field(field), messages)
        else:
            return redirect("workspace:import", job.pk)
    context = {"section": "people", "job": job, "form": form}
    return render(
        request, "workspace/import_choices.html", context, status=400 if form.errors else 200
    )


def _field(name: str) -> str:
    return f"column_{name}" if name in ("email",) else name


def _progress(request: HttpRequest, job: ListImport):
    done = job.status == ListImport.Status.DONE
    context = {
        "section": "people",
        "job": job,
        "done": done,
        "poll_seconds": POLL_SECONDS,
        "earlier": imports.earlier_import(job) if done else None,
        "waiting": len(job.to_confirm),
    }
    template = "workspace/import_progress.html"
    return render(request, template + "#progress" if request.htmx else template, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_only
def import_report(request: HttpRequest, pk: int):
    job = get_object_or_404(ListImport, pk=pk)
    writer = csv.writer(_Echo())
    lines = (writer.writerow([csv_safe(str(v)) for v in row]) for row in imports.report_rows(job))
    answer = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="import-{job.pk}-not-imported.csv"'
    return answer
