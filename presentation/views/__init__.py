"""HTTP in, HTTP out: parse with a serializer, call one use case, render the result.

One module per part of the API (accounts, catalog, requests, files, health); config/urls.py
and presentation/urls.py reach every view through this package.
"""

from presentation.views.accounts import (
    LogoutView,
    MeView,
    PasswordResetConfirmView,
    PasswordResetView,
    RegisterView,
    TokenRefresh,
    TokenVerify,
    TokenView,
    VerifyEmailView,
)
from presentation.views.catalog import OptionsView, StationRecordsView, StationSearchView
from presentation.views.files import TokenDownloadView, ascii_fallback, attachment_header
from presentation.views.health import HealthView, LiveView, ReadyView
from presentation.views.requests import (
    RequestCancelView,
    RequestDetailView,
    RequestEstimateView,
    RequestFileView,
    RequestListCreateView,
    RequestRetryView,
)

__all__ = [
    "HealthView",
    "LiveView",
    "LogoutView",
    "MeView",
    "OptionsView",
    "PasswordResetConfirmView",
    "PasswordResetView",
    "ReadyView",
    "RegisterView",
    "RequestCancelView",
    "RequestDetailView",
    "RequestEstimateView",
    "RequestFileView",
    "RequestListCreateView",
    "RequestRetryView",
    "StationRecordsView",
    "StationSearchView",
    "TokenDownloadView",
    "TokenRefresh",
    "TokenVerify",
    "TokenView",
    "VerifyEmailView",
    "ascii_fallback",
    "attachment_header",
]
