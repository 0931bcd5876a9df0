"""Copying a model row: the one way Aula makes a new row from an old one (an event copied as
the next one, with its agenda and registration set-up)."""


def unsaved_copy(instance, **changes):
    """``instance`` turned into a new, unsaved row with ``changes`` applied: ``save()`` inserts
    it. The caller copies related rows itself."""
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for name, value in changes.items():
        setattr(instance, name, value)
    return instance
