"""Messages kept as a code and its values, and put into words when read.

What a check finds is stored before anyone reads it (an import's row errors are kept with the
batch): stored as words, it would stay in the language of whoever uploaded the file. Stored as
`[code, params]`, it is rendered in the reader's language, every time it is shown.

    IMPORT = define({"name_missing": _("The enterprise name is missing."), ...}, prefix="import")
    stored = message("import.name_missing")          # ["import.name_missing", {}]
    render(stored)                                    # in the active language

A param may itself be a stored message (a choice's label, say). A message another module has
already put into words (a reused validator's) is kept in every language the site speaks
(`in_every_language`). A plain string, as stored before codes existed, is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils import translation

# The codes of messages kept in words: in every language, or as a gettext msgid.
TEXTS = "texts"
MSGID = "msgid"

_TEMPLATES: dict[str, Any] = {}


def define(templates: dict[str, Any], *, prefix: str) -> dict[str, str]:
    """Register gettext_lazy templates (named %(params)s) under `prefix.code`; a code is
    defined once. Returns {code: full code}."""
    codes = {}
    for code, template in templates.items():
        full = f"{prefix}.{code}"
        if full in _TEMPLATES and _TEMPLATES[full] is not template:
            raise ValueError(f"message code {full} is defined twice")
        _TEMPLATES[full] = template
        codes[code] = full
    return codes


def define_choices(choices: Iterable[tuple[str, Any]], *, prefix: str) -> None:
    """A choice field's labels as messages `prefix.value`, to use as a param."""
    define(dict(choices), prefix=prefix)


def message(code: str, **params: Any) -> list:
    """A message as stored: [code, params]. The code must be defined."""
    if code not in _TEMPLATES:
        raise KeyError(f"unknown message code {code}")
    return [code, params]


def from_lazy(template: Any, params: dict | None = None) -> list:
    """A gettext_lazy template (another module's) kept by its English msgid."""
    msgid = template._proxy____args[0] if hasattr(template, "_proxy____args") else str(template)
    return [MSGID, {"msgid": msgid, **(params or {})}]


def in_every_language(words: Callable[[], str]) -> list:
    """A message another module puts into words, kept in each of the site's languages."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(words())
    return [TEXTS, texts]


def is_message(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
    )


def render(stored: Any) -> str:
    """A stored message in the active language."""
    if not is_message(stored):
        return "" if stored is None else str(stored)  # words stored before codes existed
    code, params = stored
    if code == TEXTS:
        language = translation.get_language() or settings.LANGUAGE_CODE
        for key in (language, language.split("-")[0], settings.LANGUAGE_CODE):
            if key in params:
                return params[key]
        return next(iter(params.values()), "")
    values = {name: render(value) if is_message(value) else value for name, value in params.items()}
    if code == MSGID:
        template = translation.gettext(values.pop("msgid"))
    elif code in _TEMPLATES:
        template = str(_TEMPLATES[code])
    else:
        return code  # a code no longer defined: say at least which
    if not values:
        return template
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        return template
