"""The leaf library: helpers every app may use — Thai dates, bilingual names,
stored files, PDF rendering, charts, QR codes, settings helpers.

It imports no app of this project and nothing else of ``pso_site`` (the
composition root); import-linter checks both (``.importlinter``).
"""
