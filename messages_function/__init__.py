"""HTTP trigger: POST /api/messages runs one bot turn per activity."""

import json

import azure.functions as func

from shared.worker import get_bot_application, get_settings, long_lived

get_settings()  # a bad setting stops the function from loading, naming the setting
# The Python worker imports this module when it loads the function, before any
# invocation. Building the bot here (its imports, its storage clients) keeps
# that work off the worker's event loop, where the first turn would otherwise
# do it and hold every other invocation until it was done.
with long_lived():
    get_bot_application()


async def main(req: func.HttpRequest) -> func.HttpResponse:
    headers = {name.lower(): value for name, value in req.headers.items()}
    result = await get_bot_application().handle(req.method, headers, req.get_body())
    if result.body is None:
        return func.HttpResponse(status_code=result.status)
    return func.HttpResponse(
        json.dumps(result.body), status_code=result.status, mimetype="application/json"
    )
