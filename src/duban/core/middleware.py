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
