from django.urls import path

from . import views

app_name = "rubrics"
urlpatterns = [
    path("", views.rubric_list, name="list"),
    path("new/", views.rubric_new, name="new"),
    path("import/", views.rubric_import, name="import"),
    path("schema.json", views.rubric_schema, name="schema"),
    path("<int:pk>/", views.rubric_detail, name="detail"),
    path("<int:pk>/edit/", views.rubric_edit, name="edit"),
    path("<int:pk>/duplicate/", views.rubric_duplicate, name="duplicate"),
    path("<int:pk>/delete/", views.rubric_delete, name="delete"),
    path("<int:pk>/move/", views.rubric_move, name="move"),
    path("<int:pk>/export.json", views.rubric_export, name="export"),
]
