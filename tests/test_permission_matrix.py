"""Every URL of the project × every role of the cast gets the declared status (DESIGN: roles)."""

import importlib
from pathlib import Path

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.base import ROLES, BaseTestCase
from tests.matrix import ANONYMOUS

TESTS_DIR = Path(__file__).parent


def declarations():
    expectations, covered = [], {}
    for path in sorted(TESTS_DIR.glob("*/permissions.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.permissions")
        expectations += module.EXPECTATIONS
        covered.update(getattr(module, "COVERED_NAMESPACES", {}))
    return expectations, covered


def project_url_names(patterns=None, namespace=""):
    """(namespace, full name or None, route) for every URL pattern of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield namespace.split(":")[0], name, str(pattern.pattern)


class PermissionMatrixTests(BaseTestCase):
    def test_every_url_is_declared_once(self):
        expectations, covered = declarations()
        declared = [e.url_name for e in expectations]
        self.assertEqual(len(declared), len(set(declared)), "a URL is declared twice")
        missing = []
        for namespace, name, route in project_url_names():
            if namespace in covered:
                continue
            if name is None:
                missing.append(f"unnamed pattern {route!r}")
            elif name not in declared:
                missing.append(name)
        self.assertEqual(missing, [], "URLs without a permission expectation")
        names = {name for _, name, _ in project_url_names()}
        self.assertEqual([d for d in declared if d not in names], [], "declared but not routed")

    def test_each_role_gets_the_declared_status(self):
        expectations, _ = declarations()
        for expect in expectations:
            url = reverse(expect.url_name, kwargs=expect.kwargs(self.cast))
            for role in [ANONYMOUS, *ROLES]:
                with self.subTest(url=expect.url_name, role=role):
                    client = Client()
                    if role != ANONYMOUS:
                        client.force_login(getattr(self.cast, role))
                    response = getattr(client, expect.method)(url, expect.data_for(self.cast))
                    self.assertEqual(response.status_code, expect.status_for(role))
