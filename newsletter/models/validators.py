"""Field validators the tables share: what may never be stored, wherever it is typed."""

from django.core.exceptions import ValidationError

# Characters that split an email header or reorder what a reader sees.
LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def single_line(value: str) -> None:
    """Refuse line breaks and control characters: this value goes into email headers."""
    if any(ch in LINE_BREAKS or (ord(ch) < 32 and ch != "\t") for ch in value or ""):
        raise ValidationError("Please keep this on one line, without line breaks.")


def no_placeholders(value: str) -> None:
    """Refuse %%placeholders%%: these words are shown as written, never filled in."""
    if "%%" in (value or ""):
        raise ValidationError("Please write this without %% signs: nothing is filled in here.")


LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def embed_origin(value: str) -> None:
    """An origin as a browser sends it: https://host[:port] (http only for localhost)."""
    scheme, _, rest = (value or "").partition("://")
    host, _, port = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
    problem = (
        not rest
        or any(mark in rest for mark in "/?#@ \\")
        or value != value.strip()
        or not _host_ok(host)
        or (port and not (port.isdigit() and 0 < int(port) < 65536))
    )
    if not problem and (scheme == "https" or (scheme == "http" and host in LOCAL_HOSTS)):
        return
    raise ValidationError(
        "Please give the blog's address as https://host or https://host:port, with nothing "
        "after it (for example https://blog.example.com). Only localhost may use http://."
    )


def _host_ok(host: str) -> bool:
    if host == "[::1]":
        return True
    labels = host.split(".")
    return (
        bool(host)
        and host == host.lower()
        and all(
            label and len(label) < 64 and label.replace("-", "").isalnum() and label.isascii()
            for label in labels
        )
    )
