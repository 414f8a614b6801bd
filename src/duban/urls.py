from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from duban.org import views as org_views

admin.site.site_header = _("督办 · 管理后台")
admin.site.site_title = _("督办")
admin.site.index_title = _("系统设置")

urlpatterns = [
    path("", org_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("duban.org.urls")),
    path("supervision/", include("duban.supervision.urls")),
    path("partners/", include("duban.partners.urls")),
    path("resources/", include("duban.resources.urls")),
    path("people/", include("duban.people.urls")),
    path("leads/", include("duban.leads.urls")),
    path("projects/", include("duban.projects.urls")),
    path("aftersales/", include("duban.aftersales.urls")),
    path("receivables/", include("duban.receivables.urls")),
    path("cockpit/", include("duban.cockpit.urls")),
    path("api/", include("duban.api.urls")),
    path("notify/", include("duban.notify.urls")),
    path("admin/", admin.site.urls),
]
