from django.urls import path

from . import views

app_name = "interviews"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("interviews/new/", views.interview_create, name="create"),
    path("interviews/<str:public_id>/", views.interview_detail, name="detail"),
    path("interviews/<str:public_id>/agenda/", views.agenda_update, name="agenda"),
    path("interviews/<str:public_id>/edit/", views.interview_edit, name="edit"),
    path("interviews/<str:public_id>/cancel/", views.interview_cancel, name="cancel"),
    path("interviews/<str:public_id>/reschedule/", views.interview_reschedule, name="reschedule"),
    path("interviews/<str:public_id>/invitations/", views.invitation_new, name="invite"),
    path(
        "interviews/<str:public_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="revoke",
    ),
    path("interviews/<str:public_id>/calendar.ics", views.interview_calendar, name="calendar"),
    path("interviews/<str:public_id>/swap/", views.interview_swap, name="swap"),
    path("join/<str:token>/", views.join, name="join"),
    path("board/", views.practice_board, name="practice_board"),
]
