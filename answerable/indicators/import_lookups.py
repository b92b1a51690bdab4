"""Finding an imported row's indicator and category among those the person records."""

from django.utils.translation import gettext as _

from answerable.indicators.import_cells import CODE, INDICATOR
from answerable.indicators.models import Indicator, IndicatorCategory


class IndicatorLookup:
    """Find a row's indicator among those the person records, by code or by name."""

    def __init__(self, indicators: list[Indicator]) -> None:
        self.by_code = {str(indicator.pk): indicator for indicator in indicators}
        self.by_name: dict[str, list[Indicator]] = {}
        for indicator in indicators:
            self.by_name.setdefault(indicator.name.casefold(), []).append(indicator)

    def find(self, code: str, name: str) -> tuple[Indicator | None, str, str]:
        """(indicator, column, problem): the indicator, or the column at fault and why."""
        if code:
            indicator = self.by_code.get(code)
            if indicator is None:
                return (
                    None,
                    CODE,
                    _("No indicator you record has the code %(code)s") % {"code": code},
                )
            if name and name.casefold() != indicator.name.casefold():
                return (
                    None,
                    INDICATOR,
                    _("Indicator %(code)s is called %(name)s, not %(given)s")
                    % {"code": code, "name": indicator.name, "given": name},
                )
            return indicator, "", ""
        if not name:
            return None, INDICATOR, _("Enter the indicator's code or name")
        found = self.by_name.get(name.casefold(), [])
        if not found:
            return None, INDICATOR, _("No indicator you record is called %(name)s") % {"name": name}
        if len(found) > 1:
            return (
                None,
                INDICATOR,
                _("More than one indicator you record is called %(name)s. Give its code: %(codes)s")
                % {"name": name, "codes": ", ".join(str(i.pk) for i in found)},
            )
        return found[0], "", ""


class CategoryLookup:
    """Find a row's category among its indicator's breakdowns: by the category's name, or as
    "breakdown: category" where two breakdowns share a category's name."""

    def __init__(self, categories: list[IndicatorCategory]) -> None:
        self.by_indicator: dict[int, dict[str, list[IndicatorCategory]]] = {}
        for category in categories:
            names = self.by_indicator.setdefault(category.breakdown.indicator_id, {})
            names.setdefault(category.name.casefold(), []).append(category)
            qualified = f"{category.breakdown.name}: {category.name}".casefold()
            names.setdefault(qualified, []).append(category)

    def find(self, indicator: Indicator, text: str) -> tuple[IndicatorCategory | None, str]:
        """(category, problem): the category the text names, or why there is none."""
        names = self.by_indicator.get(indicator.pk, {})
        found = names.get(" ".join(text.split()).casefold(), [])
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            example = f"{found[0].breakdown.name}: {found[0].name}"
            return None, _(
                "%(text)s is a category of more than one of %(name)s's breakdowns. "
                "Write the breakdown too, like %(example)s"
            ) % {"text": text, "name": indicator.name, "example": example}
        if not names:
            return None, _(
                "%(name)s is not broken down, so there is no %(text)s. Leave the breakdown "
                "empty for the indicator's own figure"
            ) % {"name": indicator.name, "text": text}
        known = sorted({c.name for found in names.values() for c in found})
        return None, _(
            "%(name)s has no category called %(text)s. Its categories are: %(known)s"
        ) % {"name": indicator.name, "text": text, "known": ", ".join(known)}
