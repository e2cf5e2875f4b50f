"""The 14 PTC technique names (exactly as in the SemEval-2020 labels) with one-line definitions.

The order is the corpus README's order; it is also the order of model label ids and chart
colours, so never reorder it. Definitions paraphrase Da San Martino et al. (2019, 2020).
"""

from __future__ import annotations

TECHNIQUES: dict[str, str] = {
    "Appeal_to_Authority": (
        "Stating that a claim is true because a valid or supposed authority says it is."
    ),
    "Appeal_to_fear-prejudice": (
        "Building support for an idea by instilling anxiety or panic, or by exploiting prejudice."
    ),
    "Bandwagon,Reductio_ad_hitlerum": (
        "Urging to join because 'everyone' does, or rejecting an idea because a hated group "
        "holds it."
    ),
    "Black-and-White_Fallacy": "Presenting two alternatives as the only options when more exist.",
    "Causal_Oversimplification": (
        "Assuming one cause for an issue that has several, or blaming a single scapegoat."
    ),
    "Doubt": "Questioning the credibility of someone or something without real grounds.",
    "Exaggeration,Minimisation": (
        "Representing something as much larger, or much smaller, than it really is."
    ),
    "Flag-Waving": (
        "Playing on strong national or group feeling to justify or promote an action or idea."
    ),
    "Loaded_Language": (
        "Using words and phrases with strong emotional implications to influence the audience."
    ),
    "Name_Calling,Labeling": (
        "Labelling the object of the campaign as something the audience fears, hates or admires."
    ),
    "Repetition": "Repeating the same message over and over so that the audience accepts it.",
    "Slogans": "A brief, striking phrase that may include labelling and stereotyping.",
    "Thought-terminating_Cliches": (
        "Short, generic phrases that discourage critical thought and end a discussion."
    ),
    "Whataboutism,Straw_Men,Red_Herring": (
        "Deflecting by accusing the opponent of hypocrisy, distorting their position, "
        "or introducing an irrelevant topic."
    ),
}

#: Technique names in canonical order (label ids for models, colour order for reports).
TECHNIQUE_NAMES: tuple[str, ...] = tuple(TECHNIQUES)
