from django.urls import path

from . import views

app_name = "whiteboard"
urlpatterns = [
    path("interviews/<str:public_id>/files/", views.file_upload, name="upload"),
    path("interviews/<str:public_id>/files/<str:file_id>", views.file_download, name="file"),
    path("interviews/<str:public_id>/board/final/", views.final_upload, name="final_upload"),
    path("interviews/<str:public_id>/board/final.<str:fmt>", views.final_download, name="final"),
    path(
        "interviews/<str:public_id>/board.excalidraw",
        views.excalidraw_download,
        name="excalidraw",
    ),
    path("interviews/<str:public_id>/board/import/", views.excalidraw_import, name="import"),
    path("interviews/<str:public_id>/board.json", views.board_state, name="state"),
]
