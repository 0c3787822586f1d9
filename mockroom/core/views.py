import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import metrics as prometheus
from .health import health_report


@never_cache
@require_GET
async def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness in one: 200 when the database and channel layer answer."""
    report, healthy = await health_report()
    return JsonResponse(report, status=200 if healthy else 503)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (mockroom/core/metrics.py), only to `Authorization: Bearer
    <METRICS_TOKEN>`. With no token set there is nothing here (404). Sync: in multiprocess
    mode a scrape reads every worker's files, which must not block the event loop."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not offered:
        response = HttpResponse(
            "A bearer token is required.\n", status=401, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(offered.strip().encode(), token.encode()):
        return HttpResponse("Wrong token.\n", status=403, content_type="text/plain")
    return HttpResponse(prometheus.exposition(), content_type=prometheus.CONTENT_TYPE_LATEST)
