"""``{{ certificate|certificate_badge }}``: the certificate as of today (certification.listing);
``{% institute_on_certificates as institute %}``: who signs the certificates (certification.institute)."""

from django import template

from certification.institute import institute_profile
from certification.listing import certificate_badge as badge

register = template.Library()


@register.filter
def certificate_badge(certificate):
    return badge(certificate)


@register.simple_tag
def institute_on_certificates():
    """The institute's name, signatory and position as the printed certificate
    names them (one query; the dossier's certificate section)."""
    return institute_profile()
