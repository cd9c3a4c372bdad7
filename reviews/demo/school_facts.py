"""What a demo report says about a school, taken from the school's own row (issue 12): its name, phase, ages,
roll, free school meals, town and area, so that a demo report never calls a secondary school's strength its
Reception class or invents a roll the school's row does not have."""

from schools.models import School

# Phases whose pupils are of primary age: early reading in Reception and key stage 2 make sense there.
PRIMARY_AGE = {School.Phase.NURSERY, School.Phase.PRIMARY, School.Phase.MIDDLE}
NATIONAL_FSM_PERCENT = 25  # roughly the share of pupils in England eligible for free school meals (2024/25)


def is_primary_age(school: School) -> bool:
    return school.phase in PRIMARY_AGE


def context(school: School) -> str:
    """The report's context paragraph, in sentences each of which the school's row supports."""
    phase = "" if school.phase == School.Phase.NOT_APPLICABLE else school.get_phase_display().lower()
    kind = "provision" if school.phase == School.Phase.ALTERNATIVE else "school"
    described = f"{phase} {kind}".strip()
    where = f" in {school.town}" if school.town else ""
    area = f", in the partnership's {school.area.name} area" if school.area_id else ""
    sentences = [f"{school.name} is {_a(described)} {described}{where}{area}."]
    if school.statutory_low_age is not None and school.statutory_high_age is not None:
        roll = f" It has {school.pupils:,} pupils on roll" if school.pupils else " It teaches pupils"
        sentences.append(f"{roll.strip()} aged {school.statutory_low_age} to {school.statutory_high_age}.")
    elif school.pupils:
        sentences.append(f"It has {school.pupils:,} pupils on roll.")
    if school.fsm_percentage is not None:
        share = float(school.fsm_percentage)
        compared = (
            "above" if share > NATIONAL_FSM_PERCENT + 2 else "below" if share < NATIONAL_FSM_PERCENT - 2 else "close to"
        )
        sentences.append(
            f"{share:.0f}% of its pupils are eligible for free school meals, {compared} the national average."
        )
    if school.religious_character and school.religious_character.lower() not in ("does not apply", "none"):
        sentences.append(f"It is a school with a {school.religious_character} religious character.")
    sentences.append("Since its last inspection the school has rewritten its curriculum.")
    return " ".join(sentences)


def area_of_excellence(school: School) -> str:
    if is_primary_age(school):
        return (
            "Early reading. From the first weeks in Reception, pupils learn to read through a carefully taught "
            "phonics programme. Every adult has been trained, the books pupils read match the sounds they know, "
            "and the weakest readers are identified and helped every day. Other schools in the partnership are "
            "welcome to see this practice."
        )
    return (
        "Reading across the curriculum. Every department teaches the vocabulary of its subject explicitly, "
        "pupils who arrive with weak reading are identified in the first weeks and helped every day, and tutor "
        "time includes reading aloud. Other schools in the partnership are welcome to see this practice."
    )


def writing_focus(school: School) -> str:
    """Where the reports place the gap in boys' writing: a key stage the school teaches."""
    return "upper key stage 2" if is_primary_age(school) else "key stage 3"


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
