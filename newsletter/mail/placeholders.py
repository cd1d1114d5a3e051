"""The %%placeholders%% an author may write in an email, and the one rule refusing any other."""

import re
from collections.abc import Iterable, Mapping

# What each reader's copy of a step or broadcast fills in. They work alike in the subject,
# preview, content note, body and call to action; each value is escaped for where it stands.
KNOWN = (
    "greeting",
    "audience",
    "subscribed_on",
    "cta_url",
    "view_online_url",
    "preferences_url",
    "unsubscribe_url",
)
# The fields of a step or broadcast that are written into the email.
FIELDS = ("subject", "preview", "content_note", "body", "cta_text")
MARKDOWN_FIELDS = {"body"}
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
# Anything an author wrote between double percent signs is meant as a placeholder.
WRITTEN = re.compile(r"%%([^%\s]{1,60})%%")


def unknown(text: str, known: Iterable[str] = KNOWN) -> list[str]:
    """The placeholders written in `text` that no email can fill, each once, in order."""
    allowed = set(known)
    found = dict.fromkeys(name for name in WRITTEN.findall(text or "") if name not in allowed)
    return list(found)


def problem(names: Iterable[str], known: Iterable[str] = KNOWN) -> str:
    """One sentence naming the unknown placeholders and the known ones."""
    wrong = [f"%%{name}%%" for name in names]
    choices = [f"%%{name}%%" for name in known]
    if len(wrong) == 1:
        what = f"{wrong[0]} is not a placeholder"
    else:
        what = f"{', '.join(wrong)} are not placeholders"
    return f"{what} an email can fill; use {', '.join(choices[:-1])} or {choices[-1]}."


def problems(fields: Mapping[str, str]) -> dict[str, str]:
    """For each field that holds an unknown placeholder, the message to show beside it.

    Called wherever email content is saved (admin forms, article import), before saving.
    """
    found = {name: unknown(_as_rendered(name, value)) for name, value in fields.items()}
    return {name: problem(names) for name, names in found.items() if names}


def _as_rendered(field: str, value: str) -> str:
    # The body is Markdown: "%%first\_name%%" (as an import writes it) renders "%%first_name%%".
    return MARKDOWN_ESCAPE.sub(r"\1", value or "") if field in MARKDOWN_FIELDS else value
