"""The shared vocabulary of crm-migrate: names, record shapes, errors and messages.

Every other package imports from here; this package imports nothing of the project,
so ``pipelines → connectors, transforms, validators → vocabulary`` holds by construction.
"""
