"""The multi-turn profile dialog: transport, name, optional age, picture, confirm.

It behaves like the Bot Framework "multi-turn prompt" sample. The profile is
kept in user state as a plain dict, so it reads the same from every store.
"""

from typing import Optional

from botbuilder.core import MessageFactory, StatePropertyAccessor, UserState
from botbuilder.dialogs import (
    ComponentDialog,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.choices import Choice
from botbuilder.dialogs.prompts import (
    AttachmentPrompt,
    ChoicePrompt,
    ConfirmPrompt,
    NumberPrompt,
    PromptOptions,
    PromptValidatorContext,
    TextPrompt,
)
from botbuilder.schema import Attachment

PROFILE_PROPERTY = "UserProfile"
TRANSPORTS = ("Car", "Bus", "Bicycle")
PICTURE_TYPES = ("image/jpeg", "image/png")
NO_AGE = -1


class UserProfileDialog(ComponentDialog):
    """Collects a user profile and, once confirmed, keeps it in user state."""

    def __init__(self, user_state: UserState):
        super().__init__(UserProfileDialog.__name__)
        self._profile: StatePropertyAccessor = user_state.create_property(PROFILE_PROPERTY)
        self.add_dialog(
            WaterfallDialog(
                WaterfallDialog.__name__,
                [
                    self._ask_transport,
                    self._ask_name,
                    self._thank_and_ask_about_age,
                    self._ask_age,
                    self._ask_picture,
                    self._ask_confirmation,
                    self._summarise,
                ],
            )
        )
        self.add_dialog(TextPrompt(TextPrompt.__name__))
        self.add_dialog(NumberPrompt(NumberPrompt.__name__, _age_is_plausible))
        self.add_dialog(ChoicePrompt(ChoicePrompt.__name__))
        self.add_dialog(ConfirmPrompt(ConfirmPrompt.__name__))
        self.add_dialog(AttachmentPrompt(AttachmentPrompt.__name__, _picture_is_usable))
        self.initial_dialog_id = WaterfallDialog.__name__

    @staticmethod
    async def _ask_transport(step: WaterfallStepContext) -> DialogTurnResult:
        return await step.prompt(
            ChoicePrompt.__name__,
            PromptOptions(
                prompt=MessageFactory.text("Please enter your mode of transport."),
                choices=[Choice(transport) for transport in TRANSPORTS],
            ),
        )

    @staticmethod
    async def _ask_name(step: WaterfallStepContext) -> DialogTurnResult:
        step.values["transport"] = step.result.value
        return await step.prompt(
            TextPrompt.__name__,
            PromptOptions(prompt=MessageFactory.text("Please enter your name.")),
        )

    @staticmethod
    async def _thank_and_ask_about_age(step: WaterfallStepContext) -> DialogTurnResult:
        step.values["name"] = step.result
        await step.context.send_activity(MessageFactory.text(f"Thanks {step.result}"))
        return await step.prompt(
            ConfirmPrompt.__name__,
            PromptOptions(prompt=MessageFactory.text("Would you like to give your age?")),
        )

    @staticmethod
    async def _ask_age(step: WaterfallStepContext) -> DialogTurnResult:
        if not step.result:
            return await step.next(NO_AGE)
        return await step.prompt(
            NumberPrompt.__name__,
            PromptOptions(
                prompt=MessageFactory.text("Please enter your age."),
                retry_prompt=MessageFactory.text(
                    "The value entered must be greater than 0 and less than 150."
                ),
            ),
        )

    @staticmethod
    async def _ask_picture(step: WaterfallStepContext) -> DialogTurnResult:
        age = step.result
        step.values["age"] = age
        await step.context.send_activity(
            MessageFactory.text(
                "No age given." if age == NO_AGE else f"I have your age as {age}."
            )
        )
        return await step.prompt(
            AttachmentPrompt.__name__,
            PromptOptions(
                prompt=MessageFactory.text(
                    "Please attach a profile picture (or type any message to skip)."
                ),
                retry_prompt=MessageFactory.text(
                    "The attachment must be a jpeg/png image file."
                ),
            ),
        )

    @staticmethod
    async def _ask_confirmation(step: WaterfallStepContext) -> DialogTurnResult:
        step.values["picture"] = _picture_of(step.result)
        return await step.prompt(
            ConfirmPrompt.__name__,
            PromptOptions(prompt=MessageFactory.text("Is this ok?")),
        )

    async def _summarise(self, step: WaterfallStepContext) -> DialogTurnResult:
        if not step.result:
            await step.context.send_activity(
                MessageFactory.text("Thanks. Your profile will not be kept.")
            )
            return await step.end_dialog()
        profile = {
            "transport": step.values["transport"],
            "name": step.values["name"],
            "age": step.values["age"],
            "picture": step.values["picture"],
        }
        await self._profile.set(step.context, profile)
        await step.context.send_activity(MessageFactory.text(_summary(profile)))
        if profile["picture"]:
            await step.context.send_activity(
                MessageFactory.attachment(
                    Attachment(
                        content_type=profile["picture"]["contentType"],
                        content_url=profile["picture"]["contentUrl"],
                        name=profile["picture"]["name"],
                    ),
                    "This is your profile picture.",
                )
            )
        return await step.end_dialog(profile)


def _summary(profile: dict) -> str:
    text = f"I have your mode of transport as {profile['transport']} and your name as {profile['name']}"
    if profile["age"] != NO_AGE:
        text += f" and your age as {profile['age']}"
    if not profile["picture"]:
        text += " and no profile picture"
    return text + "."


def _picture_of(attachments: Optional[list]) -> Optional[dict]:
    """The first attachment as a plain dict, or None when the user skipped."""
    if not attachments:
        return None
    picture = attachments[0]
    return {
        "contentType": picture.content_type,
        "contentUrl": picture.content_url,
        "name": picture.name or "profile picture",
    }


async def _age_is_plausible(prompt_context: PromptValidatorContext) -> bool:
    return prompt_context.recognized.succeeded and 0 < prompt_context.recognized.value < 150


async def _picture_is_usable(prompt_context: PromptValidatorContext) -> bool:
    """Accepts jpeg/png; any message without attachments skips the picture."""
    if not prompt_context.recognized.succeeded:
        await prompt_context.context.send_activity(
            "No attachments received. Proceeding without a profile picture..."
        )
        return True
    usable = [
        attachment
        for attachment in prompt_context.recognized.value
        if (attachment.content_type or "").lower() in PICTURE_TYPES
    ]
    prompt_context.recognized.value = usable
    return bool(usable)
