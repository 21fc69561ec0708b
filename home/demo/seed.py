"""The seed rencontre, verbatim from the Decidim page it was published on in 2023.

Its text (bullets, typographic apostrophes) must stay exactly as in
``shared/seed/atelier-territorial-vallee-du-gier.txt``.
"""

TITLE = "Atelier territorial Vallée du Gier"
DEPARTEMENT_CODE = "42"

POURQUOI = [
    "Partager des éléments de diagnostic issus des quartiers populaires concernés",
    "Collecter des avis, préconisations pour le futur contrat de ville",
    "Mobiliser habitants et acteurs pour les Assises de la politique de la ville",
    "Engager une dynamique de concertation territoriale pour l’application du futur "
    "contrat de ville métropolitain",
]
POUR_QUI = [
    "Acteurs (sociaux, culturels, économiques) des quartiers populaires",
    "Habitants et associations d’habitants",
    "Agents des collectivités concernés par la politique de la ville (chefs de projet, "
    "responsables de service)",
]
COMMENT = [
    "Atelier de 3h environ (pauses comprises)",
    "Méthodologies créatives et participatives",
    "Animation et outillage par Kaléido’Scop, coopérative expérimentée sur les enjeux et "
    "outils de la participation : méthodes reproductibles et transmises pour d’autres temps "
    "de concertation sur les territoires",
]

ORGANISER = {
    "name": "Kaléido’Scop",
    "url": "https://www.kaleido-scop.com/",
    "description": (
        "Coopérative experte de la participation citoyenne et de l’animation de "
        "démarches de concertation."
    ),
}


def description():
    """The description of the seed's second version: its three sections."""
    return [
        ("pourquoi", {"heading": "Pourquoi ?", "introduction": "", "items": POURQUOI}),
        ("pour_qui", {"heading": "Pour et avec qui ?", "introduction": "", "items": POUR_QUI}),
        ("comment", {"heading": "Comment ?", "introduction": "", "items": COMMENT}),
    ]
