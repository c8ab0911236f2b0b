"""The text interpreter: world prompts and director commands become intents.

    from inference.interpreter import Interpreter
    interpreter = Interpreter()            # MiniLM loads on first use, or call warm()
    interpreter.parse_prompt("a quiet beach at sunset", character="a girl")  # -> SceneIntent
    interpreter.parse_command("a cute cat runs to the girl")               # -> ParseResult

Readings worth knowing when applying the intents:
- "golden hour" sets time_of_day "sunset" and lighting "golden" together.
- A subject with "a/an/some/three" or a bare plural ("birds fly") spawns; "the dog" or a
  bare singular ("dog sits") refers to an existing entity (Behave, Change, Remove).
- A behaviour with no subject ("come to me", "follow me", "stop") has subject EntityRef()
  with kind None and is_player False: apply it to the entity directed last.
- follow, flee and circle said without a target ("the cat runs away") target the player;
  go/run/fly with no target become wander (or fly).
- "follow the dog" (an imperative with a non-player object) is the camera's follow move;
  "follow me" is a behaviour. Camera(move, subject=None) means no particular subject.
- "stop the rain", "no more snow" and "remove the fog" set the weather to "clear".
- Spawn counts are capped at 20; a plural with no number spawns 3.
- A person's colour adjective is their hair colour ("a blonde woman" -> hair=blonde).
"""

from inference.interpreter.counting import count_director_actions
from inference.interpreter.interpreter import Interpreter, shared_interpreter

__all__ = ["Interpreter", "count_director_actions", "shared_interpreter"]
