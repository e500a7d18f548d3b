"""Every path through the profile dialog, sent as a channel would send it."""

import json
from decimal import Decimal

import pytest

from shared.bot_application import BotApplication
from shared.dialogs.user_profile_dialog import PROFILE_PROPERTY
from shared.settings import Settings
from tests.storage.legacy_documents import pickled
from tests.chat_driver import ChatDriver

USER_KEY = "test/users/user-1"
PNG = {"contentType": "image/png", "contentUrl": "https://example.test/me.png", "name": "me.png"}


async def stored_profile(stores):
    record = (await stores.user.read([USER_KEY])).get(USER_KEY) or {}
    return record.get(PROFILE_PROPERTY)


async def walk_to_age_question(chat):
    assert await chat.say("hi") == [
        "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
    ]
    assert await chat.say("Bus") == ["Please enter your name."]
    assert await chat.say("Ada") == [
        "Thanks Ada",
        "Would you like to give your age? (1) Yes or (2) No",
    ]


async def test_without_age_or_picture_the_profile_is_kept(chat, stores):
    await walk_to_age_question(chat)
    assert await chat.say("no") == [
        "No age given.",
        "Please attach a profile picture (or type any message to skip).",
    ]
    assert await chat.say("skip") == [
        "No attachments received. Proceeding without a profile picture...",
        "Is this ok? (1) Yes or (2) No",
    ]
    assert await chat.say("yes") == [
        "I have your mode of transport as Bus and your name as Ada and no profile picture."
    ]
    assert await stored_profile(stores) == {
        "transport": "Bus",
        "name": "Ada",
        "age": -1,
        "picture": None,
    }


async def test_an_invalid_age_is_asked_again_until_valid(chat, stores):
    await walk_to_age_question(chat)
    assert await chat.say("yes") == ["Please enter your age."]
    retry = ["The value entered must be greater than 0 and less than 150."]
    assert await chat.say("old") == retry
    assert await chat.say("150") == retry
    assert await chat.say("0") == retry
    assert await chat.say("37") == [
        "I have your age as 37.",
        "Please attach a profile picture (or type any message to skip).",
    ]


async def test_a_png_picture_is_kept_and_shown_back(chat, stores):
    await walk_to_age_question(chat)
    await chat.say("no")
    assert await chat.say(attachments=[PNG]) == ["Is this ok? (1) Yes or (2) No"]
    replies = await chat.replies("yes")
    assert replies[0]["text"] == (
        "I have your mode of transport as Bus and your name as Ada."
    )
    assert replies[1]["text"] == "This is your profile picture."
    assert replies[1]["attachments"][0]["contentUrl"] == PNG["contentUrl"]
    assert (await stored_profile(stores))["picture"] == PNG


async def test_a_jpeg_picture_is_accepted(chat):
    await walk_to_age_question(chat)
    await chat.say("no")
    jpeg = dict(PNG, contentType="image/jpeg", contentUrl="https://example.test/me.jpg")
    assert await chat.say(attachments=[jpeg]) == ["Is this ok? (1) Yes or (2) No"]


async def test_an_attachment_that_is_not_a_picture_is_refused(chat, stores):
    await walk_to_age_question(chat)
    await chat.say("no")
    pdf = dict(PNG, contentType="application/pdf")
    assert await chat.say(attachments=[pdf]) == ["The attachment must be a jpeg/png image file."]
    assert await chat.say(attachments=[PNG]) == ["Is this ok? (1) Yes or (2) No"]


async def test_declining_at_the_end_keeps_no_profile(chat, stores):
    await walk_to_age_question(chat)
    await chat.say("no")
    await chat.say("skip")
    assert await chat.say("no") == ["Thanks. Your profile will not be kept."]
    assert await stored_profile(stores) is None


async def test_after_the_summary_a_new_message_starts_the_dialog_again(chat):
    await walk_to_age_question(chat)
    await chat.say("no")
    await chat.say("skip")
    await chat.say("yes")
    assert await chat.say("hello again") == [
        "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
    ]


AGE_RETRY = "The value entered must be greater than 0 and less than 150."


async def walk_to_age_prompt(chat):
    await walk_to_age_question(chat)
    assert await chat.say("yes") == ["Please enter your age."]


async def test_the_age_is_kept_as_a_plain_json_integer(chat, stores):
    await walk_to_age_prompt(chat)
    assert await chat.say("I am 42") == [
        "I have your age as 42.",
        "Please attach a profile picture (or type any message to skip).",
    ]
    await chat.say("skip")
    await chat.say("yes")
    profile = await stored_profile(stores)
    assert profile["age"] == 42 and type(profile["age"]) is int
    document = stores.user._records[USER_KEY]  # pylint: disable=protected-access
    assert json.loads(document)[PROFILE_PROPERTY]["age"] == 42
    assert "py/" not in document  # readable by the JavaScript and C# bots


@pytest.mark.parametrize(
    "answer", ["1e-400", "149.9999999999", "0.5", "1" + "0" * 400, "0", "150", "-3", "none of your business"]
)
async def test_an_age_that_is_not_a_whole_number_of_years_is_asked_again(chat, answer):
    await walk_to_age_prompt(chat)
    assert await chat.say(answer) == [AGE_RETRY]
    assert (await chat.say("42"))[0] == "I have your age as 42."


async def test_a_conversation_saved_with_an_older_decimal_age_ends_with_an_integer(chat, stores):
    await walk_to_age_prompt(chat)
    await chat.say("42")
    # The dialog state as the previous version stored it: the age as a Decimal.
    key = "test/conversations/conversation-1"
    record = (await stores.conversation.read([key]))[key]
    text = json.dumps(pickled(record)).replace('"age": 42', f'"age": {json.dumps(pickled(Decimal("42")))}')
    assert "decimal.Decimal" in text
    stores.conversation._records[key] = text  # pylint: disable=protected-access

    await chat.say("skip")
    assert (await chat.say("yes"))[0].endswith("and your age as 42 and no profile picture.")
    assert type((await stored_profile(stores))["age"]) is int


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/me.png",
        "http://example.test/me.png",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
async def test_a_picture_link_that_is_not_https_is_never_shown_back(chat, stores, url):
    await walk_to_age_question(chat)
    await chat.say("no")
    assert await chat.say(attachments=[{**PNG, "contentUrl": url}]) == ["Is this ok? (1) Yes or (2) No"]
    replies = await chat.replies("yes")
    assert [reply.get("attachments") for reply in replies] == [None]
    assert url not in json.dumps(replies)
    assert (await stored_profile(stores))["picture"] == {**PNG, "contentUrl": None}


async def test_a_loopback_picture_is_shown_back_only_in_a_local_run(stores, clock):
    local_picture = {**PNG, "contentUrl": "http://127.0.0.1:5000/v3/attachments/me.png"}
    for running_in_azure, shown in ((False, True), (True, False)):
        settings = Settings(
            expire_after_seconds=30,
            running_in_azure=running_in_azure,
            allowed_service_urls=("http://127.0.0.1:9/",),  # the test channel's address
        )
        chat = ChatDriver(BotApplication(settings, stores, clock), f"azure-{running_in_azure}")
        await walk_to_age_question(chat)
        await chat.say("no")
        await chat.say(attachments=[local_picture])
        replies = await chat.replies("yes")
        assert (len(replies) == 2) is shown
