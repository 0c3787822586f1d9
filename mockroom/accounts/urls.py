from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.api_token_new, name="token_new"),
    path("profile/tokens/<int:token_id>/revoke/", views.api_token_delete, name="token_revoke"),
]
