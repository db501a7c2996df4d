import pytest

from guichet.catalog.models import Procedure, Theme
from guichet.conftest import published

# A form in three steps, the third only for companies, with conditions within a step.
WORKS_FIELDS = [
    {"id": "who", "type": "page", "label": "Le demandeur"},
    {
        "id": "applicant",
        "type": "choice",
        "widget": "radio",
        "label": "Vous êtes",
        "required": True,
        "choices": ["Particulier", "Entreprise"],
    },
    {
        "id": "company",
        "type": "siret",
        "label": "SIRET de l'entreprise",
        "required": True,
        "condition": {"field": "applicant", "op": "equals", "value": "Entreprise"},
    },
    {"id": "town", "type": "postal_commune", "label": "Votre commune", "required": True},
    {"id": "works", "type": "page", "label": "Les travaux"},
    {
        "id": "kind",
        "type": "choice",
        "label": "Installation",
        "required": True,
        "choices": ["Échafaudage", "Benne"],
    },
    {
        "id": "skip_info",
        "type": "info",
        "label": "Bon à savoir",
        "help": "Une benne ne reste pas plus de 7 jours.",
        "condition": {"field": "kind", "op": "equals", "value": "Benne"},
    },
    {"id": "when", "type": "section", "label": "Dates et lieu"},
    {"id": "start", "type": "date", "label": "Début", "required": True},
    {
        "id": "days",
        "type": "number",
        "label": "Durée en jours",
        "integer": True,
        "min": 1,
        "max": 90,
        "required": True,
    },
    {"id": "place", "type": "address", "label": "Emplacement", "required": True},
    {"id": "plan", "type": "file", "label": "Plan", "required": True, "extensions": ["pdf"]},
    {
        "id": "contact_page",
        "type": "page",
        "label": "Joindre l'entreprise",
        "condition": {"field": "applicant", "op": "equals", "value": "Entreprise"},
    },
    {"id": "phone", "type": "phone", "label": "Téléphone du chantier", "required": True},
]

STEP_1 = {
    "answer-applicant": "Particulier",
    "answer-town.postal_code": "20000",
    "answer-town.commune": "Ajaccio",
}
STEP_2 = {
    "answer-kind": "Benne",
    "answer-start": "2026-07-01",
    "answer-days": "5",
    "answer-place.address": "12 cours Napoléon",
    "answer-place.lat": "41.9192",
    "answer-place.lng": "8.7386",
}


@pytest.fixture
def works(org, service_a):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Déclarer une occupation du domaine public",
            slug="occupation",
            theme=Theme.ROADS,
            fields=WORKS_FIELDS,
        )
    )
