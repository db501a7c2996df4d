"""The texts of the demo: two fictional communes, their services, procedures and people.

Everything here is stored as data, so it is written in French like the rest of the content a
collectivité would type. Addresses use the reserved .test domain, postal codes that do not
exist and telephone numbers from the ranges that ARCEP sets aside for fiction (01 99 00 ...,
06 39 98 ...).
"""

from . import info

# --- Form fields, by kind of procedure ------------------------------------------------------
ROAD_CATEGORIES = [
    "Chaussée ou trottoir abîmé",
    "Éclairage public en panne",
    "Dépôt sauvage de déchets",
    "Tag ou affichage sauvage",
    "Panneau ou feu de signalisation endommagé",
    "Mobilier urbain cassé (banc, potelet, corbeille)",
    "Arbre ou végétation gênante",
    "Autre problème",
]

CERTIFICATE_KINDS = ["Acte de naissance", "Acte de mariage", "Acte de décès"]
CERTIFICATE_FORMATS = [
    "Copie intégrale",
    "Extrait avec filiation",
    "Extrait sans filiation",
    "Extrait plurilingue",
]
CERTIFICATE_RELATIONS = [
    "La personne concernée",
    "Son père ou sa mère",
    "Son fils ou sa fille",
    "Son conjoint ou partenaire de Pacs",
    "Son représentant légal",
    "Un professionnel (notaire, avocat)",
    "Une autre personne",
]
CERTIFICATE_DELIVERY = ["Par courrier à mon domicile", "À retirer à l'accueil de la mairie"]

BULKY_ITEMS = [
    "Meubles",
    "Matelas ou sommier",
    "Gros électroménager (réfrigérateur, lave-linge…)",
    "Ferraille",
    "Vélo ou jouet volumineux",
    "Autre objet",
]
BULKY_SLOTS = ["Mardi matin", "Jeudi matin", "Indifférent"]

ROOMS = [
    "Salle des fêtes Jean-Moulin (300 personnes)",
    "Salle polyvalente des Tilleuls (120 personnes)",
    "Maison des associations, salle de réunion (30 personnes)",
]
ROOM_CAPACITY = dict(zip(ROOMS, [300, 120, 30], strict=True))
ROOM_EVENTS = [
    "Réunion ou assemblée générale",
    "Fête familiale",
    "Spectacle ou concert",
    "Loto, bourse ou vide-grenier",
    "Formation ou conférence",
    "Autre",
]
ROOM_ORGANIZERS = [
    "Particulier",
    "Association de Démoville",
    "Association extérieure",
    "Entreprise",
]
ROOM_EQUIPMENT = [
    "Tables et chaises",
    "Sonorisation",
    "Vidéoprojecteur et écran",
    "Cuisine équipée",
    "Scène mobile",
]

OCCUPATIONS = [
    "Terrasse de café ou de restaurant",
    "Échafaudage",
    "Benne ou dépôt de matériaux",
    "Véhicule de déménagement",
    "Étalage commercial",
    "Nacelle ou camion-grue",
]
OCCUPANTS = ["Particulier", "Commerçant", "Entreprise du bâtiment", "Syndic ou bailleur"]

QUESTION_TOPICS = [
    "Démarches et papiers",
    "Voirie, propreté et déchets",
    "Écoles, cantine et périscolaire",
    "Associations, sport et culture",
    "Urbanisme et travaux",
    "Autre sujet",
]
ANSWER_BY = ["Par e-mail", "Par téléphone"]

ASSOCIATION_DOMAINS = [
    "Sport",
    "Culture et loisirs",
    "Solidarité et santé",
    "Jeunesse et éducation",
    "Environnement",
    "Mémoire et anciens combattants",
    "Vie de quartier",
]

FIELDS = {
    "road": [
        {
            "id": "categorie",
            "type": "choice",
            "label": "Type de problème",
            "required": True,
            "choices": ROAD_CATEGORIES,
        },
        {
            "id": "description",
            "type": "textarea",
            "label": "Description",
            "required": True,
            "help": "Décrivez ce que vous avez constaté : la nature du problème, sa taille, "
            "depuis quand il existe.",
        },
        {
            "id": "danger",
            "type": "yesno",
            "label": "Le problème présente-t-il un danger pour les passants ou les véhicules ?",
            "required": True,
            "help": "Répondez « oui » si quelqu'un risque de se blesser : nous traitons ces "
            "signalements en priorité.",
        },
        {
            "id": "photo",
            "type": "file",
            "label": "Photo",
            "help": "Une photo aide nos équipes à préparer l'intervention.",
            "extensions": ["jpg", "jpeg", "png", "pdf"],
        },
    ],
    "certificate": [
        {"id": "etape_acte", "type": "page", "label": "L'acte"},
        {
            "id": "acte",
            "type": "choice",
            "label": "Acte demandé",
            "required": True,
            "choices": CERTIFICATE_KINDS,
        },
        {
            "id": "format",
            "type": "choice",
            "label": "Type de document",
            "required": True,
            "choices": CERTIFICATE_FORMATS,
            "help": "Pour un passeport ou une carte d'identité, un extrait avec filiation suffit "
            "en général. L'extrait plurilingue sert aux démarches dans un autre pays européen.",
        },
        {"id": "etape_personne", "type": "page", "label": "La personne concernée"},
        {
            "id": "nom",
            "type": "text",
            "label": "Nom de naissance de la personne concernée",
            "required": True,
        },
        {
            "id": "prenoms",
            "type": "text",
            "label": "Prénoms de la personne concernée",
            "required": True,
            "help": "Dans l'ordre de l'état civil, séparés par des virgules.",
        },
        {
            "id": "date_evenement",
            "type": "date",
            "label": "Date de l'événement",
            "required": True,
            "before": {
                "days_from_today": 0,
                "message": "Un acte ne se délivre que pour un événement passé.",
            },
            "help": "Date de la naissance, du mariage ou du décès.",
        },
        {
            "id": "lien",
            "type": "choice",
            "label": "Vous êtes",
            "required": True,
            "choices": CERTIFICATE_RELATIONS,
            "help": "La copie intégrale et l'extrait avec filiation d'un acte de naissance ou de "
            "mariage ne sont délivrés qu'à la personne concernée, à sa famille proche, à son "
            "représentant légal ou à un professionnel habilité.",
        },
        {"id": "etape_envoi", "type": "page", "label": "L'envoi"},
        {
            "id": "gratuit",
            "type": "info",
            "label": "Service gratuit",
            "help": "La délivrance d'un acte d'état civil est gratuite. Méfiez-vous des sites "
            "qui la font payer.",
        },
        {
            "id": "exemplaires",
            "type": "number",
            "label": "Nombre d'exemplaires",
            "required": True,
            "min": 1,
            "max": 5,
        },
        {
            "id": "remise",
            "type": "choice",
            "label": "Comment souhaitez-vous recevoir l'acte ?",
            "required": True,
            "choices": CERTIFICATE_DELIVERY,
        },
        {
            "id": "adresse_postale",
            "type": "textarea",
            "label": "Adresse postale d'envoi",
            "condition": {
                "field": "remise",
                "op": "equals",
                "value": "Par courrier à mon domicile",
            },
        },
    ],
    "bulky": [
        {
            "id": "objets",
            "type": "multichoice",
            "label": "Objets à enlever",
            "required": True,
            "choices": BULKY_ITEMS,
        },
        {
            "id": "detail",
            "type": "textarea",
            "label": "Liste des objets",
            "required": True,
            "help": "Par exemple : une armoire démontée, deux chaises, un matelas de 140 cm.",
        },
        {
            "id": "volume",
            "type": "number",
            "label": "Volume estimé (en m³)",
            "required": True,
            "min": 0.5,
            "max": 3,
            "help": "Un matelas représente environ 0,5 m³, une armoire démontée environ 1 m³. "
            "Nous enlevons 3 m³ au plus par passage.",
        },
        {
            "id": "creneau",
            "type": "choice",
            "label": "Jour de collecte souhaité",
            "required": True,
            "choices": BULKY_SLOTS,
        },
        {
            "id": "aide",
            "type": "yesno",
            "label": "Avez-vous besoin d'aide pour sortir les objets de votre logement ?",
            "required": True,
            "help": "Cette aide est réservée aux personnes de plus de 70 ans ou en situation de "
            "handicap.",
        },
        {
            "id": "telephone",
            "type": "phone",
            "label": "Téléphone joignable le jour de la collecte",
            "required": True,
        },
    ],
    "room": [
        {
            "id": "salle",
            "type": "choice",
            "label": "Salle souhaitée",
            "required": True,
            "choices": ROOMS,
        },
        {
            "id": "date_manifestation",
            "type": "date",
            "label": "Date de la manifestation",
            "required": True,
            "after": {"days_from_today": 0},
            "help": "Faites votre demande au moins un mois à l'avance.",
        },
        {
            "id": "horaires",
            "type": "text",
            "label": "Horaires souhaités",
            "required": True,
            "help": "Par exemple : de 14 h à 23 h, installation et rangement compris.",
        },
        {
            "id": "type_evenement",
            "type": "choice",
            "label": "Type de manifestation",
            "required": True,
            "choices": ROOM_EVENTS,
        },
        {
            "id": "participants",
            "type": "number",
            "label": "Nombre de personnes attendues",
            "required": True,
            "min": 1,
            "max": 300,
        },
        {
            "id": "organisateur",
            "type": "choice",
            "label": "Vous réservez en tant que",
            "required": True,
            "choices": ROOM_ORGANIZERS,
        },
        {
            "id": "structure",
            "type": "text",
            "label": "Nom de l'association ou de l'entreprise",
        },
        {
            "id": "materiel",
            "type": "multichoice",
            "label": "Matériel souhaité",
            "choices": ROOM_EQUIPMENT,
        },
        {
            "id": "buvette",
            "type": "yesno",
            "label": "Prévoyez-vous une buvette ?",
            "required": True,
            "help": "Une buvette temporaire se déclare en mairie : nous vous enverrons le "
            "formulaire.",
        },
        {
            "id": "assurance",
            "type": "file",
            "label": "Attestation d'assurance responsabilité civile",
            "help": "Vous pourrez aussi la transmettre plus tard, avant la remise des clés.",
        },
    ],
    "public_space": [
        {"id": "occupation", "type": "page", "label": "L'occupation"},
        {
            "id": "nature",
            "type": "choice",
            "label": "Objet de l'occupation",
            "required": True,
            "choices": OCCUPATIONS,
        },
        {
            "id": "qualite",
            "type": "choice",
            "label": "Vous êtes",
            "required": True,
            "choices": OCCUPANTS,
        },
        {
            "id": "professionnel",
            "type": "section",
            "label": "L'entreprise",
            "condition": {"field": "qualite", "op": "differs", "value": "Particulier"},
        },
        {"id": "entreprise", "type": "text", "label": "Raison sociale"},
        {
            "id": "siret",
            "type": "siret",
            "label": "Numéro SIRET",
            "help": "14 chiffres, sur l'extrait Kbis ou l'avis de situation SIRENE.",
        },
        {"id": "dates", "type": "page", "label": "Dates et emplacement"},
        {
            "id": "date_debut",
            "type": "date",
            "label": "Premier jour d'occupation",
            "required": True,
            "after": {
                "days_from_today": 0,
                "message": "L'occupation ne peut pas commencer avant aujourd'hui.",
            },
        },
        {
            "id": "date_fin",
            "type": "date",
            "label": "Dernier jour d'occupation",
            "required": True,
            "after": {"field": "date_debut"},
        },
        {
            "id": "emplacement",
            "type": "address",
            "label": "Emplacement, s'il diffère de l'adresse de la demande",
        },
        {
            "id": "surface",
            "type": "number",
            "label": "Surface occupée (en m²)",
            "required": True,
            "min": 1,
            "max": 200,
        },
        {
            "id": "stationnement",
            "type": "yesno",
            "label": "Faut-il neutraliser des places de stationnement ?",
            "required": True,
            "help": "Si oui, la ville prend un arrêté de stationnement : comptez trois semaines.",
        },
        {
            "id": "description",
            "type": "textarea",
            "label": "Description de l'occupation",
            "required": True,
            "help": "Dimensions, emplacement exact, passage laissé aux piétons (1,40 m au "
            "minimum)…",
        },
        {
            "id": "plan",
            "type": "file",
            "label": "Plan ou croquis de l'installation",
        },
    ],
    "question": [
        {
            "id": "sujet",
            "type": "choice",
            "label": "Sujet",
            "required": True,
            "choices": QUESTION_TOPICS,
        },
        {
            "id": "question",
            "type": "textarea",
            "label": "Votre question",
            "required": True,
            "help": "Donnez-nous tous les éléments utiles. N'indiquez ni données de santé, ni "
            "coordonnées bancaires.",
        },
        {
            "id": "reponse",
            "type": "choice",
            "label": "Comment préférez-vous recevoir la réponse ?",
            "required": True,
            "choices": ANSWER_BY,
        },
        {
            "id": "telephone",
            "type": "phone",
            "label": "Téléphone",
            "help": "Nous appelons du lundi au vendredi, de 9 h à 17 h.",
            "condition": {"field": "reponse", "op": "equals", "value": "Par téléphone"},
        },
    ],
    "association": [
        {
            "id": "nom_association",
            "type": "text",
            "label": "Nom de l'association",
            "required": True,
        },
        {
            "id": "rna",
            "type": "text",
            "label": "Numéro RNA",
            "help": "Il commence par W suivi de 9 chiffres et figure sur le récépissé de la "
            "préfecture.",
        },
        {
            "id": "domaines",
            "type": "multichoice",
            "label": "Domaines d'activité",
            "required": True,
            "choices": ASSOCIATION_DOMAINS,
        },
        {
            "id": "presentation",
            "type": "textarea",
            "label": "Présentation de l'association",
            "required": True,
            "help": "Quelques lignes, publiées telles quelles dans l'annuaire.",
        },
        {
            "id": "email_public",
            "type": "email",
            "label": "E-mail de contact publié",
            "required": True,
        },
        {"id": "telephone_public", "type": "phone", "label": "Téléphone publié"},
        {"id": "siege", "type": "postal_commune", "label": "Commune du siège"},
        {
            "id": "adherents",
            "type": "number",
            "label": "Nombre d'adhérents",
            "min": 1,
            "max": 5000,
        },
        {
            "id": "forum",
            "type": "yesno",
            "label": "Souhaitez-vous un stand au forum des associations de septembre ?",
            "required": True,
        },
    ],
}

# --- Organizations --------------------------------------------------------------------------
# The town hall's hours (the place's, in guichet/demo/info.py), as its services show them.
WEEKDAY_HOURS = info.french_week_lines(
    info.HALL_HOURS, notes={5: "accueil et état civil uniquement"}
)

DEMOVILLE = {
    "organization": {
        "name": "Ville de Démoville",
        "slug": "demoville",
        "domain": "",
        "reference_prefix": "DV",
        "address": "Hôtel de ville\n1 place de la Mairie\n12345 Démoville",
        "phone": "01 99 00 12 00",
        "email": "contact@demoville.test",
        "website": "https://www.demoville.test",
        # The commune's territory (a rough outline): no point on a map is accepted outside.
        "area": {
            "type": "Polygon",
            "coordinates": [
                [
                    [2.100, 46.986],
                    [2.108, 46.980],
                    [2.128, 46.979],
                    [2.138, 46.986],
                    [2.138, 46.999],
                    [2.128, 47.004],
                    [2.108, 47.004],
                    [2.100, 46.998],
                    [2.100, 46.986],
                ]
            ],
        },
    },
    "default": True,
    # Its places, information pages and questions (guichet/demo/info.py).
    "information": True,
    "postal_code": "12345",
    "town": "Démoville",
    "center": (46.9935, 2.1172),
    "case_count": 500,
    # A client of the REST API with every scope on every service (docs/api.md's examples).
    "api_client": {"name": "Démo (toutes les portées)", "key": "demo-api-key"},
    # Demands the family portal handles for the printed citizen login, shown in her space
    # beside her requests (cases/external.py; docs/api.md, "Demands handled elsewhere").
    "external_demands": {
        "client": {"name": "Portail Famille"},
        "demands": [
            {
                "external_ref": "FAM-2026-0117",
                "title": "Inscription à la cantine scolaire",
                "status": "waiting",
                "status_label": "Pièce manquante",
                "note": "Ajoutez un justificatif de domicile de moins de trois mois.",
                "url": "https://famille.demoville.test/dossiers/FAM-2026-0117",
                "days_ago": 2,
            },
            {
                "external_ref": "FAM-2026-0042",
                "title": "Accueil de loisirs du mercredi",
                "status": "closed",
                "status_label": "Inscription validée",
                "url": "https://famille.demoville.test/dossiers/FAM-2026-0042",
                "days_ago": 30,
            },
        ],
    },
    # Its mailbox: mails pushed to POST /inbound/email/ with this secret open questions to
    # the town hall, and the citizens' replies to its e-mails land on their requests.
    "mailbox": {
        "address": "mairie@demoville.test",
        "procedure": "question-a-la-mairie",
        "answers": {"sujet": "Autre sujet", "reponse": "Par e-mail"},
        "secret": "demo-inbound-secret",
    },
    # An Open311 client (docs/api.md), and the procedures published on Open311.
    "open311": {
        "client": {"name": "Démo Open311", "key": "demo-open311-key"},
        "services": {"signaler-un-probleme": {"keywords": "voirie, trottoir, éclairage"}},
    },
    "services": [
        {
            "slug": "voirie-proprete",
            "name": "Voirie et propreté",
            "email": "voirie@demoville.test",
            "phone": "01 99 00 12 10",
            "address": "Centre technique municipal\n14 rue des Ateliers\n12345 Démoville",
            "opening_hours": "Du lundi au vendredi : 8 h – 12 h et 13 h 30 – 16 h 30\n"
            "Astreinte les soirs et week-ends au 01 99 00 12 99",
        },
        {
            "slug": "etat-civil",
            "name": "État civil",
            "email": "etat-civil@demoville.test",
            "phone": "01 99 00 12 20",
            "address": "Hôtel de ville, rez-de-chaussée\n1 place de la Mairie\n12345 Démoville",
            "opening_hours": WEEKDAY_HOURS,
        },
        {
            "slug": "vie-associative",
            "name": "Vie associative et salles",
            "email": "associations@demoville.test",
            "phone": "01 99 00 12 30",
            "address": "Maison des associations\n8 rue des Tilleuls\n12345 Démoville",
            "opening_hours": "Lundi, mardi et jeudi : 9 h – 12 h et 14 h – 18 h\n"
            "Mercredi : 14 h – 19 h",
        },
        {
            "slug": "urbanisme",
            "name": "Urbanisme et domaine public",
            "email": "urbanisme@demoville.test",
            "phone": "01 99 00 12 40",
            "address": "Hôtel de ville, 2e étage\n1 place de la Mairie\n12345 Démoville",
            "opening_hours": "Sur rendez-vous du lundi au vendredi : 9 h – 12 h\n"
            "Accueil téléphonique l'après-midi : 14 h – 17 h",
        },
    ],
    "procedures": [
        {
            "kind": "road",
            "weight": 34,
            "service": "voirie-proprete",
            "title": "Signaler un problème sur la voie publique",
            "slug": "signaler-un-probleme",
            "theme": "voirie",
            "processing_days": 15,
            # Reports are anonymized three years after closing (statistics kept).
            "retention_months": 36,
            "asks_location": True,
            "summary": "Nid-de-poule, lampadaire en panne, dépôt sauvage, tag : prévenez les "
            "services de la ville.",
            "description": (
                "Vous avez remarqué un problème dans l'espace public : chaussée abîmée, "
                "éclairage en panne, dépôt sauvage, tag, panneau arraché ? Signalez-le ici : "
                "les équipes de la voirie et de la propreté interviennent dans les meilleurs "
                "délais.\n\n"
                "Indiquez l'adresse la plus précise possible et, si vous le pouvez, placez un "
                "point sur la carte et joignez une photo : nos agents trouveront le problème "
                "plus vite.\n\n"
                "En cas de danger immédiat (câble électrique à nu, arbre tombé sur la chaussée, "
                "odeur de gaz), appelez le 112 ou l'astreinte de la ville au 01 99 00 12 99 : ce "
                "formulaire n'est pas suivi la nuit ni le week-end."
            ),
        },
        {
            "kind": "certificate",
            "weight": 20,
            "service": "etat-civil",
            "title": "Demander un acte d'état civil",
            "slug": "acte-etat-civil",
            "theme": "etat-civil",
            "processing_days": 10,
            "to_prepare": "Le nom, les prénoms et la date de l'acte (naissance, mariage, décès)\n"
            "Les noms des parents de la personne concernée\n"
            "Votre lien avec elle, si l'acte n'est pas le vôtre",
            "summary": "Copie intégrale ou extrait d'acte de naissance, de mariage ou de décès, "
            "gratuit.",
            "description": (
                "Demandez une copie intégrale ou un extrait d'acte de naissance, de mariage ou "
                "de décès, pour un événement qui a eu lieu à Démoville. La délivrance est "
                "gratuite.\n\n"
                "Si l'événement a eu lieu dans une autre commune, adressez-vous à la mairie de "
                "cette commune. Pour un événement survenu à l'étranger, la demande se fait "
                "auprès du Service central d'état civil, à Nantes.\n\n"
                "La copie intégrale et l'extrait avec filiation d'un acte de naissance ou de "
                "mariage ne sont délivrés qu'à la personne concernée, à ses parents, enfants, "
                "conjoint ou partenaire de Pacs, à son représentant légal ou à un professionnel "
                "habilité (notaire, avocat). Toute personne peut obtenir un extrait sans "
                "filiation ou un acte de décès."
            ),
        },
        {
            "kind": "bulky",
            "weight": 18,
            "service": "voirie-proprete",
            "title": "Faire enlever des encombrants",
            "slug": "collecte-encombrants",
            "theme": "dechets",
            "processing_days": 10,
            "asks_location": True,
            "summary": "Collecte gratuite à domicile des meubles, matelas et gros "
            "électroménager, sur rendez-vous.",
            "description": (
                "La ville collecte gratuitement à domicile les objets trop volumineux pour un "
                "coffre de voiture : meubles, matelas, gros électroménager. La collecte a lieu "
                "le mardi ou le jeudi matin, sur rendez-vous, dans la limite de 3 m³ par "
                "passage.\n\n"
                "Après votre demande, nous vous confirmons la date de passage. Sortez vos "
                "objets la veille au soir devant votre domicile, sans gêner le passage des "
                "piétons.\n\n"
                "Ne sont pas collectés : gravats, déchets verts, pneus, produits chimiques, "
                "bouteilles de gaz. Apportez-les à la déchetterie intercommunale, route de "
                "Villeneuve, ouverte du mardi au samedi."
            ),
        },
        {
            "kind": "room",
            "weight": 8,
            "service": "vie-associative",
            "title": "Réserver une salle municipale",
            "slug": "reserver-une-salle",
            "theme": "associations",
            "processing_days": 21,
            "to_prepare": "La date et les horaires de la manifestation\n"
            "Le nombre de participants attendus\n"
            "L'attestation d'assurance responsabilité civile de l'organisateur",
            "summary": "Salle des fêtes, salle polyvalente ou salle de réunion, pour les "
            "associations, les particuliers et les entreprises.",
            "description": (
                "La ville prête ou loue trois salles : la salle des fêtes Jean-Moulin (300 "
                "personnes), la salle polyvalente des Tilleuls (120 personnes) et la salle de "
                "réunion de la Maison des associations (30 personnes).\n\n"
                "Faites votre demande au moins un mois avant la date souhaitée. La réservation "
                "n'est définitive qu'après la signature de la convention d'utilisation, le dépôt "
                "de la caution et la remise d'une attestation d'assurance responsabilité "
                "civile.\n\n"
                "Les associations de Démoville disposent gratuitement d'une salle deux fois par "
                "an. Les tarifs sont affichés à l'accueil de la mairie."
            ),
        },
        {
            "kind": "public_space",
            "weight": 7,
            "service": "urbanisme",
            "title": "Occuper le domaine public",
            "slug": "occupation-domaine-public",
            "theme": "economie",
            "processing_days": 30,
            "to_prepare": "Les dates et l'emplacement exact de l'occupation\n"
            "Le plan ou la photo de l'installation (benne, échafaudage, terrasse)\n"
            "Le numéro SIRET pour une entreprise",
            "asks_location": True,
            "summary": "Terrasse, échafaudage, benne, déménagement : demandez une autorisation "
            "d'occupation temporaire du trottoir ou de la chaussée.",
            "description": (
                "Installer une terrasse, un échafaudage, une benne ou garer un camion de "
                "déménagement sur le trottoir ou la chaussée demande une autorisation "
                "d'occupation temporaire du domaine public. Déposez votre demande au moins "
                "15 jours avant le début de l'occupation, un mois pour une terrasse.\n\n"
                "L'autorisation fixe l'emplacement, la durée et les conditions (signalisation, "
                "passage des piétons). Elle donne lieu à une redevance calculée selon la "
                "surface et la durée, sauf pour les déménagements de particuliers.\n\n"
                "Si le stationnement doit être interdit ou la circulation interrompue, la ville "
                "prend en plus un arrêté : comptez alors trois semaines."
            ),
        },
        {
            "kind": "question",
            "weight": 9,
            "service": "etat-civil",
            "title": "Poser une question à la mairie",
            "slug": "question-a-la-mairie",
            "theme": "general",
            "processing_days": 15,
            "summary": "Une question sur un service, une démarche, un horaire ? L'accueil de la "
            "mairie vous répond.",
            "description": (
                "Une question sur un service de la ville, une démarche, un horaire ? "
                "Écrivez-nous : l'accueil de la mairie vous répond, ou transmet votre question "
                "au service concerné.\n\n"
                "Pour une démarche précise (acte d'état civil, réservation de salle, "
                "encombrants, signalement), utilisez plutôt le formulaire qui lui est dédié : "
                "votre demande sera traitée plus vite.\n\n"
                "Nous répondons en général dans la semaine."
            ),
        },
        {
            "kind": "association",
            "weight": 4,
            "service": "vie-associative",
            "title": "Inscrire une association à l'annuaire municipal",
            "slug": "annuaire-associations",
            "theme": "associations",
            "processing_days": 20,
            "summary": "Faites connaître votre association aux habitants : annuaire en ligne et "
            "forum de septembre.",
            "description": (
                "L'annuaire des associations de Démoville, publié sur le site de la ville et "
                "distribué au forum de septembre, fait connaître vos activités aux habitants. "
                "L'inscription est gratuite et ouverte aux associations dont le siège ou "
                "l'activité principale est à Démoville.\n\n"
                "Pensez à nous signaler tout changement (président, contact, horaires) pour que "
                "l'annuaire reste à jour."
            ),
        },
    ],
    "staff": [
        {
            "email": "admin@demoville.test",
            "first_name": "Claire",
            "last_name": "Fontaine",
            "role": "admin",
            "services": [],
            "is_staff": True,
            "is_superuser": True,
        },
        {
            "email": "superviseur@demoville.test",
            "first_name": "Isabelle",
            "last_name": "Mercier",
            "role": "supervisor",
            "services": ["voirie-proprete", "etat-civil", "vie-associative", "urbanisme"],
        },
        {
            "email": "agent@demoville.test",
            "first_name": "Julien",
            "last_name": "Moreau",
            "role": "agent",
            "services": ["voirie-proprete"],
        },
        {
            "email": "sophie.lambert@demoville.test",
            "first_name": "Sophie",
            "last_name": "Lambert",
            "role": "agent",
            "services": ["voirie-proprete"],
        },
        {
            "email": "nathalie.girard@demoville.test",
            "first_name": "Nathalie",
            "last_name": "Girard",
            "role": "agent",
            "services": ["etat-civil"],
        },
        {
            "email": "thomas.roux@demoville.test",
            "first_name": "Thomas",
            "last_name": "Roux",
            "role": "agent",
            "services": ["etat-civil", "vie-associative"],
        },
        {
            "email": "camille.faure@demoville.test",
            "first_name": "Camille",
            "last_name": "Faure",
            "role": "agent",
            "services": ["vie-associative"],
        },
        {
            "email": "mehdi.haddad@demoville.test",
            "first_name": "Mehdi",
            "last_name": "Haddad",
            "role": "agent",
            "services": ["urbanisme"],
        },
    ],
    "streets": [
        ("place de la Mairie", 46.9935, 2.1172),
        ("rue de la République", 46.9948, 2.1151),
        ("avenue Jean-Jaurès", 46.9912, 2.1204),
        ("rue Victor-Hugo", 46.9957, 2.1193),
        ("rue des Tilleuls", 46.9921, 2.1138),
        ("boulevard Gambetta", 46.9969, 2.1160),
        ("rue Pasteur", 46.9902, 2.1175),
        ("chemin des Vignes", 46.9981, 2.1229),
        ("allée des Peupliers", 46.9889, 2.1120),
        ("rue du Moulin", 46.9940, 2.1247),
        ("impasse des Lilas", 46.9926, 2.1221),
        ("route de Villeneuve", 46.9875, 2.1266),
        ("rue de l'Église", 46.9943, 2.1183),
        ("square Louis-Pergaud", 46.9962, 2.1131),
        ("rue des Écoles", 46.9917, 2.1162),
        ("avenue de la Gare", 46.9899, 2.1213),
    ],
}

VILLENEUVE = {
    "organization": {
        "name": "Villeneuve-sur-Démo",
        "slug": "villeneuve",
        "domain": "villeneuve.localhost",
        "reference_prefix": "VS",
        "address": "Mairie\n3 place de l'Église\n12346 Villeneuve-sur-Démo",
        "phone": "01 99 00 34 00",
        "email": "mairie@villeneuve.test",
        "website": "https://www.villeneuve.test",
        "area": {
            "type": "Polygon",
            "coordinates": [
                [
                    [2.140, 47.006],
                    [2.146, 47.002],
                    [2.168, 47.002],
                    [2.174, 47.008],
                    [2.174, 47.020],
                    [2.166, 47.025],
                    [2.146, 47.025],
                    [2.140, 47.019],
                    [2.140, 47.006],
                ]
            ],
        },
    },
    "default": False,
    "postal_code": "12346",
    "town": "Villeneuve-sur-Démo",
    "center": (47.0132, 2.1561),
    "case_count": 40,
    "services": [
        {
            "slug": "services-techniques",
            "name": "Services techniques",
            "email": "technique@villeneuve.test",
            "phone": "01 99 00 34 10",
            "address": "Atelier municipal\nchemin du Stade\n12346 Villeneuve-sur-Démo",
            "opening_hours": "Du lundi au vendredi : 8 h – 12 h et 13 h 30 – 17 h",
        },
        {
            "slug": "accueil",
            "name": "Accueil et état civil",
            "email": "accueil@villeneuve.test",
            "phone": "01 99 00 34 00",
            "address": "Mairie\n3 place de l'Église\n12346 Villeneuve-sur-Démo",
            "opening_hours": "Lundi, mardi, jeudi et vendredi : 9 h – 12 h et 14 h – 17 h\n"
            "Mercredi et samedi : 9 h – 12 h",
        },
    ],
    "procedures": [
        {
            "kind": "road",
            "weight": 50,
            "service": "services-techniques",
            "title": "Signaler un problème sur la voie publique",
            "slug": "signaler-un-probleme",
            "theme": "voirie",
            "processing_days": 15,
            "asks_location": True,
            "summary": "Chaussée abîmée, éclairage en panne, dépôt sauvage : prévenez les "
            "services techniques.",
            "description": (
                "Un problème sur une route, un chemin, un trottoir ou dans un espace vert de la "
                "commune ? Dites-le aux services techniques, qui passeront le constater.\n\n"
                "Les routes départementales qui traversent le village sont entretenues par le "
                "Département : nous lui transmettons les signalements qui le concernent."
            ),
        },
        {
            "kind": "certificate",
            "weight": 30,
            "service": "accueil",
            "title": "Demander un acte d'état civil",
            "slug": "acte-etat-civil",
            "theme": "etat-civil",
            "processing_days": 10,
            "summary": "Actes de naissance, de mariage ou de décès enregistrés à "
            "Villeneuve-sur-Démo.",
            "description": (
                "Demandez une copie ou un extrait d'acte pour un événement qui a eu lieu à "
                "Villeneuve-sur-Démo. La délivrance est gratuite ; l'acte est envoyé par "
                "courrier ou remis à l'accueil de la mairie."
            ),
        },
        {
            "kind": "question",
            "weight": 20,
            "service": "accueil",
            "title": "Poser une question à la mairie",
            "slug": "question-a-la-mairie",
            "theme": "general",
            "processing_days": 15,
            "summary": "Le secrétariat de mairie répond à vos questions.",
            "description": (
                "Une question sur la vie de la commune, une démarche, un horaire ? Le "
                "secrétariat de mairie vous répond, en général dans la semaine."
            ),
        },
    ],
    "staff": [
        {
            "email": "admin@demoville.test",
            "first_name": "Claire",
            "last_name": "Fontaine",
            "role": "admin",
            "services": [],
            "is_staff": True,
            "is_superuser": True,
        },
        {
            "email": "agent@villeneuve.test",
            "first_name": "Pierre",
            "last_name": "Garnier",
            "role": "agent",
            "services": ["services-techniques"],
        },
        {
            "email": "secretariat@villeneuve.test",
            "first_name": "Laura",
            "last_name": "Chevalier",
            "role": "agent",
            "services": ["accueil"],
        },
    ],
    # citoyen@demoville.test's requests here (see loader._make_demo_citizen_cases): the demo
    # promises her requests in both communes, one of them in the hands of agent@villeneuve.test.
    # Her son holds her mandate here (loader._make_mandate): he wrote on her open report.
    "mandate": {
        "helper": "proche@demoville.test",
        "procedure": "signaler-un-probleme",
        "message": "Bonjour, je suis le fils de Mme Lefèvre. Le trou s'est agrandi depuis "
        "son signalement : une voiture y a crevé hier soir.",
    },
    "demo_citizen_cases": [
        ("signaler-un-probleme", 4, "in_progress"),
        ("acte-etat-civil", 9, "waiting"),
        ("signaler-un-probleme", 80, "accepted"),
    ],
    "streets": [
        ("place de l'Église", 47.0132, 2.1561),
        ("Grande Rue", 47.0141, 2.1544),
        ("chemin du Stade", 47.0118, 2.1590),
        ("rue du Lavoir", 47.0150, 2.1577),
        ("route de Démoville", 47.0105, 2.1521),
        ("impasse des Charmes", 47.0126, 2.1603),
    ],
}

ORGANIZATIONS = [DEMOVILLE, VILLENEUVE]

# --- People ---------------------------------------------------------------------------------
# The first citizen's son, who holds her mandate in Villeneuve-sur-Démo (not one of the
# drawn contacts: adding him to CITIZENS would change every draw).
RELATIVE = ("proche@demoville.test", "Paul", "Lefèvre")
# The first citizen is the one whose login the summary prints.
CITIZENS = [
    ("citoyen@demoville.test", "Marie", "Lefèvre"),
    ("jean.dupont@example.test", "Jean", "Dupont"),
    ("aicha.benali@example.test", "Aïcha", "Benali"),
    ("francois.petit@example.test", "François", "Petit"),
    ("lea.robert@example.test", "Léa", "Robert"),
    ("hugo.richard@example.test", "Hugo", "Richard"),
    ("chloe.durand@example.test", "Chloé", "Durand"),
    ("nicolas.leroy@example.test", "Nicolas", "Leroy"),
    ("manon.simon@example.test", "Manon", "Simon"),
    ("karim.mansouri@example.test", "Karim", "Mansouri"),
    ("emma.laurent@example.test", "Emma", "Laurent"),
    ("louis.michel@example.test", "Louis", "Michel"),
    ("ines.garcia@example.test", "Inès", "Garcia"),
    ("gabriel.david@example.test", "Gabriel", "David"),
    ("sarah.bertrand@example.test", "Sarah", "Bertrand"),
    ("paul.morel@example.test", "Paul", "Morel"),
    ("jeanne.andre@example.test", "Jeanne", "André"),
    ("arthur.lefebvre@example.test", "Arthur", "Lefebvre"),
    ("lucie.mercier@example.test", "Lucie", "Mercier"),
    ("mamadou.diallo@example.test", "Mamadou", "Diallo"),
    ("alice.blanc@example.test", "Alice", "Blanc"),
    ("raphael.guerin@example.test", "Raphaël", "Guérin"),
    ("zoe.boyer@example.test", "Zoé", "Boyer"),
    ("antoine.chevallier@example.test", "Antoine", "Chevallier"),
    ("yasmine.haddou@example.test", "Yasmine", "Haddou"),
    ("bernard.masson@example.test", "Bernard", "Masson"),
    ("monique.perrin@example.test", "Monique", "Perrin"),
    ("thi-lan.nguyen@example.test", "Thi Lan", "Nguyen"),
    ("olivier.caron@example.test", "Olivier", "Caron"),
    ("elodie.marchand@example.test", "Élodie", "Marchand"),
]

FIRST_NAMES = [
    "Anne", "Bruno", "Cécile", "Damien", "Éric", "Fatima", "Gilles", "Hélène", "Irène",
    "Jacques", "Julie", "Kevin", "Laure", "Mathieu", "Nadia", "Odile", "Patrick", "Quentin",
    "Rachid", "Sandrine", "Sylvain", "Valérie", "Vincent", "Yann", "Agnès", "Christophe",
    "Denise", "Fabien", "Géraldine", "Henri", "Jocelyne", "Ludovic", "Martine", "Noémie",
    "Pascal", "Roselyne", "Stéphane", "Sofiane", "Tiphaine", "Yvette",
]  # fmt: skip
LAST_NAMES = [
    "Bernard", "Thomas", "Dubois", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanchard", "Henry", "Roussel", "Nicolas", "Perrot",
    "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Renard",
    "Meunier", "Brun", "Barbier", "Arnaud", "Martins", "Benoît", "Lemaire", "Rey", "Da Silva",
    "Traoré", "Colin", "Vidal", "Lacroix", "Aubert", "Schmitt", "Kaya",
]  # fmt: skip
EMAIL_DOMAINS = ["example.test", "exemple.test", "courriel.test"]

# --- What the cases say, by kind of procedure -----------------------------------------------
ROAD_DESCRIPTIONS = {
    "Chaussée ou trottoir abîmé": [
        "Un nid-de-poule d'environ 40 cm s'est formé au milieu de la voie ; les voitures font "
        "des écarts pour l'éviter.",
        "Plusieurs dalles du trottoir sont soulevées par les racines d'un arbre. Une dame âgée "
        "a failli tomber hier.",
        "La chaussée s'est affaissée au-dessus de la tranchée des travaux de l'an dernier.",
        "Une bordure de trottoir est descellée devant l'école et bouge quand on marche dessus.",
    ],
    "Éclairage public en panne": [
        "Le lampadaire en face de chez moi ne s'allume plus depuis une semaine, la rue est "
        "très sombre le soir.",
        "Trois lampadaires de suite sont éteints : le passage piéton n'est plus éclairé.",
        "Le lampadaire clignote toute la nuit.",
        "L'éclairage reste allumé en plein jour depuis plusieurs jours.",
    ],
    "Dépôt sauvage de déchets": [
        "Des sacs-poubelle et un vieux canapé ont été abandonnés au pied des conteneurs de tri.",
        "Un tas de gravats et de plaques de plâtre a été déposé au bord du chemin, sans doute "
        "après des travaux.",
        "Des pneus usagés ont été jetés dans le fossé.",
        "Les conteneurs à verre débordent et des bouteilles cassées jonchent le trottoir.",
    ],
    "Tag ou affichage sauvage": [
        "Un grand tag a été peint sur le mur de l'école pendant le week-end.",
        "Des affiches collées recouvrent entièrement l'abribus.",
        "Des inscriptions injurieuses sur la façade du gymnase.",
    ],
    "Panneau ou feu de signalisation endommagé": [
        "Le panneau « cédez le passage » a été renversé, sans doute par un camion.",
        "Le feu pour les piétons reste bloqué au rouge.",
        "Le panneau de limitation à 30 km/h est tourné dans le mauvais sens.",
    ],
    "Mobilier urbain cassé (banc, potelet, corbeille)": [
        "Le banc du square a une planche cassée, avec des clous qui dépassent.",
        "Une corbeille de rue a été arrachée et traîne par terre.",
        "Un potelet est couché en travers du trottoir.",
    ],
    "Arbre ou végétation gênante": [
        "Une haie déborde largement sur le trottoir : les poussettes doivent passer sur la route.",
        "Une grosse branche menace de tomber au-dessus de l'aire de jeux depuis le coup de vent.",
        "Les racines d'un platane soulèvent le revêtement de la piste cyclable.",
    ],
    "Autre problème": [
        "Une plaque d'égout claque à chaque passage de voiture, même la nuit.",
        "De l'eau coule sur la chaussée depuis ce matin, on dirait une fuite.",
        "Le caniveau est bouché et l'eau stagne après chaque pluie.",
    ],
}

BULKY_DETAILS = {
    "Meubles": ["une armoire démontée", "un canapé trois places", "deux chaises et une table"],
    "Matelas ou sommier": ["un matelas de 140 cm", "un sommier à lattes", "deux matelas de 90 cm"],
    "Gros électroménager (réfrigérateur, lave-linge…)": [
        "un réfrigérateur",
        "un lave-linge hors d'usage",
        "une cuisinière",
    ],
    "Ferraille": ["un vieux barbecue", "des étagères métalliques", "un étendoir cassé"],
    "Vélo ou jouet volumineux": ["un vélo d'enfant", "un trampoline démonté", "une balançoire"],
    "Autre objet": ["un meuble de jardin en plastique", "un tapis roulé", "un parasol"],
}

ROOM_HOURS = [
    "de 14 h à 18 h",
    "de 18 h 30 à 22 h 30",
    "de 10 h à 23 h, rangement compris",
    "toute la journée, de 8 h à minuit",
    "de 19 h à 21 h",
]
ROOM_STRUCTURES = {
    "Association de Démoville": [
        "Comité des fêtes de Démoville",
        "Club de l'amitié",
        "Démoville Football Club",
        "Chorale À Cœur Joie",
        "Association des parents d'élèves des Tilleuls",
    ],
    "Association extérieure": ["Amicale des pompiers du canton", "Théâtre du Petit Pont"],
    "Entreprise": ["Boulangerie Marchand", "Cabinet Roussel expertise comptable"],
}

PUBLIC_SPACE_DESCRIPTIONS = {
    "Terrasse de café ou de restaurant": (
        "Six tables et douze chaises le long de la façade, sur 2 m de profondeur ; il reste "
        "1,50 m de trottoir pour les piétons."
    ),
    "Échafaudage": (
        "Échafaudage de pied pour le ravalement de la façade, 8 m de long sur 1 m de large, "
        "avec protection des piétons par un tunnel."
    ),
    "Benne ou dépôt de matériaux": (
        "Benne de 8 m³ posée sur deux places de stationnement devant le chantier, signalée et "
        "bâchée la nuit."
    ),
    "Véhicule de déménagement": (
        "Camion de 20 m³ garé devant l'immeuble de 8 h à 18 h, monte-meubles par la fenêtre "
        "du deuxième étage."
    ),
    "Étalage commercial": (
        "Deux présentoirs de fruits et légumes devant la vitrine, sur 80 cm de profondeur."
    ),
    "Nacelle ou camion-grue": (
        "Nacelle pour l'élagage de deux arbres de la copropriété, une demi-journée."
    ),
}
PUBLIC_SPACE_COMPANIES = [
    "Bâti-Démo SARL, SIRET 123 456 789 00012",
    "Façades du Centre, SIRET 987 654 321 00034",
    "Déménagements Rapides, SIRET 111 222 333 00045",
    "Le Café de la Place, SIRET 444 555 666 00056",
    "Primeur des Halles, SIRET 777 888 999 00067",
]

# (topic, question, answer)
QUESTIONS = [
    (
        "Écoles, cantine et périscolaire",
        "Comment inscrire ma fille à la cantine pour la rentrée ?",
        "Les inscriptions à la cantine se font auprès du service scolaire, au rez-de-chaussée "
        "de la mairie, avec le carnet de santé et un justificatif de domicile. Elles sont "
        "ouvertes jusqu'au 15 juillet.",
    ),
    (
        "Voirie, propreté et déchets",
        "Quels sont les horaires de la déchetterie ?",
        "La déchetterie intercommunale, route de Villeneuve, est ouverte du mardi au samedi, "
        "de 9 h à 12 h et de 14 h à 18 h. Munissez-vous de votre badge d'accès.",
    ),
    (
        "Autre sujet",
        "Le conseil municipal est-il ouvert au public ?",
        "Oui, les séances sont publiques. Les dates sont affichées sur les panneaux de la "
        "mairie et publiées sur le site de la ville une semaine à l'avance.",
    ),
    (
        "Démarches et papiers",
        "Faut-il prendre rendez-vous pour refaire une carte d'identité ?",
        "Oui, les cartes d'identité et passeports se font uniquement sur rendez-vous. Faites "
        "d'abord une pré-demande en ligne, puis prenez rendez-vous auprès de l'accueil.",
    ),
    (
        "Urbanisme et travaux",
        "Ai-je besoin d'une autorisation pour poser un abri de jardin de 8 m² ?",
        "Pour un abri entre 5 et 20 m², il faut déposer une déclaration préalable de travaux "
        "au service de l'urbanisme. Le délai d'instruction est d'un mois.",
    ),
    (
        "Associations, sport et culture",
        "Quand a lieu le forum des associations cette année ?",
        "Le forum des associations se tient le premier samedi de septembre, de 10 h à 17 h, "
        "au gymnase municipal.",
    ),
    (
        "Voirie, propreté et déchets",
        "Mon bac jaune a été volé, comment en obtenir un nouveau ?",
        "Les bacs sont fournis par la communauté de communes : signalez le vol à son service "
        "des déchets, qui vous en livrera un nouveau sous quinze jours.",
    ),
    (
        "Démarches et papiers",
        "Comment m'inscrire sur les listes électorales ?",
        "Vous pouvez vous inscrire en ligne sur service-public.fr ou à l'accueil de la mairie, "
        "avec une pièce d'identité et un justificatif de domicile de moins de trois mois.",
    ),
]

ASSOCIATIONS = [
    (
        "Les Jardins partagés de Démoville",
        ["Environnement", "Vie de quartier"],
        "Un jardin collectif rue du Moulin, ouvert à tous les habitants : parcelles, "
        "compostage et ateliers de jardinage le samedi matin.",
    ),
    (
        "Démoville Basket Club",
        ["Sport", "Jeunesse et éducation"],
        "Basket-ball pour tous, dès 6 ans : entraînements au gymnase municipal les mardis et "
        "vendredis, championnat départemental.",
    ),
    (
        "Entraide et Partage",
        ["Solidarité et santé"],
        "Distribution alimentaire, aide aux démarches et vestiaire solidaire, chaque mercredi "
        "après-midi à la Maison des associations.",
    ),
    (
        "Atelier théâtre des Tilleuls",
        ["Culture et loisirs", "Jeunesse et éducation"],
        "Cours de théâtre pour enfants, adolescents et adultes ; un spectacle chaque année en "
        "juin à la salle des fêtes.",
    ),
    (
        "Souvenir français, comité de Démoville",
        ["Mémoire et anciens combattants"],
        "Entretien des tombes des soldats, participation aux cérémonies commémoratives, "
        "interventions dans les écoles.",
    ),
]

# Messages of the agents and the citizens along a case's history.
ASK = {
    "road": [
        "Nous ne trouvons pas le problème à l'adresse indiquée. Pouvez-vous préciser "
        "l'emplacement (numéro, commerce ou repère proche) ?",
        "Notre équipe n'a rien constaté lors de son passage. Le problème est-il toujours "
        "présent ? Une photo nous aiderait.",
    ],
    "certificate": [
        "Pour délivrer une copie intégrale, nous avons besoin d'un justificatif de votre lien "
        "avec la personne concernée (livret de famille, par exemple).",
        "Nous ne trouvons pas d'acte à cette date dans nos registres. Pouvez-vous vérifier la "
        "date et l'orthographe du nom ?",
        "Pouvez-vous nous indiquer l'adresse postale complète à laquelle envoyer l'acte ?",
    ],
    "bulky": [
        "Le volume indiqué dépasse ce que nous pouvons enlever en un passage. Pouvez-vous nous "
        "confirmer la liste des objets ?",
        "Les objets seront-ils accessibles depuis la rue ? Notre camion ne peut pas entrer "
        "dans la résidence.",
    ],
    "room": [
        "Pour finaliser la réservation, merci de nous transmettre l'attestation d'assurance "
        "responsabilité civile couvrant la manifestation.",
        "La salle demandée est déjà réservée ce jour-là. La salle polyvalente des Tilleuls est "
        "libre : vous conviendrait-elle ?",
    ],
    "public_space": [
        "Merci de nous transmettre un plan coté de l'installation, avec le passage laissé aux "
        "piétons (1,40 m au minimum).",
        "Les dates indiquées tombent un jour de marché. Pouvez-vous décaler l'occupation au "
        "lendemain ?",
    ],
    "question": [
        "Pouvez-vous préciser votre question ? Nous voulons être sûrs de bien vous répondre.",
    ],
    "association": [
        "Pouvez-vous nous transmettre le récépissé de déclaration de l'association en préfecture ?",
    ],
}
REPLIES = {
    "road": [
        "C'est juste en face de la boulangerie, à côté du passage piéton.",
        "Oui, c'est toujours là ce matin. Je vous envoie une photo dès que possible.",
    ],
    "certificate": [
        "Je vous transmets une copie de mon livret de famille à l'accueil demain.",
        "Pardon, je me suis trompé d'un jour : l'événement date du lendemain.",
        "L'adresse est la même que celle de ma demande. Merci !",
    ],
    "bulky": [
        "Oui, je confirme : seulement l'armoire et le matelas.",
        "Je déposerai les objets sur le trottoir devant l'entrée de la résidence.",
    ],
    "room": [
        "Je vous apporte l'attestation de l'assureur lundi.",
        "Oui, la salle des Tilleuls nous convient très bien.",
    ],
    "public_space": [
        "Je vous envoie le plan de l'entreprise par courrier cette semaine.",
        "Pas de problème, nous décalons au lendemain.",
    ],
    "question": ["Je voulais surtout savoir à qui m'adresser. Merci."],
    "association": ["Je dépose une copie du récépissé à la Maison des associations."],
}
ACCEPTED = {
    "road": [
        "Notre équipe est intervenue et le problème est réglé. Merci pour votre signalement.",
        "L'intervention a eu lieu ce matin. Merci d'avoir pris le temps de nous prévenir.",
        "La réparation est faite. N'hésitez pas à nous signaler tout autre problème.",
    ],
    "certificate": [
        "Votre acte vous a été envoyé par courrier aujourd'hui.",
        "Votre acte est prêt : retirez-le à l'accueil de la mairie, muni d'une pièce d'identité.",
    ],
    "bulky": [
        "La collecte est prévue mardi prochain au matin : sortez vos objets la veille au soir, "
        "devant votre domicile.",
        "La collecte est prévue jeudi prochain au matin : sortez vos objets la veille au soir.",
    ],
    "room": [
        "Votre réservation est confirmée. La convention d'utilisation vous est envoyée ; les "
        "clés se retirent la veille à 17 h à l'accueil de la mairie.",
    ],
    "public_space": [
        "L'autorisation est accordée. L'arrêté vous est envoyé : il doit rester affiché sur "
        "place pendant toute la durée de l'occupation.",
    ],
    "question": ["Nous avons répondu à votre question. Bonne journée !"],
    "association": [
        "Votre association figure désormais dans l'annuaire en ligne ; elle paraîtra aussi "
        "dans l'édition imprimée de septembre.",
    ],
}
REJECTED = {
    "road": [
        "Cette voie est privée : son entretien revient aux copropriétaires. Nous avons "
        "transmis votre signalement au syndic.",
        "Cette route est départementale : nous avons transmis votre signalement au "
        "Département, qui l'entretient.",
    ],
    "certificate": [
        "L'événement n'a pas eu lieu dans notre commune : adressez votre demande à la mairie "
        "du lieu de l'événement.",
        "Vous ne faites pas partie des personnes qui peuvent obtenir une copie intégrale de "
        "cet acte. Vous pouvez demander un extrait sans filiation.",
    ],
    "bulky": [
        "Les gravats et déchets de chantier ne sont pas collectés à domicile : apportez-les à "
        "la déchetterie.",
    ],
    "room": [
        "La salle n'est plus disponible à cette date. N'hésitez pas à faire une demande pour "
        "une autre date.",
    ],
    "public_space": [
        "L'installation demandée ne laisse pas assez de place aux piétons (1,40 m au minimum). "
        "Vous pouvez déposer une nouvelle demande avec une installation réduite.",
    ],
    "question": ["Cette question ne relève pas de la mairie : adressez-vous à la préfecture."],
    "association": [
        "Le siège et les activités de l'association ne sont pas dans la commune : elle ne peut "
        "pas figurer dans l'annuaire municipal.",
    ],
}
CLOSED_DUPLICATE = [
    "Demande en double : elle est déjà traitée sous une autre référence.",
    "Ce problème nous a déjà été signalé : l'intervention est en cours.",
]
CLOSED_NO_ANSWER = [
    "Sans réponse de votre part, nous classons cette demande. Vous pouvez en déposer une "
    "nouvelle à tout moment.",
]
NOTES = {
    "road": [
        "Intervention planifiée avec l'équipe du secteur nord.",
        "Déjà signalé par un riverain la semaine dernière.",
        "Pièce commandée chez le fournisseur, livraison sous deux semaines.",
        "Prévenir la police municipale si le dépôt recommence.",
    ],
    "certificate": [
        "Registre vérifié : mention marginale de divorce à reporter.",
        "Acte ancien, copie manuscrite à faire.",
    ],
    "bulky": ["Ajouté à la tournée du secteur 2.", "Volume important : prévoir deux agents."],
    "room": [
        "Caution reçue.",
        "Vérifier le planning de la salle avec le service des sports.",
    ],
    "public_space": [
        "Avis de la police municipale demandé.",
        "Redevance à calculer sur la durée réelle.",
    ],
    "question": [
        "Transmis au service scolaire pour avis.",
        "Question fréquente : à ajouter à la FAQ.",
    ],
    "association": ["Vérifier la publication au Journal officiel."],
}
FOLLOW_UP_QUESTIONS = [
    "Bonjour, avez-vous des nouvelles de ma demande ? Merci.",
    "Bonjour, je voulais savoir où en est ma demande.",
    "Est-ce que vous avez besoin d'autre chose de ma part ?",
]
FOLLOW_UP_ANSWERS = [
    "Bonjour, votre demande est en cours de traitement : nous revenons vers vous très vite.",
    "Bonjour, tout est complet de votre côté, nous traitons votre demande dans les délais.",
]


def staff_emails() -> set[str]:
    return {member["email"] for spec in ORGANIZATIONS for member in spec["staff"]}


def citizen_emails() -> set[str]:
    return {email for email, _first, _last in [*CITIZENS, RELATIVE]}


# --- A procedure with a tacit acceptance: the temporary bar of an association ---------------
# Silence means consent: without an answer within 10 business days the authorisation is
# granted (the worker applies it, and the demo's history holds a few such cases).
BAR_EVENTS = ["Fête de quartier", "Tournoi sportif", "Concert", "Kermesse", "Vide-grenier"]
BAR_GROUPS = [
    "Boissons sans alcool (groupe 1)",
    "Boissons fermentées non distillées : bière, vin, cidre (groupe 3)",
]
BAR_PLACES = ["Gymnase des Tilleuls", "Salle des fêtes Jean-Moulin", "Stade municipal"]

FIELDS["bar"] = [
    {"id": "etape_association", "type": "page", "label": "L'association"},
    {"id": "nom_association", "type": "text", "label": "Nom de l'association", "required": True},
    {
        "id": "responsable",
        "type": "text",
        "label": "Responsable de la buvette",
        "required": True,
        "help": "La personne présente pendant toute la manifestation.",
    },
    {
        "id": "rna",
        "type": "text",
        "label": "Numéro RNA",
        "pattern": "^W[0-9]{9}$",
        "pattern_message": "Le numéro RNA commence par W, suivi de 9 chiffres.",
    },
    {"id": "etape_manifestation", "type": "page", "label": "La manifestation"},
    {
        "id": "nature",
        "type": "choice",
        "label": "Nature de la manifestation",
        "required": True,
        "choices": BAR_EVENTS,
    },
    {
        "id": "date_debut",
        "type": "date",
        "label": "Premier jour",
        "required": True,
        "after": {"days_from_today": 0},
    },
    {
        "id": "date_fin",
        "type": "date",
        "label": "Dernier jour",
        "required": True,
        "after": {"field": "date_debut"},
    },
    {
        "id": "plein_air",
        "type": "yesno",
        "label": "La buvette est-elle installée en plein air ?",
        "required": True,
    },
    {
        "id": "emplacement",
        "type": "address",
        "label": "Emplacement de la buvette",
        "required": True,
        "help": "Placez le point sur la carte si vous le pouvez.",
        "condition": {"field": "plein_air", "op": "equals", "value": True},
    },
    {
        "id": "salle",
        "type": "choice",
        "label": "Salle ou équipement",
        "required": True,
        "choices": BAR_PLACES,
        "condition": {"field": "plein_air", "op": "equals", "value": False},
    },
    {"id": "etape_boissons", "type": "page", "label": "Les boissons"},
    {
        "id": "info_licence",
        "type": "info",
        "label": "Bon à savoir",
        "help": "Une association peut obtenir cinq autorisations de buvette temporaire par "
        "an. Seules les boissons des groupes 1 et 3 peuvent y être vendues.",
    },
    {
        "id": "groupe",
        "type": "choice",
        "label": "Boissons proposées",
        "required": True,
        "choices": BAR_GROUPS,
    },
    {
        "id": "deja_obtenues",
        "type": "number",
        "label": "Autorisations déjà obtenues cette année",
        "integer": True,
        "min": 0,
        "max": 4,
        "required": True,
    },
    {
        "id": "assurance",
        "type": "file",
        "label": "Attestation d'assurance de la manifestation",
        "extensions": ["pdf", "jpg", "png"],
        "help": "Vous pouvez aussi la déposer à l'accueil de la mairie avant la manifestation.",
    },
]

BAR_PROCEDURE = {
    "kind": "bar",
    "weight": 6,
    "service": "vie-associative",
    "title": "Ouvrir une buvette temporaire",
    "slug": "buvette-temporaire",
    "theme": "associations",
    "processing_days": 14,
    "summary": "Kermesse, tournoi, concert : l'autorisation de vendre des boissons le temps "
    "d'une manifestation. Sans réponse sous 10 jours ouvrés, elle est accordée.",
    "description": (
        "Une association qui organise une manifestation ouverte au public peut y tenir une "
        "buvette temporaire, dans la limite de cinq autorisations par an. Seules les boissons "
        "sans alcool et les boissons fermentées non distillées (bière, vin, cidre) peuvent y "
        "être vendues.\n\n"
        "Faites votre demande au moins trois semaines avant la manifestation. Le maire "
        "répond sous 10 jours ouvrés ; sans réponse dans ce délai, l'autorisation est "
        "accordée (le silence vaut accord) et vous en êtes informé par e-mail.\n\n"
        "L'autorisation précise les jours et les horaires d'ouverture : affichez-la près de la "
        "buvette pendant toute la manifestation."
    ),
    "deadline": {
        "days": 10,
        "unit": "business",
        "at_risk_days": 3,
        "tacit": {"decision": "accept", "state": "accepted", "document": "attestation"},
    },
    # The authorisation is a document the citizen downloads, and is announced by e-mail; a
    # tacit one comes with its attestation.
    "templates": {
        "attestation": {
            "subject": "Attestation d'autorisation tacite de buvette temporaire n° {{ reference }}",
            "body": "La demande d'autorisation de buvette temporaire {{ reference }}, déposée "
            "par {{ name }}, n'a pas reçu de réponse avant le {{ due_date }}.\n\n"
            "Pour cette démarche, le silence de l'administration vaut accord : "
            "l'autorisation est accordée pour les jours et le lieu indiqués dans la demande.\n\n"
            "Cette attestation est à afficher près de la buvette pendant toute la "
            "manifestation.\n\n{{ organization }}",
        },
        "autorisation": {
            "subject": "Autorisation de buvette temporaire n° {{ reference }}",
            "body": "Le maire de Démoville autorise {{ name }} à ouvrir une buvette temporaire "
            "pour la manifestation décrite dans la demande {{ reference }}.\n\n"
            "Observations : {{ comment }}\n\n"
            "Cette autorisation est à afficher près de la buvette pendant toute la "
            "manifestation.\n\n{{ organization }}",
        },
        "accordee": {
            "subject": "Votre buvette temporaire est autorisée ({{ reference }})",
            "body": "Bonjour {{ name }},\n\nVotre demande d'autorisation de buvette temporaire "
            "est acceptée. Téléchargez l'autorisation depuis le suivi de votre demande :\n"
            "{{ tracking_url }}\n\n{{ comment }}\n\nLe service Vie associative et salles\n"
            "{{ organization }}",
        },
    },
    "workflow_actions": {
        "accept": [
            {"type": "document", "template": "autorisation"},
            {"type": "notify", "template": "accordee"},
        ]
    },
}
DEMOVILLE["procedures"].append(BAR_PROCEDURE)

NOTES["bar"] = [
    "Vérifié : c'est la 2e autorisation de l'année pour cette association.",
    "Manifestation déjà connue du service des sports.",
]
ASK["bar"] = [
    "Pouvez-vous nous envoyer l'attestation d'assurance de la manifestation ?",
    "Merci de préciser les horaires d'ouverture de la buvette.",
]
REPLIES["bar"] = [
    "Voici l'attestation, envoyée par notre assureur ce matin.",
    "La buvette sera ouverte de 14 h à 22 h les deux jours.",
]
ACCEPTED["bar"] = [
    "Autorisation accordée. Pensez à l'afficher près de la buvette.",
    "Autorisation accordée pour les jours demandés ; bonne manifestation !",
]
REJECTED["bar"] = [
    "Votre association a déjà obtenu cinq autorisations cette année : le maximum légal.",
    "Les boissons du groupe 4 et 5 ne peuvent pas être vendues dans une buvette temporaire.",
]

# --- Deadlines in business days, routing and notification templates --------------------------
# A street problem has no deadline owed to the citizen: its agents work to the 15 days of
# processing time the procedure announces (their target, never promised as a date).
_DEADLINES = {
    "acte-etat-civil": {"days": 5, "unit": "business", "at_risk_days": 2},
    "collecte-encombrants": {"days": 10, "unit": "business", "at_risk_days": 3},
    "reserver-une-salle": {"days": 21, "unit": "calendar", "at_risk_days": 3},
    "occupation-domaine-public": {"days": 20, "unit": "business", "at_risk_days": 5},
    "question-a-la-mairie": {"days": 15, "unit": "calendar", "at_risk_days": 3},
    "annuaire-associations": {"days": 20, "unit": "calendar", "at_risk_days": 3},
}
for _procedure in DEMOVILLE["procedures"]:
    if _procedure["slug"] in _DEADLINES:
        _procedure["deadline"] = _DEADLINES[_procedure["slug"]]

# Where a missing document holds a procedure up, the citizen is given 15 days to send it
# (the request for more information says by which date); elsewhere no date is set.
for _procedure in DEMOVILLE["procedures"]:
    if _procedure["slug"] in ("acte-etat-civil", "occupation-domaine-public", "reserver-une-salle"):
        _procedure["answer_days"] = 15

# The town hall's front desk answers questions, but some go straight to the service concerned.
_QUESTION_ROUTING = [
    {
        "service": "voirie-proprete",
        "when": {"field": "sujet", "op": "equals", "value": "Voirie, propreté et déchets"},
    },
    {
        "service": "vie-associative",
        "when": {"field": "sujet", "op": "equals", "value": "Associations, sport et culture"},
    },
    {
        "service": "urbanisme",
        "when": {"field": "sujet", "op": "equals", "value": "Urbanisme et travaux"},
    },
]
for _procedure in DEMOVILLE["procedures"]:
    if _procedure["slug"] == "question-a-la-mairie":
        _procedure["routing"] = _QUESTION_ROUTING
    if _procedure["slug"] == "acte-etat-civil":
        _procedure["templates"] = {
            "acte_envoye": {
                "subject": "Votre acte d'état civil est prêt ({{ reference }})",
                "body": "Bonjour {{ name }},\n\nVotre demande {{ reference }} est traitée : "
                "{{ comment }}\n\nSuivi de votre demande : {{ tracking_url }}\n\n"
                "Le service de l'état civil\n{{ organization }}",
            }
        }
        _procedure["workflow_actions"] = {"accept": [{"type": "notify", "template": "acte_envoye"}]}
