from django.urls import path

from .consumers import PingConsumer, RoomConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    path("ws/interviews/<str:public_id>/", RoomConsumer.as_asgi()),
]
