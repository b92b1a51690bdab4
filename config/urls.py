from django.contrib import admin
from django.urls import include, path

from answerable.publishing import views_register

urlpatterns = [
    path("", views_register.home, name="home"),
    path("account/sign-in/organisation/", include("answerable.organisations.urls_sign_in")),
    path("account/", include("answerable.accounts.urls")),
    path("organisations/", include("answerable.organisations.urls")),
    path("register/from-pdf/", include("answerable.extraction.urls")),
    path("register/", include("answerable.recommendations.urls")),
    path("api/v1/", include("answerable.recommendations.api_urls")),
    path("meetings/", include("answerable.meetings.urls")),
    path("public/api/v1/", include("answerable.publishing.urls_api")),
    path("public/progress-reports/", include("answerable.reports.urls_public")),
    path("public/indicators/", include("answerable.indicators.urls_public")),
    path("public/", include("answerable.publishing.urls")),
    path("about/", include("answerable.publishing.urls_info")),
    path("workforce/", include("answerable.workforce.urls")),
    path("indicators/", include("answerable.indicators.urls")),
    path("reports/", include("answerable.reports.urls")),
    path("recurrence/", include("answerable.recurrence.urls")),
    path("django-admin/", admin.site.urls),
    path("", include("answerable.operations.urls")),  # /healthz/live, /healthz/ready, /metrics
]

handler404 = "answerable.core.views.page_not_found"
handler403 = "answerable.core.views.permission_denied"
handler500 = "answerable.core.views.server_error"
