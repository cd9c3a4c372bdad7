"""An attacker's view of a suppressed cube: with every shown figure and every published sum, what can be worked
out about each hidden figure? CP-SAT finds the smallest and largest value each hidden cell can take (hidden cells
are never 0, so at least 1); a cell whose smallest and largest agree has been given away."""

from ortools.sat.python import cp_model

from partnership.common.disclosure import Cube


def exposed_cells(cube: Cube, *, small_only: bool = False) -> list[tuple[tuple, int]]:
    """Hidden cells whose value the published figures determine, with that value (small_only: only cells counting
    1 or 2 schools, the ones the rule protects; a complementary cell worked out as 9 shows nothing small)."""
    hidden = {i for i, flag in enumerate(cube._hidden) if flag}
    if not hidden:
        return []
    upper = 10**6  # a reader knows no limit beyond what the shown sums imply
    model = cp_model.CpModel()
    variables = {}

    def term(position):
        if position in hidden:
            if position not in variables:
                variables[position] = model.NewIntVar(1, upper, f"c{position}")
            return variables[position]
        return cube.values[position]

    for total, members in cube.relations:
        model.Add(term(total) == sum(term(m) for m in members))
    exposed = []
    for position, variable in variables.items():
        if small_only and cube.values[position] >= 3:
            continue
        bounds = []
        for sense in (model.Minimize, model.Maximize):
            model.ClearObjective()
            sense(variable)
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.max_time_in_seconds = 10
            status = solver.Solve(model)
            assert status == cp_model.OPTIMAL, f"audit solver: {solver.StatusName(status)}"
            bounds.append(int(solver.Value(variable)))
        if bounds[0] == bounds[1]:
            exposed.append((cube.key_of(position), bounds[0]))
    return exposed
