"""`{% site_name %}`: the configured SITE_NAME, for page titles and the header."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME
