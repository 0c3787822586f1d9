"""The WebSocket side of the ASGI app: origin check, then session auth, then the routes."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter

from mockroom.core.origins import OriginValidator
from mockroom.live.routing import websocket_urlpatterns

websocket_application = OriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
