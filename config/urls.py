"""Top-level URLs: admin and the versioned JSON API; `/` sends people to the web front end."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from presentation import admin_login

# The admin's 「サイトを表示」 link and the API's bare root both lead to the front end
# (frontend/, its own origin), not to a 404.
admin.site.site_url = f"{settings.FRONTEND_BASE_URL}/"

urlpatterns = [
    path("", RedirectView.as_view(url=f"{settings.FRONTEND_BASE_URL}/", permanent=False)),
    # Throttled per client address, no staff oracle (presentation/admin_login.py).
    path("admin/login/", admin_login.login),
    path("admin/", admin.site.urls),
    path("api/", include("presentation.urls")),
]

# JSON errors under /api/, Django's own pages elsewhere.
handler400 = "presentation.errors.handler400"
handler403 = "presentation.errors.handler403"
handler404 = "presentation.errors.handler404"
handler500 = "presentation.errors.handler500"
