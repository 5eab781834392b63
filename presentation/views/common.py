"""What every view module shares: the error responses of the schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

from presentation.errors import ErrorSerializer


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description="error") for code in codes}
