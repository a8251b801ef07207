"""Server-rendered French pages (Jinja2 + DSFR), usable without JavaScript."""
