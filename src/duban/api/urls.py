from django.urls import include, path

from duban.api import views
from duban.api.api import api

token_pages = (
    [
        path("", views.token_list, name="token_list"),
        path("<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    ],
    "api",
)

urlpatterns = [
    path("v1/", api.urls),
    path("tokens/", include(token_pages)),
]
