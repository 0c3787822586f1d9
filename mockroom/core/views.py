from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@never_cache
@require_GET
async def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness in one: 200 when the database and channel layer answer."""
    report, healthy = await health_report()
    return JsonResponse(report, status=200 if healthy else 503)
