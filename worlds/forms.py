from __future__ import annotations

from django import forms

from worlds.models import Visibility
from worlds.validators import MAX_CHARACTER_LENGTH, MAX_PROMPT_LENGTH, STYLE_CHOICES

STYLE_LABELS = {
    "auto": "Let the prompt decide",
    "realistic": "Realistic",
    "painterly": "Painterly (hand-painted animation)",
    "film80s": "1980s film",
    "noir": "Noir",
    "pixel": "Pixel art",
    "watercolor": "Watercolour",
    "cyberpunk": "Cyberpunk neon",
    "sepia": "Sepia",
}


class WorldForm(forms.Form):
    """Field shapes only; the services do the validating, so pages and API agree."""

    prompt = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "The streets of Paris in the 1980s, light rain"}
        ),
        max_length=MAX_PROMPT_LENGTH,
        help_text="The scene: a place, a time, the weather, a mood.",
    )
    character = forms.CharField(
        required=False,
        max_length=MAX_CHARACTER_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "A stylish blonde woman in a red coat"}),
        help_text="Who is there when the world begins (optional).",
    )
    title = forms.CharField(required=False, max_length=120)
    style = forms.ChoiceField(choices=[(s, STYLE_LABELS.get(s, s)) for s in STYLE_CHOICES])
    seed = forms.CharField(
        required=False,
        help_text="Same prompt and seed, same world. Leave empty for a surprise.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "random"}),
    )
    tags = forms.CharField(
        required=False,
        max_length=300,
        help_text="Comma-separated, e.g. rain, city, 80s. They help people find your world.",
    )
    image = forms.FileField(
        required=False,
        help_text="Optional: an image sets the palette and mood (PNG, JPEG, WebP; up to 10 MB).",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PRIVATE)


class PublishForm(forms.Form):
    visibility = forms.ChoiceField(choices=Visibility.choices)
    snapshot = forms.ChoiceField(required=False, choices=[])

    def __init__(self, *args: object, snapshots: object = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].choices = [("", "The latest snapshot")] + [
            (snapshot.slug, f"{snapshot.label or 'Snapshot'} · tick {snapshot.tick}")
            for snapshot in snapshots
        ]
