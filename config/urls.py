"""Top-level URLs: admin and the versioned JSON API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("presentation.urls")),
]
