"""The audit trail: one call records a staff action that touches people or sending."""

from django.db.models import Model

from ..models import AuditEntry

# A detail value is kept only when it is a number, a truth value, or a short word with no
# "@" (so no address ever lands in the trail); names and free text never go in.
MAX_WORD = 40


def record(user, action: str, target: Model | None = None, **detail) -> AuditEntry:
    """Record that `user` did `action` to `target` (a model instance), with plain counts."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry.objects.create(
        user_id=user.pk if signed_in else None,
        username=user.get_username() if signed_in else "",
        action=action[:40],
        target_kind=target._meta.model_name if target is not None else "",
        target_id=target.pk if target is not None else None,
        detail={key: value for key, value in detail.items() if _plain(value)},
    )


def forget_subscriber(subscriber_id: int) -> int:
    """Erasure: entries about the subscriber keep their action and lose their detail."""
    return AuditEntry.objects.filter(target_kind="subscriber", target_id=subscriber_id).update(
        detail={}
    )


def _plain(value) -> bool:
    if isinstance(value, bool | int | float) or value is None:
        return True
    if isinstance(value, str):
        return len(value) <= MAX_WORD and "@" not in value
    if isinstance(value, list | tuple):
        return all(isinstance(item, int) for item in value)
    return False
