"""Staff page: a new draft sequence from a pasted or uploaded article."""

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from .. import articles
from ..models import Audience

FORMAT_CHOICES = [
    ("", "Detect automatically"),
    ("text", "Plain text"),
    ("markdown", "Markdown"),
    ("html", "HTML (a saved blog page)"),
]


class ArticleForm(forms.Form):
    text = forms.CharField(
        label="Paste the article", required=False, strip=False, widget=forms.Textarea
    )
    upload = forms.FileField(label="Or upload a .txt, .md or .html file", required=False)
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False)
    audience = forms.ModelChoiceField(queryset=Audience.objects.all(), empty_label=None)
    emails = forms.IntegerField(
        label="Number of emails", min_value=1, max_value=20, required=False,
        help_text="Leave empty to make one email per section.",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if not data.get("upload") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste the article or choose a file to upload.")
        return data

    def article(self) -> tuple[bytes, str]:
        """The article's bytes (at most one byte past the limit) and a name for its slug."""
        upload = self.cleaned_data.get("upload")
        if upload:
            return upload.read(articles.MAX_BYTES + 1), upload.name.rsplit(".", 1)[0]
        return self.cleaned_data["text"].encode("utf-8"), ""


@staff_member_required
@permission_required("newsletter.add_sequence", raise_exception=True)
def new_from_article(request):
    form = ArticleForm(request.POST or None, request.FILES or None)
    form.fields["audience"].initial = Audience.objects.filter(is_default=True).first()
    if request.method == "POST" and form.is_valid():
        data, name = form.article()
        try:
            imported = articles.import_article(
                data, audience=form.cleaned_data["audience"],
                emails=form.cleaned_data["emails"], fmt=form.cleaned_data["format"] or None,
                name_hint=name,
            )  # fmt: skip
        except articles.ArticleError as error:
            form.add_error(None, str(error))
        else:
            return _created(request, imported)
    context = {"form": form, "title": "New sequence from an article"}
    return render(request, "newsletter/staff/article_new.html", context)


def _created(request, imported: articles.Imported):
    """Open the new sequence in the admin, or list its emails here if the admin has none."""
    sequence = imported.sequence
    messages.success(
        request, f"Draft “{sequence.name}” created with {len(imported.steps)} emails. "
        "Nothing is sent until you activate it.",
    )  # fmt: skip
    for warning in imported.warnings + imported.tone:
        messages.warning(request, warning)
    try:
        return redirect(reverse("admin:newsletter_sequence_change", args=[sequence.pk]))
    except NoReverseMatch:
        context = {"imported": imported, "rows": imported.as_json()["steps"], "title": "Draft"}
        return render(request, "newsletter/staff/article_done.html", context)
