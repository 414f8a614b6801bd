from django.urls import path

from duban.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("endpoints/", views.endpoints, name="endpoints"),
    path("endpoints/<int:pk>/", views.endpoint_edit, name="endpoint_edit"),
    path("endpoints/<int:pk>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path("endpoints/<int:pk>/try/", views.endpoint_try, name="endpoint_try"),
    path("mine/", views.mine, name="mine"),
]
