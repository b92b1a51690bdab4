"""Rows read from the database become the instances Django's own loading makes (issue #12)."""

import pytest
from django.apps import apps
from django.db.models import Model
from django.db.models.signals import post_init

from answerable.core.models import QuickLoadingModel
from answerable.recommendations.models import Action
from answerable.recommendations.tests.factories import ActionFactory

QUICK = sorted(
    (
        model
        for model in apps.get_models()
        if issubclass(model, QuickLoadingModel) and not model._meta.proxy
    ),
    key=lambda model: model._meta.label,
)


def _as_django_loads(model: type[Model], names: list[str], values: list[object]) -> Model:
    return Model.from_db.__func__(model, "default", names, values)  # type: ignore[attr-defined]


def _same(ours: Model, djangos: Model) -> None:
    assert type(ours) is type(djangos)
    assert {k: v for k, v in vars(ours).items() if k != "_state"} == {
        k: v for k, v in vars(djangos).items() if k != "_state"
    }
    assert (ours._state.db, ours._state.adding) == (djangos._state.db, djangos._state.adding)
    assert ours.get_deferred_fields() == djangos.get_deferred_fields()


def test_every_register_model_loads_quickly():
    assert {Action._meta.label, "organisations.Organisation", "meetings.AgendaItem"} <= {
        model._meta.label for model in QUICK
    }


@pytest.mark.parametrize("model", QUICK, ids=lambda model: model._meta.label)
def test_a_whole_row_becomes_the_instance_django_makes(model):
    names = [field.attname for field in model._meta.concrete_fields]
    values = [f"value of {name}" for name in names]
    _same(model.from_db("default", names, values), _as_django_loads(model, names, values))


@pytest.mark.parametrize("model", QUICK, ids=lambda model: model._meta.label)
def test_a_row_of_some_columns_leaves_the_others_deferred(model):
    names = [field.attname for field in model._meta.concrete_fields][::2]
    values = [f"value of {name}" for name in names]
    ours = model.from_db("default", names, values)
    _same(ours, _as_django_loads(model, names, values))
    assert ours.get_deferred_fields() == {
        field.attname for field in model._meta.concrete_fields if field.attname not in names
    }


@pytest.mark.django_db
def test_a_row_read_with_some_columns_reads_the_rest_when_asked_and_saves():
    action = ActionFactory(description="Train every officer")
    read = Action.objects.select_related("owner").only("id", "owner__name").get(pk=action.pk)
    assert read.owner.name == action.owner.name
    assert read.description == "Train every officer"  # deferred: read now
    read.description = "Train every officer and member of staff"
    read.save(update_fields=["description"])
    assert Action.objects.get(pk=action.pk).description.endswith("member of staff")


@pytest.mark.django_db
def test_a_model_with_an_init_receiver_is_made_as_django_makes_it():
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    action = ActionFactory()
    seen.clear()
    post_init.connect(receiver, sender=Action)
    try:
        assert Action.objects.get(pk=action.pk).pk == action.pk
    finally:
        post_init.disconnect(receiver, sender=Action)
    assert seen == [action.pk]
