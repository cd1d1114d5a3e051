"""Staff passwords: changing one's own, and a reset link by email that reveals no account."""

from django.contrib.auth import forms, views
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..mail import emails
from .access import staff_only


class StaffResetForm(forms.PasswordResetForm):
    """Only active staff with a password get a link; everyone sees the same answer."""

    def get_users(self, email):
        return [user for user in super().get_users(email) if user.is_staff]

    def save(self, request=None, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            emails.build("password_reset", {"reset_url": reset_url(user)}, user.email).send()


def reset_url(user: User) -> str:
    """The one-time link to choose a new password (it stops working once used)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("workspace:password_reset_confirm", args=[uid, token])
    return emails.absolute(path)


change = staff_only(
    views.PasswordChangeView.as_view(
        template_name="workspace/password_change.html",
        success_url=reverse_lazy("workspace:password_change_done"),
        extra_context={"section": "password"},
    )
)
change_done = staff_only(
    views.PasswordChangeDoneView.as_view(template_name="workspace/password_change_done.html")
)
reset = views.PasswordResetView.as_view(
    form_class=StaffResetForm,
    template_name="workspace/password_reset.html",
    success_url=reverse_lazy("workspace:password_reset_done"),
)
reset_done = views.PasswordResetDoneView.as_view(template_name="workspace/password_reset_done.html")
reset_confirm = views.PasswordResetConfirmView.as_view(
    template_name="workspace/password_reset_confirm.html",
    success_url=reverse_lazy("workspace:password_reset_complete"),
)
reset_complete = views.PasswordResetCompleteView.as_view(
    template_name="workspace/password_reset_complete.html"
)
