"""``{{ certificate|certificate_badge }}``: the certificate as of today (certification.listing)."""

from django import template

from certification.listing import certificate_badge as badge

register = template.Library()


@register.filter
def certificate_badge(certificate):
    return badge(certificate)
