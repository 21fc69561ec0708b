"""Importers: bring content from other platforms (Decidim) into rencontre pages."""
