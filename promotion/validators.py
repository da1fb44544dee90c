"""Checks of what people type into promotion records that touch no database."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")
_URL = URLValidator(schemes=list(WEB_SCHEMES))
LINK_MESSAGE = _(
    "Enter the full web address of the report, starting with http:// or https:// "
    "(for example https://www.workercn.cn/…)."
)


def is_web_link(value: str) -> bool:
    """True for an absolute http or https address with a host, and nothing else.

    `javascript:`, `data:`, `ftp://`, relative (`/news/1`) and scheme-relative (`//host/x`)
    addresses are refused: a link on our pages must only ever open a web page.
    """
    text = value or ""
    if text != text.strip() or any(char.isspace() or ord(char) < 32 for char in text):
        return False
    parts = urlsplit(text)
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc:
        return False
    try:
        _URL(text)
    except ValidationError:
        return False
    return True


def validate_web_link(value: str) -> None:
    if value and not is_web_link(value):
        raise ValidationError(LINK_MESSAGE, code="web_link")
