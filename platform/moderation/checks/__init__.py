"""The parts of the text and image checks: each module scores one way, services combine them.

normalise  folds unicode look-alikes, leetspeak, spacing and repeats into plain words
rules      hand-written patterns per category, with benign exceptions
classifier alt-profanity-check's shipped linear model, evaluated without sklearn overhead
embeddings MiniLM similarity to exemplars of each category against benign exemplars
image      NudeNet's bundled ONNX detector through onnxruntime
"""

CATEGORIES = (
    "sexual",
    "sexual/minors",
    "violence/graphic",
    "hate",
    "harassment",
    "self-harm",
    "illicit",
)
