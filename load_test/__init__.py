"""Load test: many conversations through the local host over HTTP."""
