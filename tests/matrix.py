"""Declarations for the role × URL permission matrix (tests/test_permission_matrix.py).

Each app declares, in ``tests/<app>/permissions.py``, an ``EXPECTATIONS`` list with one
``Expect`` per URL name: the status each role of the cast gets. A URL of the project that no
app declares fails the matrix test.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Expect:
    url_name: str
    statuses: dict[str, int]  # role (or "anonymous") -> status; missing roles take `default`
    default: int | None = None
    kwargs: Callable = field(default=lambda cast: {})
    method: str = "get"
    data: dict | Callable = field(default_factory=dict)  # or a function of the cast

    def data_for(self, cast) -> dict:
        return self.data(cast) if callable(self.data) else self.data

    def status_for(self, role: str) -> int:
        status = self.statuses.get(role, self.default)
        if status is None:
            raise AssertionError(f"{self.url_name}: no expected status declared for {role}")
        return status


def signed_in(status: int = 200, **overrides) -> dict[str, int]:
    """Every signed-in role gets ``status`` (unless overridden); anonymous users go to the login."""
    return {ANONYMOUS: 302, **{role: status for role in _roles()}, **overrides}


def _roles() -> list[str]:
    from tests.base import ROLES

    return ROLES
