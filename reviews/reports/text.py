"""Free text as typed in the portal's text areas, turned into blocks a print template can lay out.

Blank lines separate paragraphs; consecutive lines starting with "-", "*" or "•" make a bulleted list; other
single line breaks are kept as line breaks inside a paragraph.
"""

import re

BULLET = re.compile(r"^\s*(?:[-*•‣◦])\s+(.*)$")


def text_blocks(text: str) -> list[dict]:
    """[{"p": [lines]} | {"ul": [items]}] for the text; an empty list for blank text."""
    blocks: list[dict] = []
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            bullet = BULLET.match(line)
            if bullet:
                if paragraph:
                    blocks.append({"p": paragraph})
                    paragraph = []
                items.append(bullet.group(1).strip())
            elif items and not paragraph and line[:1].islower():
                items[-1] = f"{items[-1]} {line}"  # a wrapped bullet
            else:
                if items:
                    blocks.append({"ul": items})
                    items = []
                paragraph.append(line)
        if paragraph:
            blocks.append({"p": paragraph})
        if items:
            blocks.append({"ul": items})
    return blocks
