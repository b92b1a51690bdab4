import datetime
from typing import Any

import factory

from answerable.organisations.models import Organisation
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations.models import Action, Recommendation, Source, Theme
from answerable.recommendations.tallies import (
    action_counted,
    partners_recounted,
    recommendation_counted,
    tally_add,
)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    owner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.PCC_OFFICE)
    title = factory.Sequence(lambda n: f"Inspection report {n}")
    kind = Source.Kind.INSPECTION
    publisher = "HMICFRS"
    published_on = datetime.date(2023, 12, 8)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    source = factory.SubFactory(SourceFactory)
    # Never "R" and a number: tests write those by hand into the same source.
    reference = factory.Sequence(lambda n: f"F{n}")
    text = factory.Faker("paragraph", locale="en_GB")
    position = factory.Sequence(lambda n: n)

    @classmethod
    def _create(cls, model_class: type[Recommendation], *args: Any, **kwargs: Any) -> Any:
        """Counted in the tallies, as recommendation_create counts it."""
        recommendation = super()._create(model_class, *args, **kwargs)
        if not recommendation.is_archived:
            tally_add([recommendation_counted(recommendation)])
        return recommendation


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    recommendation = factory.SubFactory(RecommendationFactory)
    source = factory.LazyAttribute(lambda action: action.recommendation.source)
    owner = factory.SubFactory(OrganisationFactory)
    description = factory.Faker("sentence", locale="en_GB")

    @classmethod
    def _create(cls, model_class: type[Action], *args: Any, **kwargs: Any) -> Any:
        """Counted in the tallies, as action_create counts it."""
        with partners_recounted([kwargs["recommendation"].pk]):
            action = super()._create(model_class, *args, **kwargs)
        if not action.is_archived:
            tally_add([action_counted(action)])
        return action


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    office = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.PCC_OFFICE)
    name = factory.Sequence(lambda n: f"Theme {n}")
