from django.core.management.base import BaseCommand
from django.db import transaction

from mockroom.rubrics.library import load_library
from mockroom.rubrics.models import Criterion, Level, Rubric


class Command(BaseCommand):
    help = "Create or refresh the built-in rubrics from mockroom/rubrics/library/*.json."

    @transaction.atomic
    def handle(self, *args, **options):
        count = load_library(Rubric, Criterion, Level)
        self.stdout.write(f"{count} built-in rubrics loaded.")
