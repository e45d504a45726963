from typing import Any

from django.conf import settings
from django.http import HttpRequest


def loket(request: HttpRequest) -> dict[str, Any]:
    return {"LOKET_DEBUG": settings.DEBUG}
