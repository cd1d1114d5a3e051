"""A new draft sequence from a pasted or uploaded article, for the chosen audience."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from .. import articles
from ..models import Audience
from ..observability import audit
from .access import staff_only


class ArticleForm(forms.Form):
    text = forms.CharField(
        label="Paste the article", required=False, strip=False, widget=forms.Textarea
    )
    upload = forms.FileField(label="Or upload it as a file (.txt, .md or .html)", required=False)
    audience = forms.ModelChoiceField(
        queryset=Audience.objects.all(),
        empty_label=None,
        label="Who is it for?",
        help_text="People who confirm for this audience start the sequence once you activate it.",
    )

    def clean(self):
        data = super().clean()
        if not data.get("upload") and not (data.get("text") or "").strip():
            self.add_error("text", "Paste the article here, or choose a file to upload.")
        return data

    def source_field(self) -> str:
        return "upload" if self.cleaned_data.get("upload") else "text"

    def article(self) -> tuple[bytes, str]:
        """The article's bytes (at most one byte past the limit) and a name for its slug."""
        upload = self.cleaned_data.get("upload")
        if upload:
            return upload.read(articles.MAX_BYTES + 1), upload.name.rsplit(".", 1)[0]
        return self.cleaned_data["text"].encode("utf-8"), ""


@staff_only
def article_new(request: HttpRequest):
    form = ArticleForm(request.POST or None, request.FILES or None)
    form.fields["audience"].initial = Audience.objects.filter(is_default=True).first()
    if request.method == "POST" and form.is_valid():
        data, name = form.article()
        try:
            imported = articles.import_article(
                data, audience=form.cleaned_data["audience"], name_hint=name
            )
        except articles.ArticleError as error:
            form.add_error(form.source_field(), str(error))
        else:
            audit.record(
                request.user, "article_import", imported.sequence, emails=len(imported.steps)
            )
            return _created(request, imported)
    status = 400 if request.method == "POST" else 200
    return render(request, "workspace/article_new.html", {"form": form, "section": "sequences"},
                  status=status)  # fmt: skip


def _created(request: HttpRequest, imported: articles.Imported):
    sequence = imported.sequence
    count = len(imported.steps)
    messages.success(
        request,
        f"Draft “{sequence.name}” is ready with {count} email{'s' * (count != 1)}. "
        "Nothing is sent until you activate it.",
    )
    for warning in imported.warnings + imported.tone:
        messages.warning(request, warning)
    try:
        return redirect(reverse("workspace:sequence", args=[sequence.pk]))
    except NoReverseMatch:
        return redirect(reverse("workspace:sequences") + f"#seq-{sequence.pk}")
