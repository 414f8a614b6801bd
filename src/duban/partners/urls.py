from django.urls import path

from duban.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="partner_list"),
    path("<int:pk>/", views.partner_detail, name="partner_detail"),
    path("<int:pk>/notes/", views.condition_note_add, name="condition_note_add"),
]
