# ruff: noqa: E501 (a glossary: each French text whole, as the key it is looked up by)
"""The English of the demonstration's procedures, services, places, agendas and meeting
types.

One glossary, French text -> English, read by the loader (guichet/demo/loader.py) to give
every demo procedure its `translations` before it is published, and every service, place,
agenda and meeting type theirs. Keyed by the French rather than by field so that a text shared by two procedures is
translated once, and a test (demo/tests) checks that every French text the demo shows a
citizen is in it.
"""

from guichet.catalog.translations import translatable_groups, with_translations

# The services' and places' texts that citizens read (Service.localized, Place.localized).
SERVICE_TEXTS = ("name", "opening_hours", "address")
PLACE_TEXTS = ("name", "hours_note", "address")
# The agendas' and meeting types' (Agenda.localized, MeetingType.localized).
AGENDA_TEXTS = ("name",)
MEETING_TYPE_TEXTS = ("name", "documents")

ENGLISH = {
    # --- Prepare a wedding or a civil partnership (a slot booked in the form) ---
    "Préparer son mariage ou son PACS": "Prepare a wedding or a civil partnership (PACS)",
    "Le dossier se dépose en mairie : choisissez le rendez-vous en ligne.": (
        "The file is handed in at the town hall: choose the appointment online."
    ),
    "Le dossier de mariage ou de PACS se remet en main propre à l'accueil de l'état civil, par les deux futurs époux ou partenaires. Dites-nous ce que vous préparez et choisissez le créneau du dépôt : la liste des pièces vous est envoyée avec la confirmation du rendez-vous.": (
        "The wedding or PACS file is handed in person at the civil-status desk, by both "
        "future spouses or partners. Tell us what you are preparing and choose the time to "
        "hand it in: the list of documents is sent to you with the appointment's "
        "confirmation."
    ),
    "Vous préparez": "You are preparing",
    "Un mariage": "A wedding",
    "Un PACS": "A civil partnership (PACS)",
    "Date souhaitée (mariage)": "Preferred date (wedding)",
    "Rendez-vous pour déposer le dossier": "Appointment to hand in the file",
    # --- Report a problem on the street ---
    "Signaler un problème sur la voie publique": "Report a problem in a public place",
    "Nid-de-poule, lampadaire en panne, dépôt sauvage, tag : prévenez les services de la ville.": (
        "Pothole, broken street light, fly-tipping, graffiti: let the town's services know."
    ),
    "Vous avez remarqué un problème dans l'espace public : chaussée abîmée, éclairage en panne, dépôt sauvage, tag, panneau arraché ? Signalez-le ici : les équipes de la voirie et de la propreté interviennent dans les meilleurs délais.\n\nIndiquez l'adresse la plus précise possible et, si vous le pouvez, placez un point sur la carte et joignez une photo : nos agents trouveront le problème plus vite.\n\nEn cas de danger immédiat (câble électrique à nu, arbre tombé sur la chaussée, odeur de gaz), appelez le 112 ou l'astreinte de la ville au 01 99 00 12 99 : ce formulaire n'est pas suivi la nuit ni le week-end.": (
        "Have you noticed a problem in a public place: a damaged road, a street light out, "
        "fly-tipping, graffiti, a torn-down sign? Report it here: the roads and cleaning teams "
        "will deal with it as soon as they can.\n\nGive the most precise address you can and, "
        "if possible, place a point on the map and attach a photo: our staff will find the "
        "problem faster.\n\nIn case of immediate danger (a bare electric cable, a tree fallen "
        "on the road, a smell of gas), call 112 or the town's on-call service on "
        "01 99 00 12 99: this form is not read at night or at weekends."
    ),
    "Type de problème": "Kind of problem",
    "Chaussée ou trottoir abîmé": "Damaged road or pavement",
    "Éclairage public en panne": "Street lighting out",
    "Dépôt sauvage de déchets": "Fly-tipped waste",
    "Tag ou affichage sauvage": "Graffiti or fly-posting",
    "Panneau ou feu de signalisation endommagé": "Damaged road sign or traffic light",
    "Mobilier urbain cassé (banc, potelet, corbeille)": "Broken street furniture (bench, bollard, bin)",
    "Arbre ou végétation gênante": "Tree or plants in the way",
    "Autre problème": "Another problem",
    "Description": "Description",
    "Décrivez ce que vous avez constaté : la nature du problème, sa taille, depuis quand il existe.": (
        "Describe what you saw: what the problem is, how big it is, how long it has been there."
    ),
    "Le problème présente-t-il un danger pour les passants ou les véhicules ?": (
        "Is the problem a danger to people walking by or to vehicles?"
    ),
    "Répondez « oui » si quelqu'un risque de se blesser : nous traitons ces signalements en priorité.": (
        "Answer “yes” if someone could get hurt: we deal with these reports first."
    ),
    "Photo": "Photo",
    "Une photo aide nos équipes à préparer l'intervention.": "A photo helps our teams prepare their visit.",
    # --- Civil status certificate ---
    "Demander un acte d'état civil": "Request a civil status certificate",
    "Copie intégrale ou extrait d'acte de naissance, de mariage ou de décès, gratuit.": (
        "Full copy or extract of a birth, marriage or death certificate, free of charge."
    ),
    "Demandez une copie intégrale ou un extrait d'acte de naissance, de mariage ou de décès, pour un événement qui a eu lieu à Démoville. La délivrance est gratuite.\n\nSi l'événement a eu lieu dans une autre commune, adressez-vous à la mairie de cette commune. Pour un événement survenu à l'étranger, la demande se fait auprès du Service central d'état civil, à Nantes.\n\nLa copie intégrale et l'extrait avec filiation d'un acte de naissance ou de mariage ne sont délivrés qu'à la personne concernée, à ses parents, enfants, conjoint ou partenaire de Pacs, à son représentant légal ou à un professionnel habilité (notaire, avocat). Toute personne peut obtenir un extrait sans filiation ou un acte de décès.": (
        "Request a full copy or an extract of a birth, marriage or death certificate for an "
        "event that took place in Démoville. It is free of charge.\n\nIf the event took place "
        "in another town, ask that town's hall. For an event abroad, apply to the Central "
        "Civil Status Service in Nantes.\n\nThe full copy and the extract with parentage of a "
        "birth or marriage certificate are only issued to the person concerned, their "
        "parents, children, spouse or civil partner, their legal representative or an "
        "authorised professional (notary, lawyer). Anyone may obtain an extract without "
        "parentage or a death certificate."
    ),
    "Le nom, les prénoms et la date de l'acte (naissance, mariage, décès)\nLes noms des parents de la personne concernée\nVotre lien avec elle, si l'acte n'est pas le vôtre": (
        "The surname, first names and date of the event (birth, marriage, death)\n"
        "The names of the parents of the person concerned\n"
        "How you are related to them, if the certificate is not yours"
    ),
    "L'acte": "The certificate",
    "Acte demandé": "Certificate requested",
    "Acte de naissance": "Birth certificate",
    "Acte de mariage": "Marriage certificate",
    "Acte de décès": "Death certificate",
    "Type de document": "Kind of document",
    "Pour un passeport ou une carte d'identité, un extrait avec filiation suffit en général. L'extrait plurilingue sert aux démarches dans un autre pays européen.": (
        "For a passport or an identity card, an extract with parentage is usually enough. The "
        "multilingual extract is for formalities in another European country."
    ),
    "Copie intégrale": "Full copy",
    "Extrait avec filiation": "Extract with parentage",
    "Extrait sans filiation": "Extract without parentage",
    "Extrait plurilingue": "Multilingual extract",
    "La personne concernée": "The person concerned",
    "Nom de naissance de la personne concernée": "Birth surname of the person concerned",
    "Prénoms de la personne concernée": "First names of the person concerned",
    "Dans l'ordre de l'état civil, séparés par des virgules.": (
        "In the order of the civil register, separated by commas."
    ),
    "Date de l'événement": "Date of the event",
    "Date de la naissance, du mariage ou du décès.": "Date of the birth, marriage or death.",
    "Un acte ne se délivre que pour un événement passé.": (
        "A certificate can only be issued for an event in the past."
    ),
    "Vous êtes": "You are",
    "La copie intégrale et l'extrait avec filiation d'un acte de naissance ou de mariage ne sont délivrés qu'à la personne concernée, à sa famille proche, à son représentant légal ou à un professionnel habilité.": (
        "The full copy and the extract with parentage of a birth or marriage certificate are "
        "only issued to the person concerned, their close family, their legal representative "
        "or an authorised professional."
    ),
    "Son père ou sa mère": "Their father or mother",
    "Son fils ou sa fille": "Their son or daughter",
    "Son conjoint ou partenaire de Pacs": "Their spouse or civil partner",
    "Son représentant légal": "Their legal representative",
    "Un professionnel (notaire, avocat)": "A professional (notary, lawyer)",
    "Une autre personne": "Someone else",
    "L'envoi": "Delivery",
    "Service gratuit": "Free service",
    "La délivrance d'un acte d'état civil est gratuite. Méfiez-vous des sites qui la font payer.": (
        "Civil status certificates are free. Beware of websites that charge for them."
    ),
    "Nombre d'exemplaires": "Number of copies",
    "Comment souhaitez-vous recevoir l'acte ?": "How would you like to receive the certificate?",
    "Par courrier à mon domicile": "By post to my home",
    "À retirer à l'accueil de la mairie": "To collect at the town hall's front desk",
    "Adresse postale d'envoi": "Postal address to send it to",
    "Votre acte d'état civil est prêt ({{ reference }})": (
        "Your civil status certificate is ready ({{ reference }})"
    ),
    "Bonjour {{ name }},\n\nVotre demande {{ reference }} est traitée : {{ comment }}\n\nSuivi de votre demande : {{ tracking_url }}\n\nLe service de l'état civil\n{{ organization }}": (
        "Hello {{ name }},\n\nYour request {{ reference }} has been dealt with: {{ comment }}"
        "\n\nFollow your request: {{ tracking_url }}\n\nThe civil status office\n"
        "{{ organization }}"
    ),
    # --- Bulky waste ---
    "Faire enlever des encombrants": "Have bulky items collected",
    "Collecte gratuite à domicile des meubles, matelas et gros électroménager, sur rendez-vous.": (
        "Free collection from your home of furniture, mattresses and large appliances, by "
        "appointment."
    ),
    "La ville collecte gratuitement à domicile les objets trop volumineux pour un coffre de voiture : meubles, matelas, gros électroménager. La collecte a lieu le mardi ou le jeudi matin, sur rendez-vous, dans la limite de 3 m³ par passage.\n\nAprès votre demande, nous vous confirmons la date de passage. Sortez vos objets la veille au soir devant votre domicile, sans gêner le passage des piétons.\n\nNe sont pas collectés : gravats, déchets verts, pneus, produits chimiques, bouteilles de gaz. Apportez-les à la déchetterie intercommunale, route de Villeneuve, ouverte du mardi au samedi.": (
        "The town collects from your home, free of charge, items too big for a car boot: "
        "furniture, mattresses, large appliances. Collections take place on Tuesday or "
        "Thursday mornings, by appointment, up to 3 m³ per visit.\n\nAfter your request, we "
        "confirm the collection date. Put your items out in front of your home the evening "
        "before, without blocking the pavement.\n\nNot collected: rubble, garden waste, tyres, "
        "chemicals, gas bottles. Take them to the recycling centre, route de Villeneuve, open "
        "Tuesday to Saturday."
    ),
    "Objets à enlever": "Items to collect",
    "Meubles": "Furniture",
    "Matelas ou sommier": "Mattress or bed base",
    "Gros électroménager (réfrigérateur, lave-linge…)": "Large appliances (fridge, washing machine…)",
    "Ferraille": "Scrap metal",
    "Vélo ou jouet volumineux": "Bicycle or large toy",
    "Autre objet": "Other item",
    "Liste des objets": "List of the items",
    "Par exemple : une armoire démontée, deux chaises, un matelas de 140 cm.": (
        "For example: a dismantled wardrobe, two chairs, a 140 cm mattress."
    ),
    "Volume estimé (en m³)": "Estimated volume (in m³)",
    "Un matelas représente environ 0,5 m³, une armoire démontée environ 1 m³. Nous enlevons 3 m³ au plus par passage.": (
        "A mattress is about 0.5 m³, a dismantled wardrobe about 1 m³. We take 3 m³ at most per "
        "visit."
    ),
    "Jour de collecte souhaité": "Preferred collection day",
    "Mardi matin": "Tuesday morning",
    "Jeudi matin": "Thursday morning",
    "Indifférent": "Either",
    "Avez-vous besoin d'aide pour sortir les objets de votre logement ?": (
        "Do you need help to carry the items out of your home?"
    ),
    "Cette aide est réservée aux personnes de plus de 70 ans ou en situation de handicap.": (
        "This help is for people over 70 or with a disability."
    ),
    "Téléphone joignable le jour de la collecte": "Phone number on the day of the collection",
    # --- Book a room ---
    "Réserver une salle municipale": "Book a town hall room",
    "Salle des fêtes, salle polyvalente ou salle de réunion, pour les associations, les particuliers et les entreprises.": (
        "Village hall, multi-purpose hall or meeting room, for associations, residents and "
        "businesses."
    ),
    "La ville prête ou loue trois salles : la salle des fêtes Jean-Moulin (300 personnes), la salle polyvalente des Tilleuls (120 personnes) et la salle de réunion de la Maison des associations (30 personnes).\n\nFaites votre demande au moins un mois avant la date souhaitée. La réservation n'est définitive qu'après la signature de la convention d'utilisation, le dépôt de la caution et la remise d'une attestation d'assurance responsabilité civile.\n\nLes associations de Démoville disposent gratuitement d'une salle deux fois par an. Les tarifs sont affichés à l'accueil de la mairie.": (
        "The town lends or lets three rooms: the Jean-Moulin village hall (300 people), the "
        "Tilleuls multi-purpose hall (120 people) and the meeting room of the Associations' "
        "House (30 people).\n\nApply at least a month before the date you want. The booking is "
        "final only once the agreement is signed, the deposit paid and a certificate of "
        "liability insurance handed in.\n\nDémoville's associations get a room free of charge "
        "twice a year. Prices are displayed at the town hall's front desk."
    ),
    "La date et les horaires de la manifestation\nLe nombre de participants attendus\nL'attestation d'assurance responsabilité civile de l'organisateur": (
        "The date and times of the event\nThe number of people expected\n"
        "The organiser's certificate of liability insurance"
    ),
    "Salle souhaitée": "Room wanted",
    "Salle des fêtes Jean-Moulin (300 personnes)": "Jean-Moulin village hall (300 people)",
    "Salle polyvalente des Tilleuls (120 personnes)": "Tilleuls multi-purpose hall (120 people)",
    "Maison des associations, salle de réunion (30 personnes)": (
        "Associations' House, meeting room (30 people)"
    ),
    "Date de la manifestation": "Date of the event",
    "Faites votre demande au moins un mois à l'avance.": "Apply at least a month in advance.",
    "Horaires souhaités": "Times wanted",
    "Par exemple : de 14 h à 23 h, installation et rangement compris.": (
        "For example: from 2 pm to 11 pm, setting up and tidying included."
    ),
    "Type de manifestation": "Kind of event",
    "Réunion ou assemblée générale": "Meeting or general assembly",
    "Fête familiale": "Family party",
    "Spectacle ou concert": "Show or concert",
    "Loto, bourse ou vide-grenier": "Bingo, swap meet or car boot sale",
    "Formation ou conférence": "Training or talk",
    "Autre": "Other",
    "Nombre de personnes attendues": "Number of people expected",
    "Vous réservez en tant que": "You are booking as",
    "Particulier": "Private person",
    "Association de Démoville": "Démoville association",
    "Association extérieure": "Association from elsewhere",
    "Entreprise": "Business",
    "Nom de l'association ou de l'entreprise": "Name of the association or business",
    "Matériel souhaité": "Equipment wanted",
    "Tables et chaises": "Tables and chairs",
    "Sonorisation": "Sound system",
    "Vidéoprojecteur et écran": "Projector and screen",
    "Cuisine équipée": "Fitted kitchen",
    "Scène mobile": "Mobile stage",
    "Prévoyez-vous une buvette ?": "Are you planning a refreshment bar?",
    "Une buvette temporaire se déclare en mairie : nous vous enverrons le formulaire.": (
        "A temporary refreshment bar must be declared to the town hall: we will send you the form."
    ),
    "Attestation d'assurance responsabilité civile": "Certificate of liability insurance",
    "Vous pourrez aussi la transmettre plus tard, avant la remise des clés.": (
        "You may also send it later, before the keys are handed over."
    ),
    # --- Public space ---
    "Occuper le domaine public": "Use the public highway",
    "Terrasse, échafaudage, benne, déménagement : demandez une autorisation d'occupation temporaire du trottoir ou de la chaussée.": (
        "Terrace, scaffolding, skip, removal van: ask for a temporary permit to use the "
        "pavement or the road."
    ),
    "Installer une terrasse, un échafaudage, une benne ou garer un camion de déménagement sur le trottoir ou la chaussée demande une autorisation d'occupation temporaire du domaine public. Déposez votre demande au moins 15 jours avant le début de l'occupation, un mois pour une terrasse.\n\nL'autorisation fixe l'emplacement, la durée et les conditions (signalisation, passage des piétons). Elle donne lieu à une redevance calculée selon la surface et la durée, sauf pour les déménagements de particuliers.\n\nSi le stationnement doit être interdit ou la circulation interrompue, la ville prend en plus un arrêté : comptez alors trois semaines.": (
        "Setting up a terrace, scaffolding or a skip, or parking a removal van on the pavement "
        "or the road needs a temporary permit to use the public highway. Apply at least 15 "
        "days before the start, a month for a terrace.\n\nThe permit sets the place, the "
        "duration and the conditions (signs, room for people on foot). A fee is charged "
        "according to the area and the duration, except for private removals.\n\nIf parking "
        "must be banned or traffic stopped, the town also issues an order: allow three weeks."
    ),
    "Les dates et l'emplacement exact de l'occupation\nLe plan ou la photo de l'installation (benne, échafaudage, terrasse)\nLe numéro SIRET pour une entreprise": (
        "The dates and exact place of the occupation\n"
        "The plan or photo of the installation (skip, scaffolding, terrace)\n"
        "The SIRET number for a business"
    ),
    "L'occupation": "The occupation",
    "Objet de l'occupation": "Purpose of the occupation",
    "Terrasse de café ou de restaurant": "Café or restaurant terrace",
    "Échafaudage": "Scaffolding",
    "Benne ou dépôt de matériaux": "Skip or building materials",
    "Véhicule de déménagement": "Removal vehicle",
    "Étalage commercial": "Shop display",
    "Nacelle ou camion-grue": "Cherry picker or crane truck",
    "Commerçant": "Shopkeeper",
    "Entreprise du bâtiment": "Building firm",
    "Syndic ou bailleur": "Property manager or landlord",
    "L'entreprise": "The business",
    "Raison sociale": "Company name",
    "Numéro SIRET": "SIRET number",
    "14 chiffres, sur l'extrait Kbis ou l'avis de situation SIRENE.": (
        "14 digits, on the Kbis extract or the SIRENE registration notice."
    ),
    "Dates et emplacement": "Dates and place",
    "Premier jour d'occupation": "First day of the occupation",
    "L'occupation ne peut pas commencer avant aujourd'hui.": "The occupation cannot start before today.",
    "Dernier jour d'occupation": "Last day of the occupation",
    "Emplacement, s'il diffère de l'adresse de la demande": (
        "Place, if it differs from the address of the request"
    ),
    "Surface occupée (en m²)": "Area used (in m²)",
    "Faut-il neutraliser des places de stationnement ?": "Must parking spaces be closed off?",
    "Si oui, la ville prend un arrêté de stationnement : comptez trois semaines.": (
        "If so, the town issues a parking order: allow three weeks."
    ),
    "Description de l'occupation": "Description of the occupation",
    "Dimensions, emplacement exact, passage laissé aux piétons (1,40 m au minimum)…": (
        "Size, exact place, room left for people on foot (1.40 m at least)…"
    ),
    "Plan ou croquis de l'installation": "Plan or sketch of the installation",
    # --- Question ---
    "Poser une question à la mairie": "Ask the town hall a question",
    "Une question sur un service, une démarche, un horaire ? L'accueil de la mairie vous répond.": (
        "A question about a service, a procedure, opening times? The town hall's front desk "
        "answers you."
    ),
    "Une question sur un service de la ville, une démarche, un horaire ? Écrivez-nous : l'accueil de la mairie vous répond, ou transmet votre question au service concerné.\n\nPour une démarche précise (acte d'état civil, réservation de salle, encombrants, signalement), utilisez plutôt le formulaire qui lui est dédié : votre demande sera traitée plus vite.\n\nNous répondons en général dans la semaine.": (
        "A question about a town service, a procedure, opening times? Write to us: the town "
        "hall's front desk answers you, or passes your question on to the service "
        "concerned.\n\nFor a specific procedure (civil status certificate, room booking, bulky "
        "items, a report), use its own form instead: your request will be dealt with faster."
        "\n\nWe usually answer within the week."
    ),
    "Sujet": "Subject",
    "Démarches et papiers": "Procedures and papers",
    "Voirie, propreté et déchets": "Roads, cleaning and waste",
    "Écoles, cantine et périscolaire": "Schools, canteen and after-school care",
    "Associations, sport et culture": "Associations, sport and culture",
    "Urbanisme et travaux": "Planning and building works",
    "Autre sujet": "Another subject",
    "Votre question": "Your question",
    "Donnez-nous tous les éléments utiles. N'indiquez ni données de santé, ni coordonnées bancaires.": (
        "Give us every useful detail. Do not include health data or bank details."
    ),
    "Comment préférez-vous recevoir la réponse ?": "How would you like to receive the answer?",
    "Par e-mail": "By e-mail",
    "Par téléphone": "By phone",
    "Téléphone": "Phone",
    "Nous appelons du lundi au vendredi, de 9 h à 17 h.": (
        "We call from Monday to Friday, 9 am to 5 pm."
    ),
    # --- Associations' directory ---
    "Inscrire une association à l'annuaire municipal": "List an association in the town directory",
    "Faites connaître votre association aux habitants : annuaire en ligne et forum de septembre.": (
        "Make your association known to residents: online directory and September fair."
    ),
    "L'annuaire des associations de Démoville, publié sur le site de la ville et distribué au forum de septembre, fait connaître vos activités aux habitants. L'inscription est gratuite et ouverte aux associations dont le siège ou l'activité principale est à Démoville.\n\nPensez à nous signaler tout changement (président, contact, horaires) pour que l'annuaire reste à jour.": (
        "The directory of Démoville's associations, published on the town's website and handed "
        "out at the September fair, makes your activities known to residents. Listing is free "
        "and open to associations based or mainly active in Démoville.\n\nRemember to tell us "
        "of any change (chair, contact, times) so that the directory stays up to date."
    ),
    "Nom de l'association": "Name of the association",
    "Numéro RNA": "RNA number",
    "Il commence par W suivi de 9 chiffres et figure sur le récépissé de la préfecture.": (
        "It starts with W followed by 9 digits and is on the prefecture's receipt."
    ),
    "Domaines d'activité": "Fields of activity",
    "Sport": "Sport",
    "Culture et loisirs": "Culture and leisure",
    "Solidarité et santé": "Solidarity and health",
    "Jeunesse et éducation": "Youth and education",
    "Environnement": "Environment",
    "Mémoire et anciens combattants": "Remembrance and veterans",
    "Vie de quartier": "Neighbourhood life",
    "Présentation de l'association": "About the association",
    "Quelques lignes, publiées telles quelles dans l'annuaire.": (
        "A few lines, published as they are in the directory."
    ),
    "E-mail de contact publié": "Published contact e-mail",
    "Téléphone publié": "Published phone number",
    "Commune du siège": "Town of the head office",
    "Nombre d'adhérents": "Number of members",
    "Souhaitez-vous un stand au forum des associations de septembre ?": (
        "Would you like a stand at the September associations' fair?"
    ),
    # --- Temporary refreshment bar ---
    "Ouvrir une buvette temporaire": "Open a temporary refreshment bar",
    "Kermesse, tournoi, concert : l'autorisation de vendre des boissons le temps d'une manifestation. Sans réponse sous 10 jours ouvrés, elle est accordée.": (
        "Fair, tournament, concert: the permit to sell drinks during an event. Without an "
        "answer within 10 working days, it is granted."
    ),
    "Une association qui organise une manifestation ouverte au public peut y tenir une buvette temporaire, dans la limite de cinq autorisations par an. Seules les boissons sans alcool et les boissons fermentées non distillées (bière, vin, cidre) peuvent y être vendues.\n\nFaites votre demande au moins trois semaines avant la manifestation. Le maire répond sous 10 jours ouvrés ; sans réponse dans ce délai, l'autorisation est accordée (le silence vaut accord) et vous en êtes informé par e-mail.\n\nL'autorisation précise les jours et les horaires d'ouverture : affichez-la près de la buvette pendant toute la manifestation.": (
        "An association holding an event open to the public may run a temporary refreshment "
        "bar there, up to five permits a year. Only soft drinks and fermented, undistilled "
        "drinks (beer, wine, cider) may be sold.\n\nApply at least three weeks before the "
        "event. The mayor answers within 10 working days; without an answer by then, the "
        "permit is granted (silence means consent) and you are told by e-mail.\n\nThe permit "
        "states the days and opening hours: display it near the bar for the whole event."
    ),
    "L'association": "The association",
    "Responsable de la buvette": "Person in charge of the bar",
    "La personne présente pendant toute la manifestation.": "The person present for the whole event.",
    "Le numéro RNA commence par W, suivi de 9 chiffres.": "The RNA number starts with W, followed by 9 digits.",
    "La manifestation": "The event",
    "Nature de la manifestation": "Kind of event",
    "Fête de quartier": "Street party",
    "Tournoi sportif": "Sports tournament",
    "Concert": "Concert",
    "Kermesse": "Fête",
    "Vide-grenier": "Car boot sale",
    "Premier jour": "First day",
    "Dernier jour": "Last day",
    "La buvette est-elle installée en plein air ?": "Is the bar set up outdoors?",
    "Emplacement de la buvette": "Where the bar stands",
    "Placez le point sur la carte si vous le pouvez.": "Place the point on the map if you can.",
    "Salle ou équipement": "Hall or venue",
    "Gymnase des Tilleuls": "Tilleuls sports hall",
    "Salle des fêtes Jean-Moulin": "Jean-Moulin village hall",
    "Stade municipal": "Town stadium",
    "Les boissons": "The drinks",
    "Bon à savoir": "Good to know",
    "Une association peut obtenir cinq autorisations de buvette temporaire par an. Seules les boissons des groupes 1 et 3 peuvent y être vendues.": (
        "An association may obtain five temporary bar permits a year. Only drinks of groups 1 "
        "and 3 may be sold."
    ),
    "Boissons proposées": "Drinks on offer",
    "Boissons sans alcool (groupe 1)": "Soft drinks (group 1)",
    "Boissons fermentées non distillées : bière, vin, cidre (groupe 3)": (
        "Fermented, undistilled drinks: beer, wine, cider (group 3)"
    ),
    "Autorisations déjà obtenues cette année": "Permits already obtained this year",
    "Attestation d'assurance de la manifestation": "Insurance certificate for the event",
    "Vous pouvez aussi la déposer à l'accueil de la mairie avant la manifestation.": (
        "You may also hand it in at the town hall's front desk before the event."
    ),
    "Attestation d'autorisation tacite de buvette temporaire n° {{ reference }}": (
        "Certificate of tacit permit for a temporary refreshment bar no. {{ reference }}"
    ),
    "La demande d'autorisation de buvette temporaire {{ reference }}, déposée par {{ name }}, n'a pas reçu de réponse avant le {{ due_date }}.\n\nPour cette démarche, le silence de l'administration vaut accord : l'autorisation est accordée pour les jours et le lieu indiqués dans la demande.\n\nCette attestation est à afficher près de la buvette pendant toute la manifestation.\n\n{{ organization }}": (
        "The request for a temporary refreshment bar permit {{ reference }}, filed by "
        "{{ name }}, received no answer before {{ due_date }}.\n\nFor this procedure, the "
        "administration's silence means consent: the permit is granted for the days and the "
        "place given in the request.\n\nDisplay this certificate near the bar for the whole "
        "event.\n\n{{ organization }}"
    ),
    "Autorisation de buvette temporaire n° {{ reference }}": (
        "Temporary refreshment bar permit no. {{ reference }}"
    ),
    "Le maire de Démoville autorise {{ name }} à ouvrir une buvette temporaire pour la manifestation décrite dans la demande {{ reference }}.\n\nObservations : {{ comment }}\n\nCette autorisation est à afficher près de la buvette pendant toute la manifestation.\n\n{{ organization }}": (
        "The mayor of Démoville allows {{ name }} to open a temporary refreshment bar for the "
        "event described in request {{ reference }}.\n\nRemarks: {{ comment }}\n\nDisplay "
        "this permit near the bar for the whole event.\n\n{{ organization }}"
    ),
    "Votre buvette temporaire est autorisée ({{ reference }})": (
        "Your temporary refreshment bar is allowed ({{ reference }})"
    ),
    "Bonjour {{ name }},\n\nVotre demande d'autorisation de buvette temporaire est acceptée. Téléchargez l'autorisation depuis le suivi de votre demande :\n{{ tracking_url }}\n\n{{ comment }}\n\nLe service Vie associative et salles\n{{ organization }}": (
        "Hello {{ name }},\n\nYour request for a temporary refreshment bar permit is accepted. "
        "Download the permit from your request's tracking page:\n{{ tracking_url }}\n\n"
        "{{ comment }}\n\nThe Associations and halls service\n{{ organization }}"
    ),
    # --- Services ---
    "Voirie et propreté": "Roads and cleaning",
    "Du lundi au vendredi : 8 h – 12 h et 13 h 30 – 16 h 30\nAstreinte les soirs et week-ends au 01 99 00 12 99": (
        "Monday to Friday: 8 am – 12 noon and 1.30 pm – 4.30 pm\n"
        "On call evenings and weekends on 01 99 00 12 99"
    ),
    "Centre technique municipal\n14 rue des Ateliers\n12345 Démoville": (
        "Town technical centre\n14 rue des Ateliers\n12345 Démoville"
    ),
    "État civil": "Civil status",
    "Du lundi au mercredi : 8 h 30 – 12 h et 13 h 30 – 17 h 30\nJeudi : 8 h 30 – 12 h et 13 h 30 – 19 h\nVendredi : 8 h 30 – 12 h et 13 h 30 – 17 h\nSamedi : 9 h – 12 h (accueil et état civil uniquement)": (
        "Monday to Wednesday: 8.30 am – 12 noon and 1.30 pm – 5.30 pm\n"
        "Thursday: 8.30 am – 12 noon and 1.30 pm – 7 pm\n"
        "Friday: 8.30 am – 12 noon and 1.30 pm – 5 pm\n"
        "Saturday: 9 am – 12 noon (front desk and civil status only)"
    ),
    "Hôtel de ville, rez-de-chaussée\n1 place de la Mairie\n12345 Démoville": (
        "Town hall, ground floor\n1 place de la Mairie\n12345 Démoville"
    ),
    "Vie associative et salles": "Associations and halls",
    "Lundi, mardi et jeudi : 9 h – 12 h et 14 h – 18 h\nMercredi : 14 h – 19 h": (
        "Monday, Tuesday and Thursday: 9 am – 12 noon and 2 pm – 6 pm\nWednesday: 2 pm – 7 pm"
    ),
    "Maison des associations\n8 rue des Tilleuls\n12345 Démoville": (
        "Associations' House\n8 rue des Tilleuls\n12345 Démoville"
    ),
    "Urbanisme et domaine public": "Planning and public highway",
    "Sur rendez-vous du lundi au vendredi : 9 h – 12 h\nAccueil téléphonique l'après-midi : 14 h – 17 h": (
        "By appointment Monday to Friday: 9 am – 12 noon\nBy phone in the afternoon: 2 pm – 5 pm"
    ),
    "Hôtel de ville, 2e étage\n1 place de la Mairie\n12345 Démoville": (
        "Town hall, 2nd floor\n1 place de la Mairie\n12345 Démoville"
    ),
    # --- Villeneuve-sur-Démo ---
    "Chaussée abîmée, éclairage en panne, dépôt sauvage : prévenez les services techniques.": (
        "Damaged road, street light out, fly-tipping: let the technical services know."
    ),
    "Un problème sur une route, un chemin, un trottoir ou dans un espace vert de la commune ? Dites-le aux services techniques, qui passeront le constater.\n\nLes routes départementales qui traversent le village sont entretenues par le Département : nous lui transmettons les signalements qui le concernent.": (
        "A problem on a road, a path, a pavement or in a green space of the village? Tell the "
        "technical services, who will come and see.\n\nThe county roads through the village "
        "are kept by the Département: we pass on the reports that concern it."
    ),
    "Actes de naissance, de mariage ou de décès enregistrés à Villeneuve-sur-Démo.": (
        "Birth, marriage or death certificates registered in Villeneuve-sur-Démo."
    ),
    "Demandez une copie ou un extrait d'acte pour un événement qui a eu lieu à Villeneuve-sur-Démo. La délivrance est gratuite ; l'acte est envoyé par courrier ou remis à l'accueil de la mairie.": (
        "Request a copy or an extract of a certificate for an event that took place in "
        "Villeneuve-sur-Démo. It is free; the certificate is sent by post or handed over at "
        "the town hall's front desk."
    ),
    "Le secrétariat de mairie répond à vos questions.": "The town hall's office answers your questions.",
    "Une question sur la vie de la commune, une démarche, un horaire ? Le secrétariat de mairie vous répond, en général dans la semaine.": (
        "A question about village life, a procedure, opening times? The town hall's office "
        "answers you, usually within the week."
    ),
    "Services techniques": "Technical services",
    "Du lundi au vendredi : 8 h – 12 h et 13 h 30 – 17 h": (
        "Monday to Friday: 8 am – 12 noon and 1.30 pm – 5 pm"
    ),
    "Atelier municipal\nchemin du Stade\n12346 Villeneuve-sur-Démo": (
        "Town workshop\nchemin du Stade\n12346 Villeneuve-sur-Démo"
    ),
    "Accueil et état civil": "Front desk and civil status",
    "Lundi, mardi, jeudi et vendredi : 9 h – 12 h et 14 h – 17 h\nMercredi et samedi : 9 h – 12 h": (
        "Monday, Tuesday, Thursday and Friday: 9 am – 12 noon and 2 pm – 5 pm\n"
        "Wednesday and Saturday: 9 am – 12 noon"
    ),
    "Mairie\n3 place de l'Église\n12346 Villeneuve-sur-Démo": (
        "Town hall\n3 place de l'Église\n12346 Villeneuve-sur-Démo"
    ),
    # --- Places ---
    "Hôtel de ville": "Town hall",
    "Le samedi matin, seuls l'accueil et l'état civil sont ouverts.": (
        "On Saturday mornings, only the front desk and civil status are open."
    ),
    "Centre technique municipal": "Town technical centre",
    "Astreinte les soirs et week-ends au 01 99 00 12 99.": (
        "On call evenings and weekends on 01 99 00 12 99."
    ),
    "Maison des associations": "Associations' House",
    # --- Agendas and meeting types (demo/info.AGENDAS; "État civil" is above) ---
    "Passeports et cartes d'identité": "Passports and identity cards",
    "Passeport": "Passport",
    "Carte d'identité": "Identity card",
    "Le numéro de pré-demande en ligne\nUne photo d'identité de moins de six mois\nUn justificatif de domicile\nL'ancien titre, ou une déclaration de perte ou de vol": (
        "The number of your online pre-application\nAn identity photo less than six months "
        "old\nA proof of address\nThe old document, or a declaration of its loss or theft"
    ),
    "Déclaration de naissance ou de reconnaissance": "Registering a birth or an acknowledgement of a child",
    "Pièces d'identité": "Identity documents",
    "Dossier de mariage ou de PACS": "Wedding or civil partnership (PACS) file",
    "Pièces d'identité, justificatifs": "Identity documents, supporting documents",
}


def procedure_translations(procedure) -> dict:
    """The procedure's `translations` with the glossary's English for each of its texts
    (the default workflow's states have theirs in the message catalogue)."""
    values = [
        (entry.path, ENGLISH[entry.french])
        for group in translatable_groups(procedure, "en")
        for entry in group.entries
        if entry.french in ENGLISH
    ]
    return with_translations(procedure.translations, "en", values)


def object_translations(item: dict, names: tuple) -> dict:
    """A service's or place's `translations` from its French description (a dict); a text
    the glossary does not know (a plain postal address) stays French."""
    english = {
        name: ENGLISH[item[name]] for name in names if item.get(name) and item[name] in ENGLISH
    }
    return {"en": english} if english else {}
