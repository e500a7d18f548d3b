"""Every path through the profile dialog, sent as a channel would send it."""

from shared.dialogs.user_profile_dialog import PROFILE_PROPERTY

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
