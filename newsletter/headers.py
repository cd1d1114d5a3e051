"""List-Unsubscribe written as plain URIs when a message is serialised for SMTP or a file."""

from email import policy
from email.headerregistry import UnstructuredHeader


class ListUnsubscribeHeader(UnstructuredHeader):
    """Folds between URIs and never into RFC 2047 encoded words.

    Python's email package encodes any word longer than a line (78 characters), and a
    signed unsubscribe URL is longer than that; mail clients then cannot read the header.
    RFC 5322 allows lines of up to 998 characters, so each URI keeps a line of its own.
    """

    def fold(self, *, policy) -> str:
        uris = [uri.strip() for uri in str(self).split(",") if uri.strip()]
        return f"{self.name}: " + f",{policy.linesep} ".join(uris) + policy.linesep


def register() -> None:
    """Use the header class in every policy that shares the standard header registry."""
    policy.default.header_factory.map_to_type("list-unsubscribe", ListUnsubscribeHeader)
