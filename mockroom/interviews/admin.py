from django.contrib import admin

from .models import Interview, Invitation, Participant


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "scheduled_at", "public_id"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "public_id"]
    readonly_fields = ["public_id", "status", "started_at", "ended_at", "rubric_snapshot"]
    inlines = [ParticipantInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["interview", "role", "expires_at", "revoked_at", "use_count"]
    readonly_fields = ["token_hash"]
