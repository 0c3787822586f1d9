"""`manage.py export_protocol`: write frontend/src/protocol.ts and docs/protocol.md."""

from django.conf import settings
from django.core.management.base import BaseCommand

from mockroom.live.codegen import markdown, typescript

TARGETS = {
    "frontend/src/protocol.ts": typescript,
    "docs/protocol.md": markdown,
}


class Command(BaseCommand):
    help = "Regenerate the TypeScript protocol types and docs/protocol.md from protocol.py."

    def handle(self, *args, **options):
        for relative, render in TARGETS.items():
            path = settings.BASE_DIR / relative
            path.write_text(render())
            self.stdout.write(f"wrote {relative}")
