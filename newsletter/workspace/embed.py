"""Settings page for the blog: the blogs allowed to embed the form, and its snippet to copy."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ..models import Audience
from ..subscribers import embed_origins
from ..views.staff import snippet
from .access import staff_only
from .practice_settings import page
from .settings_forms import OriginForm


@staff_only
def embed(request: HttpRequest):
    form, status = OriginForm(), 200
    if request.method == "POST":
        form = OriginForm(request.POST)
        if form.is_valid():
            try:
                added = embed_origins.add(form.cleaned_data["origin"])
            except ValidationError as problem:
                form.add_error("origin", problem)
            else:
                messages.success(request, f"{added.origin} may now show your subscribe form.")
                return redirect(request.path)
        status = 400
    snippets = [(audience, snippet(audience)) for audience in Audience.objects.all()]
    context = {"form": form, "origins": embed_origins.listed(), "snippets": snippets}
    return page(request, "embed.html", context, status=status)


@staff_only
@require_POST
def remove_origin(request: HttpRequest, pk: int):
    if embed_origins.remove(pk):
        messages.success(request, "That blog can no longer show your subscribe form.")
    return redirect("workspace:settings_embed")
