"""Top-level URLs: admin and the versioned JSON API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("presentation.urls")),
]

# JSON errors under /api/, Django's own pages elsewhere.
handler400 = "presentation.errors.handler400"
handler403 = "presentation.errors.handler403"
handler404 = "presentation.errors.handler404"
handler500 = "presentation.errors.handler500"
