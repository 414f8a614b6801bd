"""The OpenAPI schema and the docs page, served without any CDN (issue 17)."""

from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.api.base import ApiTestCase


class SchemaTests(ApiTestCase):
    def test_the_schema_describes_every_operation_with_bearer_tokens(self):
        self.client.force_login(self.lead_a)
        schema = self.client.get("/api/v1/openapi.json").json()
        self.assertEqual(schema["info"]["title"], "督办 API")
        self.assertEqual(
            schema["components"]["securitySchemes"]["TokenAuth"],
            {"type": "http", "scheme": "bearer"},
        )
        operations = [op for path in schema["paths"].values() for op in path.values()]
        self.assertGreaterEqual(len(operations), 40)
        for op in operations:
            with self.subTest(op=op["operationId"]):
                self.assertRegex(op["summary"], r"[\u4e00-\u9fff]")
                self.assertEqual(op["security"], [{"TokenAuth": []}])

    def test_the_schema_needs_a_sign_in_or_a_token(self):
        anonymous = self.client.get("/api/v1/openapi.json")
        self.assertRedirects(
            anonymous,
            f"{reverse('login')}?next=/api/v1/openapi.json",
            fetch_redirect_response=False,
        )
        token = self.client.get(
            "/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {self.tokens['member_a']}"
        )
        self.assertEqual(token.status_code, 200)
        wrong = self.client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer duban_x_y")
        self.assertEqual(wrong.status_code, 302)

    def test_the_docs_page_uses_django_ninjas_own_static_files(self):
        self.client.force_login(self.member_a)
        page = self.client.get("/api/v1/docs")
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        for asset in (
            "ninja/swagger-ui.css",
            "ninja/swagger-ui-bundle.js",
            "ninja/swagger-ui-init.js",
        ):
            with self.subTest(asset=asset):
                self.assertIn(f"/static/{asset}", html)
                self.assertIsNotNone(finders.find(asset))
        self.assertNotIn("cdn", html.lower())
        self.assertIn("/api/v1/openapi.json", html)

    def test_the_token_page_links_the_docs(self):
        self.client.force_login(self.lead_a)
        self.assertContains(self.client.get(reverse("api:token_list")), 'href="/api/v1/docs"')
