"""Country names for forms and pages."""

from django_countries import Countries, CountryTuple

CEDILLA_TO_COMMA_BELOW = str.maketrans("şţŞŢ", "șțȘȚ")


class PortalCountries(Countries):
    """django-countries' names, with Romanian ș and ț written with the comma below: its
    Romanian catalogue uses the cedilla letters ş and ţ ("Croaţia"), which are wrong."""

    def translate_pair(self, code, name=None):
        pair = super().translate_pair(code, name)
        return CountryTuple(pair.code, pair.name.translate(CEDILLA_TO_COMMA_BELOW))


countries = PortalCountries()
