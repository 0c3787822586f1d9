from django.urls import path

from . import views

app_name = "interviews"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("interviews/new/", views.interview_create, name="create"),
    path("board/", views.practice_board, name="practice_board"),
]
