from django.contrib import admin

from .models import BoardFile, FinalBoard


@admin.register(BoardFile)
class BoardFileAdmin(admin.ModelAdmin):
    list_display = ["interview", "file_id", "mime_type", "size", "created_at"]


admin.site.register(FinalBoard)
