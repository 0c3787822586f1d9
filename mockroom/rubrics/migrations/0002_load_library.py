from django.db import migrations


def load(apps, schema_editor):
    from mockroom.rubrics.library import load_library

    load_library(
        apps.get_model("rubrics", "Rubric"),
        apps.get_model("rubrics", "Criterion"),
        apps.get_model("rubrics", "Level"),
    )


def unload(apps, schema_editor):
    apps.get_model("rubrics", "Rubric").objects.filter(is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("rubrics", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
