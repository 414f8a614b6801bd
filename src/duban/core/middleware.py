from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Simplified Chinese unless the user picked another language with the switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: an office
    computer set up in English still shows Duban in Chinese until its user chooses English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # for this request only, not the thread's next
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def client_address(request) -> str | None:
    """The address a request came from: REMOTE_ADDR, or behind settings.PROXY_COUNT proxies of
    our own, the entry the outermost of them appended to X-Forwarded-For (each proxy appends
    the address it saw; what a client wrote there itself is further left, and not believed)."""
    remote = request.META.get("REMOTE_ADDR")
    if not settings.PROXY_COUNT:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in chain if part]
    return chain[-settings.PROXY_COUNT] if len(chain) >= settings.PROXY_COUNT else remote


class PrivacyHeadersMiddleware:
    """Every answer says what the page may use of the browser (Permissions-Policy: nothing of
    camera, microphone, location …); an answer to a signed-in user is not kept by the browser
    or a proxy (Cache-Control: no-store), as its pages and files show money, phone numbers and
    names, unless the view chose its own caching (a calendar feed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response
