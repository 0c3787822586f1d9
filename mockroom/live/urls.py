from django.urls import path

from . import views

app_name = "live"
urlpatterns = [path("interviews/<str:public_id>/room/", views.room, name="room")]
