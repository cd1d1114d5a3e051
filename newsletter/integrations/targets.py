"""Where a webhook may go: https only, never a loopback, private or link-local address."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class Refused(ValueError):
    """A webhook target this site will not post to."""


def check_url(url: str) -> None:
    """Refuse a URL by its form: https (http too when private targets are allowed), a host."""
    parts = urlsplit(url)
    schemes = ("https", "http") if settings.WEBHOOKS_ALLOW_PRIVATE else ("https",)
    if parts.scheme not in schemes:
        raise Refused("The address must start with https://.")
    if not parts.hostname:
        raise Refused("The address needs a host name.")


def resolve(url: str) -> list[str]:
    """The addresses the URL's host resolves to, refusing any that is not public."""
    check_url(url)
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as problem:
        raise Refused(f"The host name does not resolve ({problem}).") from None
    addresses = sorted({item[4][0] for item in found})
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            if not public(address):
                raise Refused(f"The host resolves to {address}, which is not a public address.")
    return addresses


def public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_loopback or ip.is_private or ip.is_link_local)
