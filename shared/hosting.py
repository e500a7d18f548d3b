"""Whether the app runs on an Azure Functions plan, whichever plan it is.

Start-up refuses settings that are only safe on a developer's machine (memory
state, no credentials), so this must hold on every plan. The platform sets, and
Core Tools and the local host do not:

- ``WEBSITE_INSTANCE_ID`` on App Service based plans: Dedicated, Premium
  (Elastic Premium) and Windows Consumption. Flex Consumption and Linux
  Consumption leave it empty (the Functions host's own plan detection expects
  that).
- ``WEBSITE_SKU`` on every plan (``FlexConsumption``, ``Dynamic``,
  ``ElasticPremium``, the Dedicated tier names).

Any one of them is enough. ``CONTAINER_NAME``, which the host also checks on
Linux Consumption, is left out on purpose: container tools and CI machines set
it too, and a developer's container would then refuse memory state.
"""

from typing import Mapping

AZURE_HOST_VARIABLES = ("WEBSITE_INSTANCE_ID", "WEBSITE_SKU")


def running_in_azure(environ: Mapping[str, str]) -> bool:
    """True when any variable the Azure Functions platform sets is present."""
    return any((environ.get(name) or "").strip() for name in AZURE_HOST_VARIABLES)
