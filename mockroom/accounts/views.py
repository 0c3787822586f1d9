from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import ProfileForm
from .models import ApiToken
from .services import api_token_create, api_token_revoke, user_update_profile


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(
            user=request.user,  # type: ignore[arg-type]
            display_name=form.cleaned_data["display_name"],
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),  # type: ignore[union-attr]
            "new_token": request.session.pop("new_api_token", None),
        },
    )


@login_required
@require_POST
def api_token_new(request: HttpRequest) -> HttpResponse:
    _, token = api_token_create(user=request.user, name=request.POST.get("name", ""))  # type: ignore[arg-type]
    request.session["new_api_token"] = token
    messages.success(request, "API token created. Copy it now; it won't be shown again.")
    return redirect("accounts:profile")


@login_required
@require_POST
def api_token_delete(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    api_token_revoke(token=token)
    messages.success(request, "API token revoked.")
    return redirect("accounts:profile")
