"""The second factor after the password: a 6-digit code or a recovery code, and enrolment."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import devices_for_user, login, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import LOGIN_URL

RECOVERY_CODES = 10
WRONG = "That code did not work. Type the 6 digits your app shows now, or a recovery code."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
        error_messages={"required": "Type the code from your authenticator app."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


@login_required(login_url=LOGIN_URL)
def verify(request: HttpRequest):
    """After the password: the code page. Without an authenticator, enrolment comes first."""
    if not user_has_device(request.user):
        return redirect(f"{_url('workspace:two_factor_setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _matching_device(request.user, form.cleaned_data["code"])
        if device is not None:
            login(request, device)
            return redirect(_next(request))
        form.add_error("code", WRONG)
    status = 400 if form.errors else 200
    context = {"form": form, "next": _next(request)}
    return render(request, "workspace/two_factor.html", context, status=status)


@login_required(login_url=LOGIN_URL)
def setup(request: HttpRequest):
    """A QR code to scan, a code to confirm it, then recovery codes shown once."""
    if user_has_device(request.user):
        return redirect(f"{_url('workspace:two_factor')}?{request.GET.urlencode()}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = _confirm(device)
            login(request, device)
            context = {"codes": codes, "next": _next(request)}
            return render(request, "workspace/two_factor_codes.html", context)
        form.add_error("code", "That code did not match. Type the 6 digits your app shows now.")
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": _spaced(b32encode(device.bin_key).decode().rstrip("=")),
        "next": _next(request),
    }
    return render(
        request, "workspace/two_factor_setup.html", context, status=400 if form.errors else 200
    )


def _matching_device(user, code: str):
    """Six digits are checked against the authenticator, anything else as a recovery code."""
    wanted = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if isinstance(device, wanted) and device.verify_token(code):
                return device
    return None


def _confirm(device: TOTPDevice) -> list[str]:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=device.user).delete()
        recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes")
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return codes


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code to scan" ', 1))


def _spaced(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe and wanted.startswith("/") else _url("workspace:sequences")


def _url(name: str) -> str:
    return reverse(name)
