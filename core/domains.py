"""Registrable domains ("lakeview.edu" for "www.students.lakeview.edu"), from the public-suffix
list bundled with tldextract: nothing is fetched at run time."""

from urllib.parse import urlsplit

import tldextract

_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(address: str) -> str:
    """The registrable domain of a URL, host name or email address; "" when it has none (an IP
    address, a bare public suffix, nothing at all)."""
    address = (address or "").strip()
    if "@" in address and "//" not in address:
        host = address.rpartition("@")[2]
    elif "//" in address:
        host = urlsplit(address).hostname or ""
    else:
        host = address.split("/", 1)[0]
    return _extract(host.lower().rstrip(".")).top_domain_under_public_suffix


def email_domain(email: str) -> str:
    """The whole domain after the @, as typed (lowercased): subdomains are not folded away."""
    return email.rpartition("@")[2].strip().lower().rstrip(".")
