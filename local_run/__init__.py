"""Run the function app locally without Azure Functions Core Tools.

- ``python -m local_run.host``: serve the app's functions on port 7071
  (``local_run.host.start_host`` does the same inside a test);
- ``python -m local_run.chat``: chat with it from a terminal.

Import from the modules themselves (``from local_run.host import start_host``):
this package imports nothing so that ``python -m local_run.host`` does not
load ``local_run.host`` twice.
"""
