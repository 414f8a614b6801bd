import time

from django.conf import settings
from django.db import OperationalError
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


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


BUSY_RETRY_SECONDS = 15


def database_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's answer to a write that waited its whole busy timeout for
    another writer (a large import committing): a moment's wait, not a fault."""
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


class DatabaseBusyMiddleware:
    """A request that could not write while a large import held SQLite's write lock gets a
    503 page in the user's language ("系统正在导入，请稍候", retry in a few seconds) instead of
    a 500; its transaction was rolled back, so nothing was half saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = request.get_full_path()
        context = {"seconds": BUSY_RETRY_SECONDS, "back": back}
        response = render(request, "503_busy.html", context, status=503)
        response["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response


def retry_when_busy(work, *, tries: int = 5, wait: float = BUSY_RETRY_SECONDS, sleep=None):
    """Run ``work`` (something safe to run again, such as duban tick), again after ``wait``
    seconds when SQLite was busy with a large import's commit, up to ``tries`` times."""
    sleep = sleep or time.sleep
    for attempt in range(1, tries + 1):
        try:
            return work()
        except Exception as error:
            if not database_busy(error) or attempt == tries:
                raise
            sleep(wait)
    raise AssertionError("unreachable")
