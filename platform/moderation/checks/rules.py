"""Hand-written rules per category, over normalised text (see normalise.py).

Each rule is a regular expression written in plain spelling; it is squeezed the same way
the text is ("kill" -> "kil"), so doubled or stretched letters cannot dodge it. A rule
marked `exact` runs on the unsqueezed words instead, for words whose squeezed form would
collide with an innocent one.

Benign idioms ("kill the lights", "shoot a close-up", "naked mole rat") are cut out of the
text before the harmful rules run, so they cannot trip them.

Scores: BLOCK (0.95) is enough on its own to block; FLAG (0.6) flags for review.
Rules are deliberately narrow: the MiniLM and classifier signals catch paraphrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from moderation.checks.normalise import Normalised, squeeze

BLOCK = 0.95
FLAG = 0.6


@dataclass(frozen=True)
class Rule:
    category: str
    score: float
    pattern: str
    exact: bool = False


def _alts(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


MINOR = _alts(
    r"child\w*",
    r"kids?",
    r"kiddie\w*",
    r"minors?",
    r"under ?age\w*",
    r"teens?",
    r"teenage\w*",
    r"pre ?teens?",
    r"tweens?",
    r"lol[ie]s?",
    r"lolita",
    r"shota\w*",
    r"toddlers?",
    r"bab(?:y|ies)",
    r"infants?",
    r"school ?(?:girl|boy|kid|child)s?",
    r"little (?:girl|boy)s?",
    r"young (?:girl|boy)s?",
    r"(?:[1-9]|1[0-7]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen) ?(?:years? ?old|yo|yr olds?)",
    r"boys?",
    r"girls?",
    r"daughters?",
    r"sons?",
    r"students?",
    r"pupils?",
    r"juveniles?",
)

SEXUAL = _alts(
    r"sex",
    r"sexual\w*",
    r"sexy",
    r"naked",
    r"nude\w*",
    r"nudity",
    r"porn\w*",
    r"erotic\w*",
    r"undress\w*",
    r"strip(?:s|ped|ping|per|pers)?",
    r"genital\w*",
    r"molest\w*",
    r"fondl\w*",
    r"grop\w*",
    r"lingerie",
    r"orgasm\w*",
    r"aroused?",
    r"horny",
    r"seduc\w*",
    r"intercourse",
    r"rapes?",
    r"raped|raping|rapist",
    r"breasts?",
    r"tits",
    r"penis\w*",
    r"vagina\w*",
    r"nsfw",
    r"lewd\w*",
    r"explicit",
    r"topless",
    r"bottomless",
    r"make ?out",
    r"touch\w* (?:him|her|them|their|his) (?:private|body|bod)\w*",
    r"private parts",
    r"fuck\w*",
    r"blow ?jobs?",
    r"hentai",
    r"onlyfans",
)

RULES: tuple[Rule, ...] = (
    # sexual/minors: any sexual term near a minor term, and a few terms on their own.
    Rule("sexual/minors", BLOCK, rf"\b{MINOR}\b(?:\W+\w+){{0,6}}?\W+{SEXUAL}\b"),
    Rule("sexual/minors", BLOCK, rf"\b{SEXUAL}\b(?:\W+\w+){{0,6}}?\W+{MINOR}\b"),
    Rule(
        "sexual/minors",
        BLOCK,
        r"\b(?:(?:child|children|kiddie|kid|kids|teen|preteen|underage)"
        r" ?porn\w*|cp|jail ?bait|pedo\w*|paedo\w*|pedophil\w*|paedophil\w*|lolicon|shotacon|"
        r"loli|lolis|shota)\b",
    ),
    Rule("sexual/minors", BLOCK, r"\bgroom\w* (?:a |the )?(?:child|kid|minor|girl|boy)s?\b"),
    # sexual
    Rule(
        "sexual",
        BLOCK,
        r"\b(?:porn\w*|hentai|nsfw|blow ?jobs?|hand ?jobs?|orgasm\w*|"
        r"masturbat\w*|ejaculat\w*|genitals?|genitalia|penis\w*|vagina\w*|clitoris|dildo\w*|"
        r"cum ?shots?|erotica|sex ?scenes?|sex ?tape|onlyfans|nudes|gang ?bang\w*|threesome)\b",
    ),
    Rule("sexual", BLOCK, r"\b(?:have|having|has|had|make|making|do|doing) (?:sex|intercourse)\b"),
    Rule(
        "sexual",
        BLOCK,
        r"\b(?:fuck\w*|screw\w*|bang\w*|shag\w*) (?:her|him|them|each other|"
        r"the (?:girl|boy|woman|man|lady|guy))\b(?! (?:up|over))",
    ),
    Rule(
        "sexual",
        BLOCK,
        r"\b(?:naked|nude|topless|bottomless) (?:woman|women|girl|girls|man|men|"
        r"lady|ladies|guy|guys|person|people|body|bodies|dancer|dancers|model|models|photos?|"
        r"pics?|pictures?)\b",
    ),
    Rule(
        "sexual",
        BLOCK,
        r"\b(?:take|takes|taking|took|rip|rips|tear|tears) (?:off )?(?:her|his|"
        r"their|all (?:her|his|their)) (?:clothes|clothing|dress|shirt|top|bra|panties|pants|"
        r"underwear)(?: off)?\b",
    ),
    Rule(
        "sexual",
        BLOCK,
        r"\b(?:strip\w*|undress\w*) (?:naked|nude|her|him|them|completely|fully|"
        r"for)\b",
    ),
    Rule(
        "sexual",
        BLOCK,
        r"\b(?:make|makes|making|get|gets|turn|turns) (?:\w+ ){0,3}"
        r"(?:topless|naked|nude|undressed)\b",
    ),
    Rule(
        "sexual",
        BLOCK,
        r"\b(?:undress\w*|strip\w*) (?:\w+ ){0,2}for (?:him|her|them|the \w+|"
        r"a \w+|an \w+|me|us)\b",
    ),
    Rule(
        "sexual",
        BLOCK,
        r"\bexplicit(?:ly)? (?:sex\w*|love ?making|nudity|scenes?)\b|"
        r"\bmak\w* love (?:\w+ )?explicit\w*",
    ),
    Rule("sexual", BLOCK, r"\b(?:rapes?|raped|rapists?|raping|sexual\w* assault\w*|molest\w*)\b"),
    Rule("sexual", BLOCK, r"\b(?:boobs|tits|titties|nipples?|xxx)\b", exact=True),
    Rule(
        "sexual",
        FLAG,
        r"\b(?:sexy|naked|nude|nudity|erotic\w*|lingerie|seductive\w*|horny|"
        r"aroused|lewd\w*|stripper\w*|strip ?club|brothel|sex|sexual\w*)\b",
    ),
    # violence/graphic
    Rule(
        "violence/graphic",
        BLOCK,
        r"\b(?:gore|gory|goriest|dismember\w*|decapitat\w*|"
        r"disembowel\w*|mutilat\w*|eviscerat\w*|entrails|intestines|beheads?|beheading|beheaded|"
        r"flay\w*|impal\w*|tortur\w*|massacre\w*|snuff ?films?)\b",
    ),
    Rule(
        "violence/graphic",
        BLOCK,
        r"\b(?:guts|brains?|organs|eyes|eyeballs?|heart|skull|blood) "
        r"(?:\w+ ){0,2}(?:spill\w*|splatter\w*|pour\w*|everywhere|out|spray\w*|explod\w*|"
        r"ripped|torn)\b",
    ),
    Rule(
        "violence/graphic",
        BLOCK,
        r"\b(?:rip|rips|ripping|tear|tears|tearing|gouge|gouges|"
        r"gouging|cut|cuts|cutting|saw|saws|sawing|hack|hacks|hacking|chop|chops|chopping|slice|"
        r"slices|slit|slits) (?:out |off |open |apart )?(?:his|her|their|the (?:man|men|woman|"
        r"women|child|girl|boy|person|victim|prisoner|villager|hostage|soldier|guard|hunter|"
        r"camper|peasant|king|queen|enemy|people|body|corpse|dog|cat|horse)s?(?: s)?) "
        r"?(?:\w+ )?(?:eyes?|throat|heads?|limbs?|arms?|"
        r"legs?|fingers?|tongue|skin|guts|face|belly|stomach|heart|insides)\b",
    ),
    Rule(
        "violence/graphic",
        BLOCK,
        r"\b(?:skin\w*|burn\w*|boil\w*|bur(?:y|ied)) (?:\w+ ){0,2}"
        r"alive\b",
    ),
    Rule(
        "violence/graphic",
        BLOCK,
        r"\b(?:pools?|rivers?|lakes?|buckets?|fountains?) of "
        r"(?:blood|gore|guts)\b",
    ),
    Rule(
        "violence/graphic",
        BLOCK,
        r"\b(?:kill\w*|shoot\w*|stab\w*|slaughter\w*|murder\w*|"
        r"butcher\w*|execut\w*|exterminat\w*|gun\w* down|mow\w* down|behead\w*|burn\w*) "
        r"(?:all |every |the |those |some |these )?(?:\w+ )?(?:children|kids|babies|baby|"
        r"toddlers|infants|school ?kids|students|civilians|villagers|crowd|hostages|innocents?|"
        r"innocent people|everyone|refugees|worshippers|pupils)\b",
    ),
    Rule(
        "violence/graphic",
        BLOCK,
        r"\b(?:school|mass|church|mosque|synagogue|concert) "
        r"(?:shooting|shooter|massacre|stabbing|bombing)s?\b",
    ),
    Rule(
        "violence/graphic",
        BLOCK,
        r"\b(?:blood|gore|guts) (?:and|&) (?:guts|gore|blood|"
        r"brains)\b",
    ),
    Rule(
        "violence/graphic",
        BLOCK,
        r"\b(?:rotting|decaying|bloated) (?:bodies|corpses|flesh|"
        r"limbs)\b|\b(?:bodies|corpses) (?:\w+ ){0,6}(?:rot|decay)\b",
    ),
    Rule(
        "violence/graphic",
        FLAG,
        r"\b(?:bloody|bloodbath|blood ?soaked|blood ?splatter\w*|"
        r"corpses?|dead bodies|mangled|severed|carnage|slaughter\w*|butcher\w*|murder\w*|"
        r"execution\w*|lynch\w*|moan\w* (?:in|with) pleasure|"
        r"stab\w* (?:him|her|them|the \w+) (?:to death|repeatedly)|"
        r"shoot\w* (?:him|her|them|the \w+) in the (?:head|face))\b",
    ),
    # self-harm
    Rule(
        "self-harm",
        BLOCK,
        r"\b(?:suicid\w*|self ?harm\w*|self ?injur\w*|kms|pro ?ana|"
        r"thinspo\w*|unalive (?:my|your)sel\w*|cutting myself|cut myself)\b",
    ),
    Rule(
        "self-harm",
        BLOCK,
        r"\b(?:kill|hurt|harm|hang|cut|burn|drown|starve|poison|shoot|stab)"
        r"(?:s|ing)? (?:my ?self|yourself|your ?self|themselves|himself|herself)\b",
    ),
    Rule(
        "self-harm",
        BLOCK,
        r"\b(?:end|ending|take|taking) (?:my|your|his|her|their) (?:own )?"
        r"li(?:fe|ves)\b",
    ),
    Rule(
        "self-harm",
        BLOCK,
        r"\b(?:i|we) (?:\w+ )?(?:want|wanna|going|gonna|plan|planning|"
        r"wish|deserve|need) (?:to )?(?:die|be dead|disappear forever|not exist|not wake up)\b",
    ),
    Rule("self-harm", BLOCK, r"\b(?:slit\w*|cut\w*) (?:my|your|his|her|their)? ?wrists?\b"),
    Rule(
        "self-harm",
        BLOCK,
        r"\b(?:don ?t|do not|dont|no longer) want to (?:live|be alive|exist|"
        r"wake up)\b|\bbetter off dead\b|\bend it all\b|\bno reason to (?:live|go on)\b|"
        r"\b(?:razor|blade|knife)s? (?:on|to|across|into) (?:my|her|his|their) (?:skin|arms?|"
        r"wrists?|legs?|thighs?)\b|\b(?:lethal|fatal) dose\b",
    ),
    Rule(
        "self-harm",
        BLOCK,
        r"\b(?:overdos\w*|od) (?:on )?(?:pills|painkillers|tylenol|"
        r"paracetamol|sleeping pills|insulin)\b|\bhow many (?:pills|sleeping pills|painkillers)\b",
    ),
    Rule(
        "self-harm",
        BLOCK,
        r"\b(?:jump\w*) (?:off|from) (?:a|the) (?:bridge|roof|building|cliff)"
        r" (?:to die|and die|to end it)\b",
    ),
    Rule(
        "self-harm",
        BLOCK,
        # First person only: "a girl walks into the sea" or a noose in a western town
        # are scenery, not a person saying they will hurt themselves.
        r"\b(?:tired of|done with|sick of) (?:living|being alive|life)\b|"
        r"\blife (?:is not|isn ?t|aint|ain ?t) worth (?:living|it)\b|"
        r"\bnot worth living\b|\b(?:i ?m|i am|im) (?:going to|gonna) end it\b|"
        r"\b(?:i|i ?ll|i will|i want to|i m going to|im going to) (?:step|jump|walk|lie)"
        r" (?:in front of|under) (?:a|the) (?:train|bus|truck|car|subway)\b|"
        r"\b(?:noose|rope) (?:around|round) my neck\b|"
        r"\b(?:swallow|take|down) (?:a|the|all (?:of )?(?:my|the)) (?:whole )?"
        r"(?:bottle|packet|box)? ?(?:of )?(?:pills|tablets|sleeping pills)\b|"
        r"\bmake (?:myself|me) bleed\b|\bbleed (?:myself )?out\b|\bcut deeper\b",
    ),
    Rule(
        "self-harm",
        BLOCK,
        r"\b(?:starv\w*|purg\w*) (?:myself|yourself) (?:thin|skinny)?\b|"
        r"\b(?:ways|how|tips) to (?:starve|purge|stop eating)\b",
    ),
    Rule(
        "self-harm",
        BLOCK,
        # eating disorders: purging, starving and laxatives as weight control
        r"\b(?:purg\w*|throw\w* up|vomit\w*|puk\w*) (?:\w+ )?(?:after|before) "
        r"(?:eating|meals?|food|dinner|lunch|breakfast|every meal)\b|"
        r"\bmake (?:my ?self|yourself|her ?self|him ?self) (?:throw up|vomit|puke|sick) "
        r"(?:after|to lose|so i|to stay)\b|"
        r"\b(?:purging|binge ?purge|pro ?mia|ana coach|meanspo|bonespo)\b|"
        r"\blaxatives? (?:to|for|so) (?:lose|drop|get thin|stay thin|be thin)\b|"
        r"\b(?:skip\w*|stop\w*|quit\w*) (?:eating|all meals|every meal) (?:until|till|to get)"
        r" (?:i|she|he|you|they)?\s?(?:am|is|are|get|gets)? ?(?:thin|skinny|bones)\b|"
        r"\bhide (?:not eating|that i (?:don ?t|do not) eat|my (?:purging|starving))\b",
    ),
    Rule(
        "self-harm",
        BLOCK,
        # passive ideation and method-seeking, first person or "how to"
        r"\b(?:i|i ?d|i would|i want to|i wanna|i just want to|i wish i could) "
        r"(?:\w+ )?(?:disappear|fall asleep|go to sleep|sleep) (?:\w+ )?(?:and )?"
        r"(?:never (?:wake up|come back|exist)|forever)\b|"
        r"\bnever wake up again\b|"
        r"\b(?:i|i ?d|i would) (?:rather|prefer to) (?:be dead|die|not exist|not be alive)\b|"
        r"\bwish (?:i|i ?d) (?:had )?(?:was|were|been)? ?"
        r"(?:never (?:been )?born|dead|gone for good)\b|"
        r"\b(?:everyone|they|my family|the world) (?:would be|is|are) better (?:off )?without me\b|"
        r"\bno (?:point|reason) (?:in|to) (?:living|being alive|going on|staying alive)\b|"
        r"\b(?:painless|quick|quickest|easy|easiest|fastest|surest) ways? to (?:die|end it)\b|"
        r"\bhow (?:to|do i|can i) (?:die|end it) (?:painlessly|quickly|peacefully|fast)\b",
    ),
    # harassment (at people, not characters)
    Rule(
        "harassment",
        0.97,
        r"\b(?:go|just|should|please|pls|plz|can|why don t you) "
        r"(?:\w+ )?(?:kill|hang|hurt|neck|shoot|off) yourself\b",
    ),
    Rule(
        "harassment",
        BLOCK,
        r"\b(?:kys|go die|die in a fire|drop dead|neck yourself|"
        r"nobody (?:loves|likes|wants) you|everyone hates you|you should (?:die|disappear|"
        r"be dead|not exist))\b",
    ),
    Rule(
        "harassment",
        BLOCK,
        r"\b(?:i|we|i ?ll|i ?m going to|im gonna|i will|we will|we ?ll)"
        r" (?:\w+ )?(?:kill|hurt|find|rape|stab|shoot|murder|beat|destroy|dox\w*) (?:you|u|ya|"
        r"your (?:family|kids|mom|mother))\b",
    ),
    Rule(
        "harassment",
        BLOCK,
        r"\b(?:you|u|ur|you ?re|your|youre) (?:\w+ ){0,2}(?:stupid|idiot\w*|"
        r"moron\w*|retard\w*|worthless|pathetic|disgusting|ugly|fat|loser\w*|dumb|bitch\w*|"
        r"whore\w*|slut\w*|cunt\w*|piece of (?:shit|crap|garbage|trash)|trash|scum|waste of "
        r"(?:space|air|life)|freak\w*|failure)\b",
    ),
    Rule("harassment", BLOCK, r"\b(?:fuck|screw|f) (?:you|u|off|yourself|your)\b"),
    Rule("harassment", BLOCK, r"\b(?:shut (?:the fuck )?up|stfu|gtfo|suck my)\b"),
    Rule(
        "harassment",
        FLAG,
        r"\b(?:idiot\w*|moron\w*|retard\w*|loser\w*|bitch\w*|whore\w*|"
        r"slut\w*|cunt\w*|asshole\w*|dickhead\w*|jerk)\b",
    ),
    # hate
    Rule(
        "hate",
        BLOCK,
        r"\b(?:nigg+\w*|nigga+s?|niggers?|nigs|fag|fags|fagg+ots?|kikes?|"
        r"spic|spics|chinks?|gooks?|wetbacks?|ragheads?|towel ?heads?|tranny|trannies|"
        r"dykes?|coon|coons|beaners?|paki|pakis|sand ?nigg\w*|untermensch\w*)\b",
        exact=True,
    ),
    Rule(
        "hate",
        BLOCK,
        r"\b(?:heil hitler|sieg heil|white power|white pride|14 ?88|gas the \w+|"
        r"final solution|ethnic cleansing|race war|master race|inferior races?|"
        r"great replacement|jewish conspiracy|zog)\b",
    ),
    Rule(
        "hate",
        BLOCK,
        r"\b(?:kill|exterminate|gas|deport|burn|hang|lynch|eliminate|wipe out|"
        r"get rid of|ban|genocide|cleanse) (?:all |the |every )?(?:\w+ )?(?:jews|jewish people|"
        r"muslims|christians|blacks|black people|whites|white people|asians|arabs|mexicans|"
        r"immigrants|migrants|gays|gay people|lesbians|trans people|transgender people|"
        r"homosexuals|gypsies|roma|hindus|sikhs|africans|chinese|refugees|women|disabled people)\b",
    ),
    Rule(
        "hate",
        BLOCK,
        r"\b(?:jews|muslims|christians|blacks|black people|whites|white people|"
        r"asians|arabs|mexicans|immigrants|migrants|gays|gay people|lesbians|trans people|"
        r"transgender people|homosexuals|gypsies|roma|hindus|sikhs|africans|chinese|refugees|"
        r"women|disabled people) (?:are|r) (?:all )?(?:\w+ )?(?:animals|vermin|rats|cockroaches|"
        r"parasites|subhuman|inferior|savages|filth|scum|disease|a disease|a plague|plague|"
        r"evil|criminals|terrorists|rapists|apes|monkeys|pigs|dogs|trash|not human|less than "
        r"human|stupid|dirty)\b",
    ),
    Rule(
        "hate",
        BLOCK,
        r"\b(?:jews|muslims|christians|blacks|black people|whites|white people|"
        r"asians|arabs|mexicans|immigrants|migrants|gays|gay people|lesbians|trans people|"
        r"homosexuals|gypsies|hindus|africans|chinese|refugees|women) (?:should|must|need to|"
        r"deserve to|ought to) (?:all )?(?:die|be killed|be gassed|be exterminated|be shot|"
        r"burn|hang|not exist|be deported|go back|not vote|be slaves|be banned)\b",
    ),
    Rule("hate", FLAG, r"\b(?:nazi\w*|swastika\w*|kkk|ku klux klan|hitler|confederate flag)\b"),
    # illicit
    Rule(
        "illicit",
        BLOCK,
        r"\b(?:how to|how do i|how can i|steps to|recipe for|guide to|"
        r"instructions (?:for|to)|teach me to|help me|tutorial (?:on|for)) (?:\w+ ){0,3}"
        r"(?:make|build|cook|synthesi[sz]e|brew|manufacture|produce|get|buy|grow|assemble|"
        r"3d print) (?:\w+ ){0,2}(?:meth\w*|crystal meth|cocaine|crack|heroin|fentanyl|lsd|mdma|"
        r"ecstasy|drugs|bombs?|pipe ?bombs?|explosives?|napalm|thermite|nerve gas|sarin|ricin|"
        r"anthrax|poison\w*|ghost guns?|untraceable guns?|silencers?|molotov\w*|chemical weapons?"
        r"|bioweapons?|dirty bombs?|ied)\b",
    ),
    Rule(
        "illicit",
        BLOCK,
        r"\b(?:cook\w*|synthesi[sz]\w*|manufactur\w*|brew\w*) (?:\w+ ){0,2}"
        r"(?:meth\w*|crystal meth|fentanyl|heroin|crack cocaine|lsd|mdma)\b",
    ),
    Rule(
        "illicit",
        BLOCK,
        r"\b(?:buy|buying|sell|selling|order|ordering|score|scoring|deal|"
        r"dealing|smuggl\w*|traffick\w*) (?:\w+ ){0,2}(?:cocaine|coke|heroin|meth|fentanyl|"
        r"crack|mdma|ecstasy|lsd|illegal guns?|stolen guns?|unregistered guns?|children|kids|"
        r"organs|women|girls|people|humans|stolen credit cards?|credit card numbers?|"
        r"fake (?:ids?|passports?)|counterfeit \w+)\b",
    ),
    Rule(
        "illicit",
        BLOCK,
        r"\b(?:make|making|build|building|assemble|plant|detonate|print|"
        r"printing) (?:a |an )?(?:pipe ?bomb|car ?bomb|nail ?bomb|suicide vest|ied|dirty bomb|"
        r"chemical weapon|ghost gun|untraceable gun|molotov\w*|zip gun)s?\b",
    ),
    Rule(
        "illicit",
        BLOCK,
        r"\b(?:get|buy|obtain|acquire) (?:a |an )?(?:gun|firearm|weapon|pistol|"
        r"rifle)s? (?:illegally|without (?:a )?(?:licen[cs]e|background check|permit))\b",
    ),
    Rule(
        "illicit",
        BLOCK,
        r"\bhow (?:to|do i|can i|do you) (?:\w+ )?(?:steal|rob|shoplift|"
        r"hotwire|break into|pickpocket|scam|kidnap|blackmail|extort|stalk|dox\w*)\b",
    ),
    Rule(
        "illicit",
        BLOCK,
        r"\b(?:launder\w* money|money launder\w*|counterfeit\w* (?:money|cash|"
        r"bills|currency)|credit card fraud|identity theft|steal\w* (?:someone ?s )?(?:identity|"
        r"credit cards?|passwords?)|phishing (?:kit|page|site|email)s?|ransomware|"
        r"hack\w* into (?:\w+ ){0,2}(?:account|bank|email|phone|server)s?|"
        r"human trafficking|child labor|sex trafficking|dark ?web market\w*|"
        r"hire (?:a|an) (?:hitman|assassin))\b",
    ),
    Rule(
        "illicit",
        FLAG,
        r"\b(?:cocaine|heroin|crystal meth|methamphetamine|fentanyl|crack pipe|"
        r"drug deal\w*|snort\w*|shoot\w* up heroin|inject\w* heroin|weed|marijuana|joint|"
        r"bong|lsd|mdma)\b",
        exact=True,
    ),
)

# Idioms that look harmful and are not, cut out before the rules run.
BENIGN_IDIOMS = (
    r"\bkill\w* (?:the |all the |those )?(?:lights?|music|sound|audio|engine|motor|fire|"
    r"flames?|power|lamps?|noise|time|mood|wind|rain|weather|fog|snow|storm|clouds?|sun|"
    r"camera|fx|effects?|volume)\b",
    r"\bshoot\w* (?:a |the |an |some )?(?:close ?up|wide shot|scene|film|movie|video|photos?|"
    r"pictures?|footage|take|sequence|trailer|hoops|the breeze|for the stars|from the hip|"
    r"stars|fireworks|arrows? at (?:the )?targets?|at (?:the )?targets?|a glance|a look|"
    r"a smile|hoop)\b",
    r"\bshoot\w* (?:it )?(?:from|in|at) (?:above|below|the side|low angle|high angle|slow motion|"
    r"dusk|dawn|night|sunset)\b",
    r"\bnaked (?:eye|mole ?rats?|flame|truth|branches|trees?|winter trees?|wire|ambition)\b",
    r"\bchicken breasts?\b",
    r"\bbreast ?stroke\b",
    r"\bred ?breast\w*\b",
    r"\bbreast ?plate\b",
    r"\bbreast cancer\b",
    r"\bblow\w* (?:up )?(?:the |a )?(?:balloons?|bubbles?|candles?|"
    r"kisses?|wind|whistle)\b",
    r"\bsex of the\b",
    r"\bdrop dead gorgeous\b",
    r"\bstrip\w* (?:mall|of land|of sand|of light|of beach|lights?|the paint|the wallpaper)\b",
    r"\bdie (?:roll|rolls|cast)\b",
    r"\bdying (?:light|embers|sun|fire)\b",
    r"\bcut\w* (?:to|the) (?:chase|scene|camera|shot|next scene|black)\b",
    r"\bcut (?:the )?(?:music|audio|sound|power|lights?)\b",
    r"\bcrack\w* (?:a |the )?(?:joke|"
    r"smile|egg|eggs|code|window|door|ice)\b",
    r"\bjoint (?:venture|pain)\b",
    r"\bkiller (?:whale|whales|app|bees?|view)\b",
    r"\bhead ?shot\b",
    r"\bcorpse (?:flower|lily)\b",
    r"\bbloody mary\b",
    r"\bblood ?(?:moon|orange|red)\b",
    r"\bpot(?:ted)? (?:plant|plants|flowers?)\b",
    r"\bsuicide squad\b",
    # words that are slurs elsewhere and plain English here
    r"\bniggardl\w*",
    r"\bfaggots? (?:and|with|in) (?:peas|gravy|mash|onion)\w*",
    r"\b(?:dutch|sea|river|flood) dykes? (?:holding|against|along|burst)\w*",
    r"\bchinks? in (?:\w+ ){0,3}armou?r\b",
    r"\bpussy ?willows?\b",
    r"\b(?:farmyard|barnyard|rooster) cock (?:crow\w*|at dawn)\b|\bcock ?crow\w*",
    r"\b(?:greyhound|dog|breeding|whelping|brood) bitch (?:nursing|and her|whelp\w*)\b",
    r"\b(?:\w+ )?sex (?:is )?(?:decided|determined|determination)\b",
    # art and education
    r"\b(?:life|figure) drawing\b",
    r"\b(?:rubens|titian|classical|renaissance|baroque|marble|bronze|greek|roman)\W+(?:\w+ ){0,2}"
    r"nudes?\b",
    r"\bsex (?:education|ed)\b",
    # sport: a thrashing is not a massacre
    r"\b(?:got|get|were|was|been) (?:absolutely )?(?:massacred|slaughtered|murdered|butchered|"
    r"destroyed) (?:\d+ \d+|in the (?:derby|final|match|game|league|cup))\b",
    # pests are not people
    r"\bgas\w* the (?:termites|ants|roaches|cockroaches|wasps|bugs|mosquitoes|moles)\b",
    # care and prevention talk about suicide
    r"\b(?:died|dies|lost \w+) (?:by|to) suicide\b",
    r"\bsuicide (?:prevention|hotline|helpline|crisis line|awareness|survivors?)\b",
    r"\bthinking (?:about|of) suicide call\b",
    r"\bself ?harm (?:survivors?|recovery|awareness|support)\b",
)


@lru_cache(maxsize=1)
def compiled() -> tuple[list[tuple[Rule, re.Pattern[str]]], re.Pattern[str], re.Pattern[str]]:
    rules = [
        (rule, re.compile(rule.pattern if rule.exact else _squeeze_pattern(rule.pattern)))
        for rule in RULES
    ]
    idioms = re.compile("|".join(BENIGN_IDIOMS))
    idioms_squeezed = re.compile("|".join(_squeeze_pattern(p) for p in BENIGN_IDIOMS))
    return rules, idioms, idioms_squeezed


def _squeeze_pattern(pattern: str) -> str:
    # Squeeze letter runs, but keep regex escapes like \b, \w, \W intact.
    parts = re.split(r"(\\.)", pattern)
    return "".join(part if part.startswith("\\") else squeeze(part) for part in parts)


@dataclass(frozen=True)
class RuleHit:
    category: str
    score: float
    matched: str


def rule_scores(text: Normalised) -> tuple[dict[str, float], list[RuleHit]]:
    """Category scores from the rules, and what matched (for the moderator)."""
    rules, idioms, idioms_squeezed = compiled()
    words = idioms.sub(" ", text.words)
    squeezed = idioms_squeezed.sub(" ", text.squeezed)
    scores: dict[str, float] = {}
    hits: list[RuleHit] = []
    for rule, pattern in rules:
        if scores.get(rule.category, 0.0) >= rule.score:
            continue
        match = pattern.search(words if rule.exact else squeezed)
        if match:
            scores[rule.category] = max(scores.get(rule.category, 0.0), rule.score)
            hits.append(RuleHit(rule.category, rule.score, match.group(0).strip()))
    return scores, hits


def benign_remainder(text: Normalised) -> str:
    """The words left once benign idioms are cut out (what the models should judge)."""
    _, idioms, _ = compiled()
    return " ".join(idioms.sub(" ", text.words).split())
