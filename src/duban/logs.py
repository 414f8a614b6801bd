"""Logging filters for Duban's logs."""

import logging


class OrdinaryRefusals(logging.Filter):
    """A 403 (a page someone may not open) is one line, not a traceback: it is an ordinary
    answer, not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info, record.exc_text = None, None
        return True
