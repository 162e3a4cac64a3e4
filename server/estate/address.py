"""How a flat is named in print and on screen (楼-单元-室, DOMAIN.md), whole or masked for a public page."""


def flat_label(building: str, unit: str, room: str) -> str:
    """'3', '2', '301' → '3号楼2单元301'."""
    return f"{building}号楼{unit}单元{room}"


def masked_address(project: str, building: str, unit: str, room: str) -> str:
    """The address a page anyone may open shows: the estate, building and unit, the room masked after its
    first digit ('示范小区 3号楼2单元3**'), so a found notice or receipt does not say who owes what where."""
    return f"{project} {flat_label(building, unit, room[:1] + '*' * max(len(room) - 1, 0))}"
