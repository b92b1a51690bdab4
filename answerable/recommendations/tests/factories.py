import datetime

import factory

from answerable.organisations.models import Organisation
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations.models import Action, Recommendation, Source


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
    reference = factory.Sequence(lambda n: f"R{n}")
    text = factory.Faker("paragraph", locale="en_GB")
    position = factory.Sequence(lambda n: n)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    recommendation = factory.SubFactory(RecommendationFactory)
    owner = factory.SubFactory(OrganisationFactory)
    description = factory.Faker("sentence", locale="en_GB")
