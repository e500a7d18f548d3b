"""The multi-turn profile dialog: transport, name, optional age, picture, confirm.

It behaves like the Bot Framework "multi-turn prompt" sample. The profile is
kept in user state as a plain dict, so it reads the same from every store.
"""

from decimal import Decimal, InvalidOperation
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

from ..http_urls import is_shareable_link
from .off_loop_prompts import OffLoopChoicePrompt, OffLoopConfirmPrompt, OffLoopNumberPrompt

PROFILE_PROPERTY = "UserProfile"
TRANSPORTS = ("Car", "Bus", "Bicycle")
PICTURE_TYPES = ("image/jpeg", "image/png")
NO_AGE = -1


class UserProfileDialog(ComponentDialog):
    """Collects a user profile and, once confirmed, keeps it in user state.

    A picture's link is shown back only when it is https, or, in a local run
    (``local_pictures``), http on this machine: the bot never hands a user a
    ``javascript:``, ``file:`` or internal address it was sent.
    """

    def __init__(self, user_state: UserState, local_pictures: bool = False):
        super().__init__(UserProfileDialog.__name__)
        self._profile: StatePropertyAccessor = user_state.create_property(PROFILE_PROPERTY)
        self._local_pictures = local_pictures
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
        # Stored dialog stacks name prompts by these ids: keep them.
        self.add_dialog(OffLoopNumberPrompt(NumberPrompt.__name__, _age_is_plausible))
        self.add_dialog(OffLoopChoicePrompt(ChoicePrompt.__name__))
        self.add_dialog(OffLoopConfirmPrompt(ConfirmPrompt.__name__))
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

    async def _ask_confirmation(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["picture"] = self._picture_of(step.result)
        return await step.prompt(
            ConfirmPrompt.__name__,
            PromptOptions(prompt=MessageFactory.text("Is this ok?")),
        )

    def _picture_of(self, attachments: Optional[list]) -> Optional[dict]:
        """The first attachment as a plain dict, or None when the user skipped.

        Its link is kept only if it may be shown back (see the class docstring).
        """
        if not attachments:
            return None
        picture = attachments[0]
        url = picture.content_url
        return {
            "contentType": picture.content_type,
            "contentUrl": url if is_shareable_link(url, self._local_pictures) else None,
            "name": picture.name or "profile picture",
        }

    async def _summarise(self, step: WaterfallStepContext) -> DialogTurnResult:
        if not step.result:
            await step.context.send_activity(
                MessageFactory.text("Thanks. Your profile will not be kept.")
            )
            return await step.end_dialog()
        profile = {
            "transport": step.values["transport"],
            "name": step.values["name"],
            "age": _whole_number(step.values["age"]),  # older turns stored a Decimal
            "picture": step.values["picture"],
        }
        await self._profile.set(step.context, profile)
        await step.context.send_activity(MessageFactory.text(_summary(profile)))
        if profile["picture"] and profile["picture"]["contentUrl"]:
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


def _whole_number(value: object) -> Optional[int]:
    """``value`` as an int if it is a finite whole number, else None."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if number.is_finite() and number == number.to_integral_value():
            return int(number)
    except (InvalidOperation, TypeError, ValueError):
        pass
    return None


async def _age_is_plausible(prompt_context: PromptValidatorContext) -> bool:
    """A whole number of years between 0 and 150, kept as a plain int."""
    if not prompt_context.recognized.succeeded:
        return False
    age = _whole_number(prompt_context.recognized.value)
    if age is None or not 0 < age < 150:
        return False
    prompt_context.recognized.value = age
    return True


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
