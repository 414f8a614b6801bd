from django.urls import path

from duban.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/weights/", views.weights, name="weights"),
    path("scorecards/<int:lead>/", views.scorecard, name="scorecard"),
    path("scorecards/<int:lead>/adjust/", views.adjust, name="adjust"),
    path("scorecards/<int:lead>/comment/", views.comment, name="comment"),
    path("report/", views.report, name="report"),
    path("report/send/", views.report_send, name="report_send"),
]
