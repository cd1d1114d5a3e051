"""Links to pages that may live elsewhere: the email editor, or the admin until it exists."""

from django.urls import NoReverseMatch, reverse


def first_url(*candidates: tuple[str, list]) -> str:
    """The first of (url name, args) that resolves; the last is expected to always resolve."""
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(f"None of {[name for name, _ in candidates]} resolves.")


def sequence_editor(pk: int) -> str:
    return first_url(
        ("workspace:sequence", [pk]),
        ("admin:newsletter_sequence_change", [pk]),
        ("workspace:sequences", []),
    )


def broadcast_editor(pk: int) -> str | None:
    """The editor for a broadcast's content, or None while only this page can write it."""
    try:
        return reverse("workspace:broadcast_edit", args=[pk])
    except NoReverseMatch:
        return None
