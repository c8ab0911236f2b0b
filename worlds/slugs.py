"""Short, unguessable ids for URLs."""

import secrets

# No look-alikes (0/O, 1/l/I), so a slug read aloud or retyped still works.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
SLUG_LENGTH = 10  # 55**10 ≈ 2.5e17: unguessable for links that are not listed anywhere


def new_slug() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SLUG_LENGTH))
