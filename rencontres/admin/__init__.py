"""The plugin's Wagtail admin: viewsets, the rencontre's form and tabs, hooks.

Registered from ``rencontres.wagtail_hooks`` (Wagtail's discovery) and
:func:`rencontres.admin.panels.attach` (called when the app is ready).
"""
