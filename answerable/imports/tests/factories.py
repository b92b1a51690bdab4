import factory

from answerable.imports.models import ImportJob
from answerable.organisations.tests.factories import OrganisationFactory, UserFactory


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A finished register import; pass `kind`, `files`, `counts` and `status` for others."""

    class Meta:
        model = ImportJob

    kind = ImportJob.Kind.RECOMMENDATIONS
    status = ImportJob.Status.SUCCEEDED
    started_by = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    files = factory.LazyFunction(
        lambda: [
            {
                "role": "register",
                "label": "File",
                "name": "register.csv",
                "kind": "csv",
                "path": "imports/gone.csv",
                "sha256": "0" * 64,
            }
        ]
    )
    options = factory.LazyFunction(dict)
    counts = factory.LazyFunction(
        lambda: {
            "sources_created": 1,
            "sources_reused": 0,
            "recommendations_created": 2,
            "actions_created": 3,
        }
    )
