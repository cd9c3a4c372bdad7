"""The small-group rule: a board member never sees a number about fewer than 3 schools.

Every figure on the dashboard counts schools (a school appears at most once in any cell). Each panel's
figures for a cycle are computed as one *cube*: every combination of the panel's categories (stage, focus
area, grade...), geography (the whole partnership, each area, each cluster) and phase, totals included,
whatever filter the reader chose. Filtering only picks which cells of that one cube are displayed. So every
number a board member can ever see for a panel and a cycle, under any combination of filters, is a cell of
one cube, and the cube is protected as a whole:

1. **Primary suppression.** A cell counting 1 or 2 schools is hidden. 0 is shown (it singles no school out).
2. **Complementary suppression, sum by sum.** The cube's cells are tied by sums: a total is the sum of its
   parts (all stages, all clusters of an area, all phases, a report's grades...). For every published sum,
   with H its hidden parts and R the schools they hold together (what "total minus the shown parts" gives):
   - when the total is shown, either nothing is hidden, or at least 2 parts are hidden and R >= 1.5 x len(H)
     (so R >= 3: the hidden parts together are never fewer than 3 schools, and, since a hidden cell is never
     0, none of them can be pinned: R == len(H) would prove every hidden part is exactly 1);
   - when the total is hidden, at least 2 parts are hidden too (one hidden part beside shown ones would sit a
     known distance from the total), unless every other part is 0 (then the two are one figure).
   A sum that breaks the rule gets its smallest shown non-zero part hidden as well (the total only when no
   part is left), and every sum touching a newly hidden cell is checked again until all hold.
3. **Complementary suppression, sums together.** A reader can chain sums: bounds from one narrow another.
   The cube is attacked the way a careful reader would (interval propagation over every published sum, each
   hidden cell at least 1 and unbounded above); any hidden 1 or 2 whose value that pins down gets the nearest
   shown non-zero cell hidden as well, and the whole check runs again until nothing small is pinned.
   (Working out a complementary cell of, say, 9 is harmless: it is not a small group.)
4. **Public cells.** A cube may name cells that are never hidden (`public`): a board member sees the whole
   partnership's operational progress (how many reviews are at each stage, how many items are overdue) in full,
   since a count over every school of the partnership singles none out (issue 12: the rule must not hide the
   partnership's own totals). A public cell is shown whatever its value and is never chosen as a complementary
   cell; the cells below it (areas, phases) are protected as before, with the public cell as a known total.
   Outcomes (focus areas, areas for development, grades) are never public.
5. Hidden cells read "[c]" (confidential), never "fewer than 3": a complementary cell may hold many schools,
   and saying which cells are small would tell the reader more than the rule allows.

The procedure is deterministic (the same data always hides the same cells), so requests cannot be compared
to find a cell hidden in one and shown in another; it is remembered by a digest of the counts, so repeated
views cost nothing and changed data is simply a new digest. Coordinators see every figure and the schools
behind it. Figures from different panels count different things (members, enrolled schools, reports) and are
protected panel by panel. tests/dashboards/test_small_groups.py checks every filter combination through the
pages and CSV files and audits every hidden small cell with an integer solver (CP-SAT), a stronger reader than
step 3: on the test data it finds nothing; on random sparse tables it occasionally can (see docs/small-groups.md).
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product, repeat

import numpy as np

THRESHOLD = 3
ALGORITHM = "small-groups-v2"  # change when the rule changes, so remembered answers are not reused
MEMO_SIZE = 512
SUPPRESSED: "OrderedDict[bytes, bytes]" = OrderedDict()  # digest of a cube's counts -> its hidden cells
_memo_lock = threading.Lock()
MAX_REPAIR_ROUNDS = 50
SLACK = 1.5
UNBOUNDED = 10**9
HIDDEN_MARK = "[c]"
ALL = "all"

Key = tuple[str, ...]


@dataclass(frozen=True)
class Dim:
    """One dimension of a cube: its nodes in display order and the sums that tie them.

    `parent` is the tree used to add counts up (a leaf's count is added to each of its ancestors);
    `extra_partitions` are further sums the data satisfies (e.g. a report's grades add up to the reports).
    A dimension without a parent map has no totals: its nodes are separate measures.
    """

    name: str
    nodes: tuple[str, ...]
    labels: dict[str, str]
    parent: dict[str, str] = field(default_factory=dict)
    extra_partitions: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def children(self, node: str) -> list[str]:
        return self._children.get(node, [])

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {}
        for n in self.nodes:
            if n in self.parent:
                children.setdefault(self.parent[n], []).append(n)
        return children

    def label(self, node: str) -> str:
        return self.labels.get(node, node)

    @cached_property
    def index(self) -> dict[str, int]:
        return {node: i for i, node in enumerate(self.nodes)}

    @cached_property
    def partitions(self) -> list[tuple[str, tuple[str, ...]]]:
        tree: dict[str, list[str]] = {}
        for node in self.nodes:
            if node in self.parent:
                tree.setdefault(self.parent[node], []).append(node)
        return [(parent, tuple(children)) for parent, children in tree.items()] + list(self.extra_partitions)


def tree_dim(
    name: str,
    items: Sequence[tuple[str, str]],
    *,
    total: str | None = "Total",
    groups: dict[str, Sequence[str]] | None = None,
    extra_partitions: Sequence[tuple[str, Sequence[str]]] = (),
) -> Dim:
    """A dimension whose `items` add up to ALL (when `total` is a label), with optional subtotals:
    groups maps an item to the items it is the sum of."""
    labels = dict(items)
    nodes = [node for node, _ in items]
    parent: dict[str, str] = {}
    grouped = {child: group for group, children in (groups or {}).items() for child in children}
    for node in nodes:
        if node in grouped:
            parent[node] = grouped[node]
        elif total is not None and node not in _standalone(extra_partitions):
            parent[node] = ALL
    if total is not None:
        nodes.append(ALL)
        labels[ALL] = total
    return Dim(
        name=name,
        nodes=tuple(nodes),
        labels=labels,
        parent=parent,
        extra_partitions=tuple((p, tuple(children)) for p, children in extra_partitions),
    )


def _standalone(extra_partitions: Sequence[tuple[str, Sequence[str]]]) -> set[str]:
    """Children of an extra partition are not added to the total again."""
    return {child for _, children in extra_partitions for child in children}


class Cube:
    """Counts of schools for every combination of the dimensions' nodes, totals included.

    Stored densely (numpy for the sums, a flat list for the suppression loop). `unpublished` is a list of rules,
    each a test per dimension of its nodes (or None for any node): the combinations passing every test of a
    rule are never shown (e.g. a cluster split by phase), tie nothing together and count as hidden.
    """

    def __init__(
        self,
        dims: Sequence[Dim],
        leaf_counts: Iterable[tuple[Key, int]],
        unpublished: Sequence[Sequence[Callable[[str], bool] | None]] = (),
        public: Sequence[Sequence[Callable[[str], bool] | None]] = (),
    ):
        self.dims = list(dims)
        self._index = [dim.index for dim in self.dims]
        shape = tuple(len(dim.nodes) for dim in self.dims)
        self._strides = [int(np.prod(shape[d + 1 :])) for d in range(len(shape))]
        leaves = list(leaf_counts)
        cube = np.zeros(int(np.prod(shape)), dtype=np.int64)
        if leaves:
            keys, counts = zip(*leaves, strict=True)
            positions = np.zeros(len(keys), dtype=np.int64)
            known = np.ones(len(keys), dtype=bool)
            for d, column in enumerate(zip(*keys, strict=True)):
                along = np.fromiter(map(self._index[d].get, column, repeat(-1)), dtype=np.int64, count=len(column))
                known &= along >= 0  # a node the dimension does not show (e.g. a focus area of another cycle)
                positions += along * self._strides[d]
            counts = np.array(counts, dtype=np.int64)
            np.add.at(cube, positions[known], counts[known])
        cube = cube.reshape(shape)
        for d, dim in enumerate(self.dims):
            for parent in _bottom_up(dim):
                children = [self._index[d][c] for c in dim.children(parent)]
                target = [slice(None)] * len(shape)
                target[d] = self._index[d][parent]
                source = [slice(None)] * len(shape)
                source[d] = children
                cube[tuple(target)] = cube[tuple(source)].sum(axis=d)
        mask = self._matching(shape, unpublished)
        public_nd = self._matching(shape, public) & ~mask
        if public:
            self._withhold_parts_of_small_public(cube, mask, public_nd)
        flat, flat_mask = cube.ravel(), mask.ravel()
        public_mask = public_nd.ravel()
        self.digest = _digest(self.dims, flat, flat_mask, public_mask)
        self._public = bytearray(public_mask.astype(np.uint8).tobytes())
        self.values: list[int] = flat.tolist()
        self._unpublished = bytearray(flat_mask.astype(np.uint8).tobytes())
        self._hidden = bytearray(len(self.values))
        self.__dict__["_arrays"] = (shape, flat, flat_mask)

    def _withhold_parts_of_small_public(self, cube: np.ndarray, mask: np.ndarray, public: np.ndarray) -> None:
        """A public figure of 1 or 2 is not broken down (its parts are unpublished): beside it, hidden parts
        would add up to a known small number (1 + 1 = 2 pins both), which no hiding of other cells can undo."""
        changed = True
        while changed:
            changed = False
            small = public & (cube > 0) & (cube < THRESHOLD)
            for d, dim in enumerate(self.dims):
                for parent, children in dim.partitions:
                    at_parent = np.take(small, self._index[d][parent], axis=d)
                    if not at_parent.any():
                        continue
                    for child in children:
                        index = [slice(None)] * cube.ndim
                        index[d] = self._index[d][child]
                        target = mask[tuple(index)]
                        new = at_parent & ~np.take(public, self._index[d][child], axis=d) & ~target
                        if new.any():
                            mask[tuple(index)] = target | new
                            changed = True

    def _matching(self, shape: tuple[int, ...], rules) -> np.ndarray:
        mask = np.zeros(shape, dtype=bool)
        for rule in rules or ():
            matched = np.ones(shape, dtype=bool)
            for d, test in enumerate(rule):
                if test is not None:
                    along = np.array([bool(test(node)) for node in self.dims[d].nodes])
                    matched &= along.reshape([-1 if e == d else 1 for e in range(len(shape))])
            mask |= matched
        return mask

    def is_public(self, key: Key) -> bool:
        position = self._position(key)
        return position is not None and bool(self._public[position])

    def __getstate__(self) -> dict:
        """What is remembered (store.py): the counts and what is hidden, not the working arrays and sums."""
        state = self.__dict__.copy()
        for derived in ("relations", "_arrays"):
            state.pop(derived, None)
        return state

    @cached_property
    def _arrays(self) -> tuple[tuple[int, ...], np.ndarray, np.ndarray]:
        shape = tuple(len(dim.nodes) for dim in self.dims)
        flat = np.array(self.values, dtype=np.int64)
        return shape, flat, np.frombuffer(bytes(self._unpublished), dtype=np.uint8).astype(bool)

    @cached_property
    def relations(self) -> list[tuple[int, list[int]]]:
        """Every published sum, as (total, parts) positions; built only when suppression has to run."""
        shape, flat, flat_mask = self._arrays
        relations: list[tuple[int, list[int]]] = []
        positions = np.arange(flat.size).reshape(shape) if flat.size else np.zeros(shape, dtype=np.int64)
        for d, dim in enumerate(self.dims):
            for parent, children in dim.partitions:
                along = np.moveaxis(positions, d, -1).reshape(-1, shape[d])
                totals = along[:, self._index[d][parent]]
                members = along[:, [self._index[d][c] for c in children]]
                # A zero total has only zero parts (nothing hidden); an unpublished cell ties nothing.
                keep = (flat[totals] > 0) & ~flat_mask[totals] & ~flat_mask[members].any(axis=1)
                relations.extend(zip(totals[keep].tolist(), members[keep].tolist(), strict=True))
        return relations

    def _position(self, key: Key) -> int | None:
        position = 0
        for d, node in enumerate(key):
            i = self._index[d].get(node)
            if i is None:
                return None
            position += i * self._strides[d]
        return position

    def value(self, key: Key) -> int:
        position = self._position(key)
        return 0 if position is None else self.values[position]

    def is_unpublished(self, key: Key) -> bool:
        position = self._position(key)
        return position is not None and bool(self._unpublished[position])

    def is_hidden(self, key: Key) -> bool:
        position = self._position(key)
        return position is not None and bool(self._hidden[position] or self._unpublished[position])

    @property
    def hidden(self) -> list[Key]:
        nodes = list(product(*[dim.nodes for dim in self.dims]))
        return [nodes[i] for i, flag in enumerate(self._hidden) if flag]

    def key_of(self, position: int) -> Key:
        key = []
        for d, dim in enumerate(self.dims):
            key.append(dim.nodes[(position // self._strides[d]) % len(dim.nodes)])
        return tuple(key)

    def suppress(self) -> "Cube":
        """Hide cells as the module docstring says. Returns self.

        Which cells are hidden depends only on the counts, so the answer is remembered by a digest of them
        (see SUPPRESSED): nothing to invalidate, since different counts have a different digest."""
        with _memo_lock:
            known = SUPPRESSED.get(self.digest)
            if known is not None:
                SUPPRESSED.move_to_end(self.digest)
        if known is not None:
            self._hidden[:] = known
            return self
        self._suppress()
        with _memo_lock:
            SUPPRESSED[self.digest] = bytes(self._hidden)
            while len(SUPPRESSED) > MEMO_SIZE:
                SUPPRESSED.popitem(last=False)
        return self

    def _suppress(self) -> None:
        values, hidden, relations = self.values, self._hidden, self.relations
        of_cell: dict[int, list[int]] = {}
        for number, (total, members) in enumerate(relations):
            of_cell.setdefault(total, []).append(number)
            for m in members:
                of_cell.setdefault(m, []).append(number)
        public = self._public
        for position, count in enumerate(values):
            if 0 < count < THRESHOLD and not public[position]:
                hidden[position] = 1
        queue = {
            n: None for n, (total, members) in enumerate(relations) if hidden[total] or any(hidden[m] for m in members)
        }
        self._apply_line_rule(queue, of_cell)
        for _ in range(MAX_REPAIR_ROUNDS):
            pinned = self._pinned_cells(of_cell)
            if not pinned:
                break
            queue = {}
            for position in pinned:
                cell = self._cell_to_unpin(position, of_cell)
                if cell is not None and not hidden[cell]:
                    hidden[cell] = 1
                    queue.update(dict.fromkeys(of_cell.get(cell, ())))
            if not queue:
                break
            self._apply_line_rule(queue, of_cell)

    def _apply_line_rule(self, queue: dict[int, None], of_cell: dict[int, list[int]]) -> None:
        hidden, relations = self._hidden, self.relations
        while queue:
            number = next(iter(queue))
            del queue[number]
            total, members = relations[number]
            cell = self._cell_to_hide(total, members)
            if cell is None:
                continue
            hidden[cell] = 1
            queue[number] = None
            for other in of_cell.get(cell, ()):
                queue[other] = None

    def _pinned_cells(self, of_cell: dict[int, list[int]]) -> list[int]:
        """Hidden cells whose value a reader could work out from all the sums together (interval propagation:
        each hidden cell is at least 1, since 0 is never hidden, and at most the largest figure)."""
        values, hidden, relations = self.values, self._hidden, self.relations
        unknown = {p: i for i, p in enumerate(p for p, flag in enumerate(hidden) if flag)}
        if not unknown:
            return []
        top = UNBOUNDED  # a reader knows no upper limit beyond what the shown sums imply
        lo, hi = [1] * len(unknown), [top] * len(unknown)
        equations = []  # (hidden total index or None, known part, [hidden member indices])
        of_unknown: dict[int, list[int]] = {}
        for total, members in relations:
            parts = [unknown[m] for m in members if m in unknown]
            whole = unknown.get(total)
            if not parts and whole is None:
                continue
            known = sum(values[m] for m in members if m not in unknown)
            number = len(equations)
            equations.append((whole, known if whole is not None else values[total] - known, parts))
            for i in [*parts, *([whole] if whole is not None else [])]:
                of_unknown.setdefault(i, []).append(number)
        queue = dict.fromkeys(range(len(equations)))
        budget = 200 * len(equations)
        while queue and budget:
            budget -= 1
            number = next(iter(queue))
            del queue[number]
            whole, known, parts = equations[number]
            changed = []
            sum_lo, sum_hi = sum(lo[i] for i in parts), sum(hi[i] for i in parts)
            if whole is None:
                low_total = high_total = known  # the hidden parts add up to `known`
            else:
                # whole = known + parts
                new_lo, new_hi = max(lo[whole], known + sum_lo), min(hi[whole], known + sum_hi)
                if (new_lo, new_hi) != (lo[whole], hi[whole]):
                    lo[whole], hi[whole] = new_lo, new_hi
                    changed.append(whole)
                low_total, high_total = lo[whole] - known, hi[whole] - known
            for i in parts:
                new_lo = max(lo[i], low_total - (sum_hi - hi[i]))
                new_hi = min(hi[i], high_total - (sum_lo - lo[i]))
                if (new_lo, new_hi) != (lo[i], hi[i]):
                    lo[i], hi[i] = new_lo, new_hi
                    changed.append(i)
            for i in changed:
                queue.update(dict.fromkeys(of_unknown[i]))
        # Only a small group given away matters: working out a complementary cell of 9 shows nothing small (and if
        # it led to a small one, that one is pinned too).
        return [p for p, i in unknown.items() if lo[i] >= hi[i] and values[p] < THRESHOLD]

    def _cell_to_unpin(self, position: int, of_cell: dict[int, list[int]]) -> int | None:
        """The smallest shown non-zero part in a sum with the pinned cell (a total only when no part is left);
        when every cell in those sums is hidden or zero, the nearest shown non-zero part through hidden ones
        (looking two steps further for a part before settling for a total, often a headline figure).
        Hiding it loosens what the sums say about the pinned cell."""
        values, hidden = self.values, self._hidden
        seen, frontier = {position}, [position]
        fallback, extra_levels = None, 0
        while frontier:
            best = best_total = None
            reached = []
            for cell in frontier:
                for number in of_cell.get(cell, ()):
                    total, members = self.relations[number]
                    for other in members:
                        if other in seen:
                            continue
                        if hidden[other]:
                            seen.add(other)
                            reached.append(other)
                        elif (
                            values[other]
                            and other != self._grand_total
                            and not self._public[other]
                            and (best is None or values[other] < values[best])
                        ):
                            best = other
                    if total not in seen:
                        if hidden[total]:
                            seen.add(total)
                            reached.append(total)
                        elif (
                            values[total]
                            and total != self._grand_total
                            and not self._public[total]
                            and (best_total is None or values[total] < values[best_total])
                        ):
                            best_total = total
            if best is not None:
                return best
            if best_total is not None and fallback is None:
                fallback, extra_levels = best_total, 0
            if fallback is not None:
                extra_levels += 1
                if extra_levels > 2:  # a part a little further away costs less than a total (often a headline)
                    return fallback
            frontier = reached
        grand = self._grand_total
        if fallback is None and not hidden[grand] and values[grand] and not self._public[grand]:
            return self._grand_total  # the headline figure only when nothing else is left
        return fallback

    @cached_property
    def _grand_total(self) -> int:
        return self._position(tuple(ALL if ALL in dim.nodes else dim.nodes[0] for dim in self.dims)) or 0

    def _cell_to_hide(self, total: int, members: list[int]) -> int | None:
        values, hidden, public = self.values, self._hidden, self._public
        hidden_count = hidden_sum = 0
        best = None
        for m in members:
            if hidden[m]:
                hidden_count += 1
                hidden_sum += values[m]
            elif values[m] and not public[m] and (best is None or values[m] < values[best]):
                best = m  # the first of equals: deterministic
        if hidden[total]:
            # A hidden total with one hidden part beside shown ones would make the two a known distance apart.
            if hidden_count >= 2 or (hidden_count == 1 and best is None):
                return None
        elif not hidden_count or (hidden_count >= 2 and hidden_sum >= SLACK * hidden_count):
            return None
        if best is not None:
            return best
        if not hidden[total] and values[total] and not public[total]:
            return total
        return None

    def published_relations(self) -> list[tuple[Key, list[Key]]]:
        """Every sum that ties shown cells together, as keys (for audits and tests)."""
        return [(self.key_of(total), [self.key_of(m) for m in members]) for total, members in self.relations]


def _digest(dims: Sequence[Dim], values: np.ndarray, unpublished: np.ndarray, public: np.ndarray) -> bytes:
    shape = repr([(dim.name, dim.nodes, dim.partitions) for dim in dims]).encode()
    digest = hashlib.blake2b(ALGORITHM.encode(), digest_size=20)
    for part in (shape, values.astype(np.int64).tobytes(), unpublished.tobytes(), public.tobytes()):
        digest.update(part)
    return digest.digest()


def _bottom_up(dim: Dim) -> list[str]:
    """The dimension's tree parents, each after every parent below it."""
    depth = {}
    for node in dim.nodes:
        d, parent = 0, dim.parent.get(node)
        while parent is not None:
            d += 1
            depth[parent] = max(depth.get(parent, 0), d)
            parent = dim.parent.get(parent)
    return sorted(depth, key=lambda node: depth[node])
