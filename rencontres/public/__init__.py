"""What visitors see: the listing and a rencontre's page, the filter form, feeds,
calendars, SEO (meta description, JSON-LD) and open data."""
