"""Texts of the demo site: configuration, home page and footer pages, per language.

Plausible starting points for editors, not legal advice: the publisher and host of the
legal notice are to be completed by whoever runs the site.
"""

from home.models import FooterRole


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def paragraph(html):
    return ("paragraph", html)


def callout(title, html):
    return ("callout", {"title": title, "text": html})


SITE_CONFIG = {
    "fr": {
        "site_title": "Les rencontres locales",
        "site_tagline": "Construisons ensemble Quartiers 2030",
        "accessibility_status": "NOT",
        "footer_description": (
            "Les rencontres locales et ateliers territoriaux de la consultation nationale "
            "« Construisons ensemble Quartiers 2030 »."
        ),
    },
    "en": {
        "site_title": "Les rencontres locales",
        "site_tagline": "Building Quartiers 2030 together",
        "accessibility_status": "NOT",
        "footer_description": (
            "The local meetings and territorial workshops of the national consultation "
            "“Construisons ensemble Quartiers 2030”."
        ),
    },
}

HOME = {
    "fr": {
        "title": "Construisons ensemble Quartiers 2030",
        "slug": "accueil",
        "search_description": (
            "Les rencontres locales de la consultation Construisons ensemble Quartiers 2030 : "
            "trouvez une rencontre près de chez vous."
        ),
        "introduction": [
            heading("Les rencontres locales"),
            paragraph(
                "<p>Partout en France, des <b>rencontres locales</b> et des ateliers "
                "territoriaux réunissent habitants, associations, élus et agents publics "
                "pour imaginer ensemble l’avenir des quartiers à l’horizon 2030.</p>"
            ),
            paragraph(
                "<p>Retrouvez les rencontres près de chez vous, leur programme et leurs "
                "organisateurs, puis, après chaque rencontre, son compte rendu.</p>"
            ),
            callout(
                "Participez",
                "<p>Les rencontres sont ouvertes à toutes et à tous. La page de chaque "
                "rencontre indique comment s’inscrire.</p>",
            ),
        ],
    },
    "en": {
        "title": "Building Quartiers 2030 together",
        "slug": "home",
        "search_description": (
            "The local meetings of the Construisons ensemble Quartiers 2030 consultation: "
            "find a meeting near you."
        ),
        "introduction": [
            heading("Local meetings"),
            paragraph(
                "<p>All over France, <b>local meetings</b> and territorial workshops bring "
                "residents, associations, elected representatives and public servants "
                "together to imagine the future of neighbourhoods by 2030.</p>"
            ),
            paragraph(
                "<p>Find the meetings near you, their programme and organisers and, after "
                "each meeting, its report.</p>"
            ),
            callout(
                "Take part",
                "<p>Meetings are open to everyone. Each meeting’s page explains how to "
                "register.</p>",
            ),
        ],
    },
}

FOOTER_PAGES = {
    FooterRole.ACCESSIBILITY: {
        "fr": {
            "title": "Accessibilité",
            "slug": "accessibilite",
            "body": [
                paragraph(
                    "<p>L’équipe de la consultation « Construisons ensemble Quartiers 2030 » "
                    "s’engage à rendre ce site accessible conformément à l’article 47 de la "
                    "loi n° 2005-102 du 11 février 2005.</p>"
                ),
                heading("État de conformité"),
                paragraph(
                    "<p>Le site « Les rencontres locales » est <b>non conforme</b> avec le "
                    "référentiel général d’amélioration de l’accessibilité (RGAA) : il n’a "
                    "pas encore fait l’objet d’un audit.</p>"
                ),
                heading("Retour d’information et contact"),
                paragraph(
                    "<p>Si vous n’arrivez pas à accéder à un contenu ou à un service, "
                    "contactez l’équipe de la consultation : nous vous orienterons vers une "
                    "alternative accessible ou vous fournirons le contenu sous une autre "
                    "forme.</p>"
                ),
                heading("Voies de recours"),
                paragraph(
                    "<p>Si vous constatez un défaut d’accessibilité vous empêchant d’accéder "
                    "à un contenu et que vous n’obtenez pas de réponse satisfaisante, vous "
                    "pouvez saisir le "
                    '<a href="https://formulaire.defenseurdesdroits.fr/">Défenseur des '
                    "droits</a>.</p>"
                ),
            ],
        },
        "en": {
            "title": "Accessibility",
            "slug": "accessibility",
            "body": [
                paragraph(
                    "<p>The team of the “Construisons ensemble Quartiers 2030” consultation "
                    "is committed to making this site accessible, in accordance with "
                    "article 47 of French law no. 2005-102 of 11 February 2005.</p>"
                ),
                heading("Compliance status"),
                paragraph(
                    "<p>This site is <b>not compliant</b> with the French accessibility "
                    "guidelines (RGAA): it has not been audited yet.</p>"
                ),
                heading("Feedback and contact"),
                paragraph(
                    "<p>If you cannot access a content or a service, contact the "
                    "consultation team: we will direct you to an accessible alternative or "
                    "provide the content in another form.</p>"
                ),
            ],
        },
    },
    FooterRole.LEGAL_NOTICE: {
        "fr": {
            "title": "Mentions légales",
            "slug": "mentions-legales",
            "body": [
                heading("Éditeur"),
                paragraph(
                    "<p>Ce site est édité par l’équipe de la consultation nationale "
                    "« Construisons ensemble Quartiers 2030 ». Adresse et directeur ou "
                    "directrice de la publication : à compléter par l’éditeur.</p>"
                ),
                heading("Hébergement"),
                paragraph("<p>Hébergeur, adresse et téléphone : à compléter.</p>"),
                heading("Réutilisation des contenus"),
                paragraph(
                    "<p>Sauf mention contraire, les contenus de ce site sont proposés sous "
                    '<a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md">'
                    "licence ouverte Etalab 2.0</a>.</p>"
                ),
            ],
        },
        "en": {
            "title": "Legal notice",
            "slug": "legal-notice",
            "body": [
                heading("Publisher"),
                paragraph(
                    "<p>This site is published by the team of the national consultation "
                    "“Construisons ensemble Quartiers 2030”. Address and publication "
                    "director: to be completed by the publisher.</p>"
                ),
                heading("Hosting"),
                paragraph("<p>Host, address and telephone: to be completed.</p>"),
            ],
        },
    },
    FooterRole.PERSONAL_DATA: {
        "fr": {
            "title": "Données personnelles",
            "slug": "donnees-personnelles",
            "body": [
                paragraph(
                    "<p>Ce site ne collecte aucune donnée personnelle de ses visiteurs. Les "
                    "inscriptions aux rencontres se font auprès de leurs organisateurs, qui "
                    "vous informent de l’usage qu’ils font de vos données.</p>"
                ),
                heading("Vos droits"),
                paragraph(
                    "<p>Conformément au règlement général sur la protection des données "
                    "(RGPD), vous disposez d’un droit d’accès, de rectification et "
                    "d’effacement des données vous concernant. Vous pouvez aussi adresser "
                    'une réclamation à la <a href="https://www.cnil.fr/">CNIL</a>.</p>'
                ),
            ],
        },
        "en": {
            "title": "Personal data",
            "slug": "personal-data",
            "body": [
                paragraph(
                    "<p>This site collects no personal data from its visitors. You register "
                    "for a meeting with its organisers, who tell you how they use your "
                    "data.</p>"
                ),
                heading("Your rights"),
                paragraph(
                    "<p>Under the General Data Protection Regulation (GDPR), you may access, "
                    "correct and erase the data about you, and lodge a complaint with the "
                    '<a href="https://www.cnil.fr/">CNIL</a>.</p>'
                ),
            ],
        },
    },
    FooterRole.COOKIES: {
        "fr": {
            "title": "Gestion des cookies",
            "slug": "gestion-des-cookies",
            "body": [
                paragraph(
                    "<p>Ce site ne dépose aucun cookie de mesure d’audience ni de publicité : "
                    "aucun consentement ne vous est donc demandé.</p>"
                ),
                heading("Cookies techniques"),
                paragraph(
                    "<p>Seuls des cookies strictement nécessaires sont utilisés : la session "
                    "et la protection des formulaires de l’espace d’administration. Votre "
                    "choix de thème d’affichage (clair ou sombre) est conservé dans votre "
                    "navigateur.</p>"
                ),
            ],
        },
        "en": {
            "title": "Cookie management",
            "slug": "cookie-management",
            "body": [
                paragraph(
                    "<p>This site sets no audience-measurement or advertising cookie, so "
                    "no consent is asked of you.</p>"
                ),
                heading("Technical cookies"),
                paragraph(
                    "<p>Only strictly necessary cookies are used: the session and form "
                    "protection of the administration area. Your display theme (light or "
                    "dark) is kept in your browser.</p>"
                ),
            ],
        },
    },
}

SITEMAP = {
    "fr": {"title": "Plan du site", "slug": "plan-du-site"},
    "en": {"title": "Sitemap", "slug": "sitemap"},
}
