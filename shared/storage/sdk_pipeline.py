"""An Azure SDK client's pipeline without the policies that have nothing to do.

A pipeline runs every policy the client was built with on every request,
each through a layer of awaits, whether or not it has anything to do. The
stores' requests carry no per-request options (no hooks, proxies or
headers of their own), so a policy that only acts on those, or on a client
option nobody set, does nothing but cost. ``ContentDecodePolicy`` is worse:
it parses every JSON or XML answer for the SDKs' generated layers, which
the Cosmos SDK does not read (it parses the body again itself) and the
Blob record requests do not use.

Everything else is kept in its order, on the same transport: credentials,
retries, redirects, user agent, logging and tracing, and any policy this
module does not know.
"""

import copy
from typing import Callable, List, Optional

from azure.core.pipeline import AsyncPipeline
from azure.core.pipeline.policies import ContentDecodePolicy, CustomHookPolicy, ProxyPolicy, SansIOHTTPPolicy


def idle_policy(policy: object) -> bool:
    """True for a policy that does nothing for requests sent without options."""
    # pylint: disable=protected-access
    if isinstance(policy, ContentDecodePolicy):
        return True
    if isinstance(policy, ProxyPolicy):
        return not policy.proxies
    if isinstance(policy, CustomHookPolicy):
        return policy._request_callback is None and policy._response_callback is None
    return False


def pipeline_without(
    sdk_pipeline: AsyncPipeline,
    leave_out: Callable[[object], bool],
    replace: Optional[Callable[[object], object]] = None,
) -> AsyncPipeline:
    """A new pipeline of ``sdk_pipeline``'s policies less those ``leave_out``
    picks, each passed through ``replace`` if given, on the same transport.

    Policies that call the next one themselves (retry, redirect, Azure AD
    credentials) are copied: a pipeline links each of them to the next, and
    the originals stay linked in ``sdk_pipeline``, which may still be used.
    A copied Azure AD policy starts with the original's token and renews it
    on its own, from the credential's cache.
    """
    # pylint: disable=protected-access
    policies: List[object] = []
    for runner in sdk_pipeline._impl_policies:
        policy = getattr(runner, "_policy", runner)  # a SansIO policy is wrapped in a runner
        if leave_out(policy):
            continue
        replaced = replace(policy) if replace else policy
        if replaced is policy and not isinstance(policy, SansIOHTTPPolicy):
            replaced = copy.copy(policy)
        policies.append(replaced)
    return AsyncPipeline(sdk_pipeline._transport, policies)
