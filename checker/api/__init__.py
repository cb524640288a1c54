"""The HTTP API: `checker.api.app` (routes), `guard` (access rules, body limit), `schemas`
(request and response models), `records` (stored claims as JSON). Started by
`python -m checker serve`; importing this package loads neither FastAPI nor the model."""
