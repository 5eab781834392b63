"""API routes: /api/v1/..., the OpenAPI schema and its docs page; JSON 404 for anything else."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from presentation import views
from presentation.api_docs import RedocView, redoc_script_view
from presentation.errors import api_not_found

app_name = "api"

v1 = [
    path("auth/register/", views.RegisterView.as_view(), name="register"),
    path("auth/verify-email/", views.VerifyEmailView.as_view(), name="verify-email"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/token/refresh/", views.TokenRefresh.as_view(), name="token-refresh"),
    path("auth/token/verify/", views.TokenVerify.as_view(), name="token-verify"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/me/", views.MeView.as_view(), name="me"),
    path("auth/password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "auth/password/reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("options/", views.OptionsView.as_view(), name="options"),
    path("stations/", views.StationSearchView.as_view(), name="stations"),
    path(
        "stations/<str:block_no>/records/",
        views.StationRecordsView.as_view(),
        name="station-records",
    ),
    path("requests/", views.RequestListCreateView.as_view(), name="request-list"),
    path("requests/estimate/", views.RequestEstimateView.as_view(), name="request-estimate"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    path("requests/<int:pk>/retry/", views.RequestRetryView.as_view(), name="request-retry"),
    path("requests/<int:pk>/cancel/", views.RequestCancelView.as_view(), name="request-cancel"),
    path("requests/<int:pk>/file/", views.RequestFileView.as_view(), name="request-file"),
    path("downloads/<str:token>/", views.TokenDownloadView.as_view(), name="download"),
    path("health/", views.HealthView.as_view(), name="health"),
    path("health/live/", views.LiveView.as_view(), name="health-live"),
    path("health/ready/", views.ReadyView.as_view(), name="health-ready"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Redoc, with nothing loaded from outside (presentation/api_docs.py).
    path("docs/", RedocView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc.standalone.js", redoc_script_view, name="redoc-script"),
    # Swagger UI with "try it out" (its JS/CSS from drf-spectacular-sidecar, no CDN).
    path("docs/swagger/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="swagger"),
    re_path(r"^.*$", api_not_found),
]
