"""Démoville's information pages, questions and places: what the demo's portal answers
before a request is needed. Fictional, but written as a town hall would."""

HALL_HOURS = {
    "0": [["08:30", "12:00"], ["13:30", "17:30"]],
    "1": [["08:30", "12:00"], ["13:30", "17:30"]],
    "2": [["08:30", "12:00"], ["13:30", "17:30"]],
    "3": [["08:30", "12:00"], ["13:30", "19:00"]],
    "4": [["08:30", "12:00"], ["13:30", "17:00"]],
    "5": [["09:00", "12:00"]],
}

FRENCH_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
ENGLISH_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _same_hours(hours: dict) -> list[tuple[int, int, list]]:
    """(first day, last day, ranges): the open days, consecutive days with the same hours
    together."""
    spans = []
    for day in range(7):
        ranges = hours.get(str(day)) or []
        if not ranges:
            continue
        if spans and spans[-1][1] == day - 1 and spans[-1][2] == ranges:
            spans[-1] = (spans[-1][0], day, ranges)
        else:
            spans.append((day, day, ranges))
    return spans


def _french_time(time: str) -> str:
    """ "08:30" -> "8 h 30", "12:00" -> "12 h"."""
    hours, minutes = time.split(":")
    return f"{int(hours)} h" + ("" if minutes == "00" else f" {minutes}")


def french_week(hours: dict) -> str:
    """The week in a French sentence, so that what the FAQ says is what the place's hours
    are: "du lundi au mercredi de 8 h 30 à 12 h et de 13 h 30 à 17 h 30, le jeudi ..."."""
    parts = []
    for first, last, ranges in _same_hours(hours):
        days = (
            f"du {FRENCH_DAYS[first]} au {FRENCH_DAYS[last]}"
            if last > first
            else f"le {FRENCH_DAYS[first]}"
        )
        times = " et ".join(f"de {_french_time(a)} à {_french_time(b)}" for a, b in ranges)
        parts.append(f"{days} {times}")
    return ", ".join(parts)


def french_week_lines(hours: dict, notes: dict | None = None) -> str:
    """One line per group of days, as a service's opening hours are written:
    "Du lundi au mercredi : 8 h 30 – 12 h et 13 h 30 – 17 h 30"; `notes` by first day."""
    lines = []
    for first, last, ranges in _same_hours(hours):
        days = (
            f"Du {FRENCH_DAYS[first]} au {FRENCH_DAYS[last]}"
            if last > first
            else FRENCH_DAYS[first].capitalize()
        )
        times = " et ".join(f"{_french_time(a)} – {_french_time(b)}" for a, b in ranges)
        note = (notes or {}).get(first)
        lines.append(f"{days} : {times}" + (f" ({note})" if note else ""))
    return "\n".join(lines)


def english_week(hours: dict) -> str:
    """ "Monday to Wednesday 8:30–12:00 and 13:30–17:30, Thursday ..."."""
    parts = []
    for first, last, ranges in _same_hours(hours):
        days = (
            f"{ENGLISH_DAYS[first]} to {ENGLISH_DAYS[last]}"
            if last > first
            else ENGLISH_DAYS[first]
        )
        times = " and ".join(f"{a.lstrip('0')}–{b.lstrip('0')}" for a, b in ranges)
        parts.append(f"{days} {times}")
    return ", ".join(parts)


PLACES = [
    {
        "slug": "hotel-de-ville",
        "name": "Hôtel de ville",
        "address": "1 place de la Mairie\n12345 Démoville",
        "phone": "01 99 00 12 00",
        "email": "contact@demoville.test",
        "latitude": 46.9935,
        "longitude": 2.1172,
        "hours": HALL_HOURS,
        "hours_note": "Le samedi matin, seuls l'accueil et l'état civil sont ouverts.",
        "services": ["etat-civil", "urbanisme"],
        # Days from today: an exceptional closure the portal and e-mails announce.
        "closures": [(9, 9, "Formation du personnel")],
    },
    {
        "slug": "centre-technique",
        "name": "Centre technique municipal",
        "address": "14 rue des Ateliers\n12345 Démoville",
        "phone": "01 99 00 12 10",
        "email": "voirie@demoville.test",
        "latitude": 46.9871,
        "longitude": 2.1265,
        "hours": {str(day): [["08:00", "12:00"], ["13:30", "16:30"]] for day in range(5)},
        "hours_note": "Astreinte les soirs et week-ends au 01 99 00 12 99.",
        "services": ["voirie-proprete"],
        "closures": [],
    },
    {
        "slug": "maison-des-associations",
        "name": "Maison des associations",
        "address": "8 rue des Tilleuls\n12345 Démoville",
        "phone": "01 99 00 12 30",
        "email": "associations@demoville.test",
        "latitude": 46.9958,
        "longitude": 2.1121,
        "hours": {
            "0": [["09:00", "12:00"], ["14:00", "18:00"]],
            "1": [["09:00", "12:00"], ["14:00", "18:00"]],
            "2": [["14:00", "19:00"]],
            "3": [["09:00", "12:00"], ["14:00", "18:00"]],
        },
        "hours_note": "",
        "services": ["vie-associative"],
        "closures": [(20, 27, "Congés de fin d'année")],
    },
]

# Appointments at the town hall: agenda, service, counters, meeting types (name, minutes,
# people per meeting, documents to bring).
DOCUMENTS = (
    "Le numéro de pré-demande en ligne\nUne photo d'identité de moins de six mois\n"
    "Un justificatif de domicile\nL'ancien titre, ou une déclaration de perte ou de vol"
)
AGENDAS = [
    (
        "Passeports et cartes d'identité",
        "etat-civil",
        ["Guichet 1", "Guichet 2"],
        [("Passeport", 20, 4, DOCUMENTS), ("Carte d'identité", 20, 4, DOCUMENTS)],
    ),
    (
        "État civil",
        "etat-civil",
        ["Accueil état civil"],
        [
            ("Déclaration de naissance ou de reconnaissance", 30, 2, "Pièces d'identité"),
            ("Dossier de mariage ou de PACS", 45, 2, "Pièces d'identité, justificatifs"),
        ],
    ),
]

# kind, title, summary, body, themes, life events, procedures, places, related (slugs).
PAGES = [
    (
        "page",
        "Passeport et carte d'identité",
        "Sur rendez-vous, en mairie : les pièces à préparer et les délais.",
        "## Prendre rendez-vous\n\nLes demandes se déposent **sur rendez-vous** à l'accueil "
        "de l'hôtel de ville, du lundi au samedi matin. Comptez 20 minutes. "
        "[Prendre rendez-vous en ligne](/rendez-vous/)\n\n"
        "## Pièces à fournir\n\n- une pré-demande en ligne (numéro à présenter)\n"
        "- une photo d'identité de moins de six mois\n- un justificatif de domicile\n"
        "- l'ancien titre, ou une déclaration de perte ou de vol\n\n"
        "## Délais\n\nLe titre est prêt en trois à six semaines ; un SMS vous prévient. "
        "Il se retire en personne, dans les trois mois.",
        ["etat-civil"],
        [],
        [],
        ["hotel-de-ville"],
        ["Perte ou vol de papiers d'identité"],
    ),
    (
        "page",
        "Perte ou vol de papiers d'identité",
        "Que faire quand une carte d'identité ou un passeport est perdu ou volé.",
        "En cas de **vol**, déclarez-le d'abord à la police ou à la gendarmerie. En cas de "
        "**perte**, la déclaration se fait lors de la nouvelle demande, en mairie.\n\n"
        "Un timbre fiscal est demandé pour remplacer une carte perdue ou volée.",
        ["etat-civil"],
        [],
        [],
        ["hotel-de-ville"],
        ["Passeport et carte d'identité"],
    ),
    (
        "page",
        "Actes de naissance, de mariage et de décès",
        "Obtenir la copie ou l'extrait d'un acte dressé à Démoville.",
        "Les actes dressés à Démoville se demandent en ligne, gratuitement. Ils sont envoyés "
        "par courrier ou à retirer à l'accueil.\n\nPour un acte dressé dans une autre "
        "commune, adressez-vous à celle-ci ; pour un acte dressé à l'étranger, au service "
        "central d'état civil de Nantes.",
        ["etat-civil"],
        ["naissance", "union", "deces"],
        ["acte-etat-civil"],
        ["hotel-de-ville"],
        [],
    ),
    (
        "page",
        "Déclarer une naissance",
        "Dans les cinq jours qui suivent l'accouchement, à la mairie du lieu de naissance.",
        "La naissance se déclare dans les **cinq jours** qui suivent l'accouchement, à la "
        "mairie du lieu de naissance. La maternité de Démoville transmet souvent la "
        "déclaration elle-même : renseignez-vous sur place.\n\n## À apporter\n\n"
        "- le certificat d'accouchement\n- les pièces d'identité des parents\n"
        "- le livret de famille, si vous en avez un",
        ["etat-civil"],
        ["naissance"],
        [],
        ["hotel-de-ville"],
        ["Actes de naissance, de mariage et de décès"],
    ),
    (
        "page",
        "Se marier à Démoville",
        "Le dossier de mariage, les délais de publication et la cérémonie.",
        "Le dossier se dépose à l'état civil au moins **deux mois** avant la date souhaitée. "
        "Les bans sont publiés dix jours avant la cérémonie.\n\nLes cérémonies ont lieu le "
        "vendredi après-midi et le samedi, dans la salle des mariages de l'hôtel de ville.",
        ["etat-civil"],
        ["union"],
        [],
        ["hotel-de-ville"],
        ["Se pacser"],
    ),
    (
        "page",
        "Se pacser",
        "Le pacte civil de solidarité s'enregistre en mairie, sur rendez-vous.",
        "Le Pacs s'enregistre à la mairie de votre résidence commune, ou chez un notaire. "
        "Déposez la convention et les pièces justificatives à l'état civil, puis prenez "
        "rendez-vous pour la signature.",
        ["etat-civil"],
        ["union"],
        [],
        ["hotel-de-ville"],
        ["Se marier à Démoville"],
    ),
    (
        "page",
        "Déclarer un décès",
        "Dans les 24 heures, à la mairie du lieu du décès ; souvent par les pompes funèbres.",
        "Le décès se déclare dans les 24 heures à la mairie du lieu du décès. Les pompes "
        "funèbres s'en chargent le plus souvent pour la famille.\n\nLes copies d'actes de "
        "décès se demandent ensuite en ligne.",
        ["etat-civil"],
        ["deces"],
        ["acte-etat-civil"],
        ["hotel-de-ville"],
        [],
    ),
    (
        "page",
        "Inscription sur les listes électorales",
        "En ligne ou en mairie, jusqu'au sixième vendredi avant un scrutin.",
        "Vous pouvez vous inscrire toute l'année, au plus tard le **sixième vendredi** avant "
        "un scrutin. Les jeunes recensés à 16 ans sont inscrits d'office à 18 ans.\n\n"
        "Après un déménagement dans la commune, signalez votre nouvelle adresse : votre "
        "bureau de vote peut changer.",
        ["etat-civil"],
        ["demenagement"],
        [],
        ["hotel-de-ville"],
        ["Recensement citoyen à 16 ans"],
    ),
    (
        "page",
        "Recensement citoyen à 16 ans",
        "Obligatoire dans les trois mois qui suivent le seizième anniversaire.",
        "Tout jeune Français doit se faire recenser entre ses 16 ans et la fin du troisième "
        "mois suivant. L'attestation est demandée pour les examens et le permis de conduire.\n\n"
        "Présentez-vous à l'accueil avec une pièce d'identité et le livret de famille.",
        ["etat-civil", "ecoles"],
        [],
        [],
        ["hotel-de-ville"],
        [],
    ),
    (
        "page",
        "Arriver à Démoville",
        "Les démarches utiles quand on s'installe dans la commune.",
        "Bienvenue ! Quelques démarches à prévoir :\n\n"
        "- s'inscrire sur les listes électorales\n- inscrire les enfants à l'école\n"
        "- demander un badge d'accès à la déchetterie\n- connaître les jours de collecte\n\n"
        "L'accueil de l'hôtel de ville vous remet le guide des nouveaux arrivants.",
        ["general"],
        ["demenagement"],
        [],
        ["hotel-de-ville"],
        [
            "Inscription sur les listes électorales",
            "Inscription à l'école maternelle et élémentaire",
            "Jours de collecte des déchets",
        ],
    ),
    (
        "page",
        "Inscription à l'école maternelle et élémentaire",
        "Les inscriptions scolaires ouvrent en mars pour la rentrée de septembre.",
        "Les inscriptions se font au service scolaire de mars à mai, puis auprès du directeur "
        "de l'école.\n\n## Pièces à fournir\n\n- le livret de famille\n"
        "- un justificatif de domicile de moins de trois mois\n- le carnet de vaccination",
        ["ecoles"],
        ["scolarite", "demenagement"],
        [],
        ["hotel-de-ville"],
        ["Cantine et accueil périscolaire"],
    ),
    (
        "page",
        "Cantine et accueil périscolaire",
        "Inscriptions, tarifs selon le quotient familial, menus de la semaine.",
        "La cantine et l'accueil du matin et du soir se réservent sur le portail famille. "
        "Les tarifs dépendent du quotient familial de la CAF.\n\nLes menus sont affichés "
        "dans chaque école et publiés chaque vendredi.",
        ["ecoles"],
        ["scolarite"],
        [],
        ["hotel-de-ville"],
        ["Inscription à l'école maternelle et élémentaire"],
    ),
    (
        "page",
        "Jours de collecte des déchets",
        "Ordures ménagères, tri sélectif et verre : le calendrier par quartier.",
        "- **Ordures ménagères** : lundi et jeudi matin\n- **Tri sélectif** (bac jaune) : "
        "mercredi matin, une semaine sur deux\n- **Verre** : en points d'apport volontaire\n\n"
        "Sortez les bacs la veille au soir et rentrez-les après le passage.",
        ["dechets"],
        ["demenagement"],
        [],
        ["centre-technique"],
        ["Collecte des encombrants", "Déchetterie : horaires et badge d'accès"],
    ),
    (
        "page",
        "Collecte des encombrants",
        "Sur rendez-vous, une fois par mois, devant chez vous.",
        "Les encombrants (meubles, électroménager, matelas) sont enlevés sur rendez-vous, une "
        "fois par mois par quartier, jusqu'à 2 m³. Demandez un créneau en ligne.\n\n"
        "Les gravats, pneus et produits dangereux vont à la déchetterie.",
        ["dechets"],
        ["demenagement"],
        ["collecte-encombrants"],
        ["centre-technique"],
        ["Déchetterie : horaires et badge d'accès"],
    ),
    (
        "page",
        "Déchetterie : horaires et badge d'accès",
        "Gratuite pour les habitants, avec un badge délivré en mairie.",
        "La déchetterie intercommunale est ouverte du mardi au samedi, de 9 h à 12 h et de "
        "14 h à 18 h. L'accès se fait avec un badge, gratuit pour les habitants, délivré sur "
        "présentation d'un justificatif de domicile.",
        ["dechets"],
        ["demenagement", "travaux"],
        [],
        ["hotel-de-ville"],
        [],
    ),
    (
        "page",
        "Travaux : déclaration préalable ou permis de construire ?",
        "Quelle autorisation d'urbanisme selon la nature et la surface des travaux.",
        "- **Déclaration préalable** : extension de 5 à 20 m², clôture, changement de "
        "fenêtres ou de toiture, piscine non couverte\n- **Permis de construire** : "
        "construction nouvelle ou extension de plus de 20 m²\n\nLe service urbanisme vous "
        "reçoit sur rendez-vous pour relire votre projet avant le dépôt.",
        ["urbanisme"],
        ["travaux"],
        [],
        ["hotel-de-ville"],
        ["Occuper le trottoir pour un chantier ou un déménagement"],
    ),
    (
        "page",
        "Occuper le trottoir pour un chantier ou un déménagement",
        "Benne, échafaudage, camion de déménagement : l'autorisation à demander.",
        "Toute occupation du domaine public (benne, échafaudage, camion) demande une "
        "autorisation, à déposer au moins **dix jours** avant. Un arrêté de circulation est "
        "parfois nécessaire : comptez alors trois semaines.",
        ["urbanisme", "voirie"],
        ["demenagement", "travaux"],
        ["occupation-domaine-public"],
        ["hotel-de-ville"],
        [],
    ),
    (
        "page",
        "Louer une salle municipale",
        "Trois salles pour les associations, les habitants et les professionnels.",
        "La salle des fêtes (300 personnes), la salle polyvalente (120) et la salle de "
        "réunion (30) se réservent en ligne, au moins un mois à l'avance. Une attestation "
        "d'assurance est demandée.",
        ["associations"],
        ["evenement", "union"],
        ["reserver-une-salle"],
        ["maison-des-associations"],
        ["Organiser une manifestation sur la voie publique"],
    ),
    (
        "page",
        "Organiser une manifestation sur la voie publique",
        "Vide-grenier, fête de quartier, course : les autorisations et les délais.",
        "Déclarez la manifestation au moins **deux mois** avant. Une buvette temporaire "
        "demande une autorisation distincte.",
        ["associations"],
        ["evenement"],
        [],
        ["maison-des-associations"],
        ["Louer une salle municipale"],
    ),
    (
        "page",
        "Ouvrir un commerce à Démoville",
        "Les démarches auprès de la mairie : enseigne, terrasse, accessibilité.",
        "Avant d'ouvrir, pensez à l'autorisation d'enseigne, à la terrasse si vous en "
        "souhaitez une, et à l'attestation d'accessibilité de votre local.\n\n"
        "Le service urbanisme et domaine public vous conseille sur rendez-vous.",
        ["economie"],
        ["entreprise"],
        ["occupation-domaine-public"],
        ["hotel-de-ville"],
        [],
    ),
    (
        "faq",
        "Quel est le délai pour obtenir une carte d'identité ?",
        "De trois à six semaines après le rendez-vous.",
        "Comptez de trois à six semaines après votre rendez-vous, plus en été. Un SMS vous "
        "prévient quand la carte est prête.",
        ["etat-civil"],
        [],
        [],
        ["hotel-de-ville"],
        ["Passeport et carte d'identité"],
    ),
    (
        "faq",
        "Faut-il prendre rendez-vous pour un passeport ?",
        "Oui, toujours.",
        "Oui : les demandes de passeport et de carte d'identité se déposent uniquement sur "
        "rendez-vous, pour que la prise d'empreintes ne vous fasse pas attendre.",
        ["etat-civil"],
        [],
        [],
        ["hotel-de-ville"],
        ["Passeport et carte d'identité"],
    ),
    (
        "faq",
        "Comment obtenir un acte de naissance ?",
        "En ligne, gratuitement, s'il a été dressé à Démoville.",
        "Demandez-le en ligne : il est gratuit et vous parvient par courrier en quelques "
        "jours, ou à retirer à l'accueil.",
        ["etat-civil"],
        ["naissance"],
        ["acte-etat-civil"],
        [],
        [],
    ),
    (
        "faq",
        "Un lampadaire est éteint dans ma rue : que faire ?",
        "Signalez-le en ligne, avec l'adresse ou un point sur la carte.",
        "Signalez-le en ligne : la demande part directement au service voirie, qui intervient "
        "en général sous une semaine. Indiquez le numéro inscrit sur le poteau si vous le "
        "voyez.",
        ["voirie"],
        [],
        ["signaler-un-probleme"],
        ["centre-technique"],
        [],
    ),
    (
        "faq",
        "Qui contacter en cas d'urgence sur la voirie le week-end ?",
        "L'astreinte des services techniques, au 01 99 00 12 99.",
        "Pour un danger immédiat (arbre tombé, chaussée effondrée), appelez l'astreinte au "
        "01 99 00 12 99, ou le 17 et le 18 en cas d'accident.",
        ["voirie"],
        [],
        ["signaler-un-probleme"],
        ["centre-technique"],
        [],
    ),
    (
        "faq",
        "Ma poubelle n'a pas été ramassée : que faire ?",
        "Signalez-le le jour même ; le bac est repris au passage suivant.",
        "Vérifiez que le bac était sorti la veille au soir et que son couvercle fermait. "
        "Signalez l'oubli en ligne le jour même : le bac est collecté au passage suivant.",
        ["dechets"],
        [],
        ["signaler-un-probleme"],
        ["centre-technique"],
        ["Jours de collecte des déchets"],
    ),
    (
        "faq",
        "Les encombrants sont-ils payants ?",
        "Non, jusqu'à 2 m³ par passage.",
        "La collecte est gratuite jusqu'à 2 m³ par passage. Au-delà, ou pour des gravats, "
        "rendez-vous à la déchetterie.",
        ["dechets"],
        [],
        ["collecte-encombrants"],
        [],
        ["Collecte des encombrants"],
    ),
    (
        "faq",
        "Comment inscrire mon enfant à la cantine ?",
        "Sur le portail famille, avant le 20 du mois précédent.",
        "Réservez les repas sur le portail famille avant le 20 du mois précédent. Pour un "
        "régime alimentaire particulier, un projet d'accueil individualisé est établi avec "
        "l'école.",
        ["ecoles"],
        ["scolarite"],
        [],
        [],
        ["Cantine et accueil périscolaire"],
    ),
    (
        "faq",
        "Ai-je besoin d'une autorisation pour changer mes fenêtres ?",
        "Oui, une déclaration préalable si l'aspect extérieur change.",
        "Oui, dès que l'aspect extérieur change (couleur, matériau, forme), une déclaration "
        "préalable est nécessaire. Comptez un mois d'instruction.",
        ["urbanisme"],
        ["travaux"],
        [],
        ["hotel-de-ville"],
        ["Travaux : déclaration préalable ou permis de construire ?"],
    ),
    (
        "faq",
        "Puis-je installer une benne devant chez moi ?",
        "Oui, avec une autorisation d'occupation du domaine public.",
        "Oui, après avoir obtenu une autorisation d'occupation du domaine public, à demander "
        "au moins dix jours avant.",
        ["urbanisme", "voirie"],
        ["travaux", "demenagement"],
        ["occupation-domaine-public"],
        [],
        ["Occuper le trottoir pour un chantier ou un déménagement"],
    ),
    (
        "faq",
        "Combien coûte la location de la salle des fêtes ?",
        "Selon la durée et l'organisateur ; gratuite pour les associations de la commune.",
        "La salle est gratuite une fois par an pour les associations de Démoville. Pour les "
        "habitants, le tarif dépend de la durée ; il est rappelé dans la confirmation de "
        "réservation.",
        ["associations"],
        ["evenement"],
        ["reserver-une-salle"],
        ["maison-des-associations"],
        ["Louer une salle municipale"],
    ),
    (
        "faq",
        "Quels sont les horaires de la mairie ?",
        "Du lundi au vendredi et le samedi matin : les horaires de l'hôtel de ville.",
        # Written from the place's hours, so that the two never disagree.
        f"L'hôtel de ville est ouvert {french_week(HALL_HOURS)}. Le samedi matin, seuls "
        "l'accueil et l'état civil sont ouverts.",
        ["general"],
        [],
        ["question-a-la-mairie"],
        ["hotel-de-ville"],
        [],
    ),
    (
        "faq",
        "Comment joindre le maire ou un adjoint ?",
        "Par écrit, ou sur rendez-vous auprès du secrétariat.",
        "Écrivez au maire en ligne ou par courrier ; le secrétariat du cabinet fixe les "
        "rendez-vous. Les adjoints tiennent une permanence le samedi matin.",
        ["general"],
        [],
        ["question-a-la-mairie"],
        ["hotel-de-ville"],
        [],
    ),
]

# Translations of a few pages: English readers see these, French elsewhere.
ENGLISH = {
    "Passeport et carte d'identité": (
        "Passport and identity card",
        "By appointment, at the town hall: what to bring and how long it takes.",
        "## Book an appointment\n\nApplications are made **by appointment** at the town "
        "hall's front desk, Monday to Saturday morning.\n\n## What to bring\n\n"
        "- an online pre-application number\n- an ID photo less than six months old\n"
        "- a proof of address\n- the old document, or a loss or theft declaration",
    ),
    "Jours de collecte des déchets": (
        "Waste collection days",
        "Household waste, sorted waste and glass: the calendar by area.",
        "- **Household waste**: Monday and Thursday mornings\n- **Sorted waste** (yellow "
        "bin): Wednesday morning, every other week\n- **Glass**: in drop-off points",
    ),
    "Quels sont les horaires de la mairie ?": (
        "What are the town hall's opening hours?",
        "Monday to Friday and Saturday morning: the town hall's opening hours.",
        f"The town hall is open {english_week(HALL_HOURS)}. On Saturday mornings, only the "
        "front desk and civil status are open.",
    ),
}
# Pages whose review date has passed: the back office flags them to their author.
DUE_FOR_REVIEW = {"Déchetterie : horaires et badge d'accès", "Cantine et accueil périscolaire"}
