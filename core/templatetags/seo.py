"""Head tags for search engines and link previews: the page's title and description captured
once for <title>, <meta name="description"> and Open Graph, and the addresses of the page in
each language (`?lang=`, see core.i18n.QueryLanguageMiddleware)."""

from html import unescape

from django import template
from django.conf import settings
from django.utils.html import strip_spaces_between_tags, strip_tags

from core.i18n import LANGUAGE_PARAMETER

register = template.Library()

OG_LOCALES = {"ro": "ro_RO", "en": "en_GB"}


class CaptureNode(template.Node):
    # The content is kept in `nodelist` so that {% block %} tags inside it stay overridable.
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Plain text: the output is escaped again where it is used.
        text = unescape(strip_tags(self.nodelist.render(context)))
        context[self.name] = " ".join(strip_spaces_between_tags(text).split())
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}`: render the content once (tags stripped,
    whitespace collapsed) into `name` instead of the page."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


def _url_in(request, language: str | None) -> str:
    """This page's absolute address with `lang` set to `language` (None: removed)."""
    query = request.GET.copy()
    query.pop(LANGUAGE_PARAMETER, None)
    if language:
        query[LANGUAGE_PARAMETER] = language
    encoded = query.urlencode()
    return request.build_absolute_uri(request.path + (f"?{encoded}" if encoded else ""))


@register.simple_tag(takes_context=True)
def language_url(context, language: str = "") -> str:
    request = context.get("request")
    return _url_in(request, language or None) if request is not None else ""


@register.simple_tag(takes_context=True)
def page_alternates(context) -> list[tuple[str, str]]:
    """[(hreflang, absolute URL)] for each site language, then x-default (no `lang`: the
    visitor's cookie or browser decides)."""
    request = context.get("request")
    if request is None:
        return []
    return [*((code, _url_in(request, code)) for code, _name in settings.LANGUAGES),
            ("x-default", _url_in(request, None))]


@register.filter
def og_locale(language: str) -> str:
    return OG_LOCALES.get(language, language)


@register.simple_tag
def og_alternate_locales(language: str) -> list[str]:
    return [locale for code, locale in OG_LOCALES.items() if code != language]
