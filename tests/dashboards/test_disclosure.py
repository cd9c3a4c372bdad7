"""The small-group rule on hand-built cubes (partnership/common/disclosure.py)."""

import random

import pytest

from partnership.common.disclosure import ALL, Cube, tree_dim

from .audit import exposed_cells

ROWS = tree_dim("row", [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")])
COLS = tree_dim("col", [("x", "X"), ("y", "Y"), ("z", "Z")])


def cube_of(table: dict[str, list[int]]) -> Cube:
    return Cube(
        [ROWS, COLS], (((row, col), n) for row, values in table.items() for col, n in zip("xyz", values, strict=True))
    )


def shown(cube: Cube) -> dict:
    return {key: cube.value(key) for key in [(r, c) for r in ROWS.nodes for c in COLS.nodes] if not cube.is_hidden(key)}


def test_totals_are_the_sums_of_their_parts():
    cube = cube_of({"a": [5, 6, 7], "b": [1, 0, 3], "c": [0, 0, 0], "d": [4, 4, 4]})
    assert cube.value(("a", ALL)) == 18
    assert cube.value((ALL, "x")) == 10
    assert cube.value((ALL, ALL)) == 34


def test_counts_of_one_or_two_are_hidden_and_zero_is_shown():
    cube = cube_of({"a": [5, 6, 7], "b": [1, 2, 30], "c": [0, 9, 9], "d": [4, 4, 4]}).suppress()
    assert cube.is_hidden(("b", "x")) and cube.is_hidden(("b", "y"))
    assert not cube.is_hidden(("c", "x")) and cube.value(("c", "x")) == 0
    assert all(v == 0 or v >= 3 for v in shown(cube).values())


def test_a_lone_hidden_cell_gets_a_partner_so_the_total_does_not_give_it_away():
    # Row b: 1 hidden beside 30 and 8; without a second hidden cell, total 39 - 30 - 8 = 1 would show it.
    cube = cube_of({"a": [5, 6, 7], "b": [1, 30, 8], "c": [9, 9, 9], "d": [4, 4, 4]}).suppress()
    hidden_in_b = [c for c in "xyz" if cube.is_hidden(("b", c))]
    assert len(hidden_in_b) >= 2
    assert "z" in hidden_in_b  # the smallest shown part is chosen
    assert exposed_cells(cube) == []


def test_two_ones_are_not_enough_together():
    # Hidden 1 + 1 = 2 beside a shown total would prove both are 1: a third cell must go.
    cube = cube_of({"a": [1, 1, 10], "b": [5, 5, 5], "c": [5, 5, 5], "d": [5, 5, 5]}).suppress()
    assert cube.is_hidden(("a", "z")) or cube.is_hidden(("a", ALL))
    assert exposed_cells(cube) == []


def test_a_small_total_is_hidden_with_its_parts_and_cannot_be_added_up():
    cube = cube_of({"a": [1, 0, 0], "b": [5, 5, 5], "c": [5, 5, 5], "d": [5, 5, 5]}).suppress()
    assert cube.is_hidden(("a", ALL)) and cube.is_hidden(("a", "x"))
    assert exposed_cells(cube) == []


def test_suppression_is_deterministic():
    table = {"a": [1, 4, 7], "b": [2, 30, 8], "c": [3, 1, 9], "d": [4, 2, 4]}
    first, second = cube_of(table).suppress(), cube_of(dict(reversed(list(table.items())))).suppress()
    assert first.hidden == second.hidden


def test_subtotals_and_extra_partitions_are_protected_too():
    measure = tree_dim(
        "measure",
        [("reported", "Reported"), ("afd", "With"), ("none", "Without"), ("g1", "G1"), ("g2", "G2")],
        total=None,
        groups={"reported": ["afd", "none"]},
        extra_partitions=[("reported", ["g1", "g2"])],
    )
    leaves = []
    for col, (afd, none, g1, g2) in zip("xyz", [(5, 1, 3, 3), (4, 4, 7, 1), (0, 6, 4, 2)], strict=True):
        leaves += [(("afd", col), afd), (("none", col), none), (("g1", col), g1), (("g2", col), g2)]
    cube = Cube([measure, COLS], leaves).suppress()
    assert cube.value(("reported", "x")) == 6
    for key in [("none", "x"), ("g2", "y"), ("g2", "z")]:
        assert cube.is_hidden(key)
    assert exposed_cells(cube) == []


def test_unpublished_cells_count_as_hidden_and_tie_nothing():
    cube = Cube(
        [ROWS, COLS],
        [(("a", "x"), 5), (("a", "y"), 1), (("b", "x"), 7)],
        unpublished=[(lambda row: row == "a", lambda col: col != ALL)],
    ).suppress()
    assert cube.is_hidden(("a", "x"))  # not shown at all
    assert not cube.is_hidden(("a", ALL)) and cube.value(("a", ALL)) == 6
    assert exposed_cells(cube) == []


def line_rule_holds(cube: Cube) -> None:
    """Every published sum: no hidden cell alone beside shown ones, and hidden parts holding >= 3 schools."""
    for total, members in cube.relations:
        hidden_parts = [m for m in members if cube._hidden[m]]
        if cube._hidden[total]:
            assert hidden_parts, "a hidden total would be the sum of its shown parts"
        elif hidden_parts:
            assert len(hidden_parts) >= 2, "a lone hidden part is the total minus the shown ones"
            assert sum(cube.values[m] for m in hidden_parts) >= len(hidden_parts) + 1


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_show_a_small_count_nor_give_one_away(seed):
    rng = random.Random(seed)
    rows = tree_dim("row", [(f"r{i}", f"R{i}") for i in range(rng.randint(2, 6))])
    cols = tree_dim("col", [(f"c{i}", f"C{i}") for i in range(rng.randint(2, 5))])
    layers = tree_dim("layer", [(f"l{i}", f"L{i}") for i in range(rng.randint(1, 3))])
    leaves = [
        ((layer, row, col), rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 9, 15]))
        for layer in layers.nodes[:-1]
        for row in rows.nodes[:-1]
        for col in cols.nodes[:-1]
    ]
    cube = Cube([layers, rows, cols], leaves).suppress()
    for position, value in enumerate(cube.values):
        if not cube._hidden[position]:
            assert value == 0 or value >= 3
    line_rule_holds(cube)
    of_cell = {}
    for number, (total, members) in enumerate(cube.relations):
        for cell in [total, *members]:
            of_cell.setdefault(cell, []).append(number)
    assert cube._pinned_cells(of_cell) == [], "chaining the sums pins a hidden cell"
