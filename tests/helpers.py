"""Small helpers shared by the HTTP tests."""

import re


def link_in(message, name: str) -> str:
    """The site-relative path of the first /<name>/ link in an email's text part."""
    url = re.search(rf"https?://[^/\s]+(/{name}/[^/\s]+/)", message.body)
    assert url, f"no /{name}/ link in: {message.body}"
    return url.group(1)
