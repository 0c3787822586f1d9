from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("interviews/<str:public_id>/feedback/", views.feedback_form, name="form"),
    path("interviews/<str:public_id>/feedback/autosave/", views.feedback_autosave, name="autosave"),
    path("interviews/<str:public_id>/feedback/addendum/", views.feedback_addendum, name="addendum"),
    path("interviews/<str:public_id>/report/", views.report, name="report"),
    path("interviews/<str:public_id>/report.csv", views.report_csv, name="csv"),
    path("progress/", views.progress, name="progress"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
]
