"""Choice fields whose options are read in one query.

Django reads a ModelChoiceField's options through `QuerySet.iterator()`, which on PostgreSQL
opens a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a list of a few
dozen services or procedures, on every page that shows the field. Here the options are the
field's queryset itself: one query, whose rows stay on that queryset for the rest of the
request (a view that listed them already reads no more). Each form has its own copy of the
queryset, so nothing outlives the request.
"""

from django import forms
from django.forms.models import ModelChoiceIterator


class OneQueryChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = OneQueryChoiceIterator
