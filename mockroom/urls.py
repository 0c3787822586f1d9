from django.contrib import admin
from django.shortcuts import redirect, render
from django.urls import include, path

from mockroom.api import api
from mockroom.core.views import healthz, metrics


def home(request):
    if request.user.is_authenticated:
        return redirect("interviews:dashboard")
    return render(request, "home.html")


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("mockroom.accounts.urls")),
    path("", include("mockroom.interviews.urls")),
    path("", include("mockroom.live.urls")),
    path("", include("mockroom.whiteboard.urls")),
    path("rubrics/", include("mockroom.rubrics.urls")),
    path("", include("mockroom.feedback.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
