"""Each language version of a page has its own address: `?lang=ro` or `?lang=en` shows the page
in that language for this request only (search engines follow the hreflang links in base.html
to them). Nothing is stored: the visitor's own choice (cookie, profile) is left untouched."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.utils import translation

LANGUAGE_PARAMETER = "lang"


class QueryLanguageMiddleware:
    """Runs right after LocaleMiddleware and overrides its choice when `?lang=` names a site
    language; an unknown value is ignored."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.GET.get(LANGUAGE_PARAMETER, "")
        if language in self.languages:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def without_language_parameter(url: str) -> str:
    """`url` without `lang=`: where the language switch sends the visitor back to, so the
    language they just chose is not overridden by the address they came from."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k != LANGUAGE_PARAMETER]
    return urlunsplit(parts._replace(query=urlencode(query)))
