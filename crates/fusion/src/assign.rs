//! Optimal rectangular linear assignment: pair rows with columns at minimum total cost.
//!
//! The dense solver is the shortest-augmenting-path method with dual potentials (the
//! Jonker–Volgenant family, O(n²m) for n ≤ m): each row is added by one Dijkstra search
//! over reduced costs, which the potentials keep non-negative, so the matching stays
//! optimal after every augmentation and no iteration count needs tuning.
//!
//! Forbidden pairs (`INFINITY`, `NaN`, any non-finite cost) are exact rather than a big-M
//! penalty: every cost is carried as the pair *(forbidden pairs used, finite cost)* and
//! compared lexicographically. That is the usual "penalty larger than any finite sum"
//! trick with an infinitely large penalty, so it can neither overflow nor drown small
//! costs in rounding. The solver thus pairs as many rows as the allowed pairs permit and,
//! among those answers, minimises the cost.
//!
//! Gated association and GOSPA are very sparse, so [`assign_sparse`] and
//! [`assign_sparse_optional`] split the bipartite graph into connected components
//! and solve each one densely; [`SparseSolver`] keeps the buffers between calls.

/// Marks "no row" / "no column" inside the solver's index arrays.
const NONE: usize = usize::MAX;

/// An optimal assignment of rows to columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// For each row, its column, or `None` when it was left unassigned.
    pub row_to_col: Vec<Option<usize>>,
    /// Sum of the costs of the assigned pairs.
    pub cost: f64,
}

impl Assignment {
    /// The assigned `(row, column)` pairs in row order.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.row_to_col
            .iter()
            .enumerate()
            .filter_map(|(r, c)| c.map(|c| (r, c)))
    }
}

/// Minimum-cost assignment for a row-major `rows × cols` cost matrix.
///
/// Non-finite entries (`INFINITY`, `NaN`, `-INFINITY`) are forbidden and never assigned.
/// The answer pairs as many rows as the allowed entries permit (all of them when
/// `rows <= cols` and nothing is forbidden), and has minimum total cost among such
/// answers. Rows left over, because `rows > cols` or because their allowed columns were
/// better used by others, get `None`.
///
/// This allocates; call [`Solver::solve`] in loops.
///
/// # Panics
///
/// If `cost.len() != rows * cols`.
///
/// # Example
///
/// ```
/// use cuenca_fusion::assign::assign;
///
/// let inf = f64::INFINITY;
/// // Three tracks, two plots; track 2 is gated away from everything.
/// let cost = [
///     4.0, 1.0, //
///     2.0, 8.0, //
///     inf, inf,
/// ];
/// let a = assign(&cost, 3, 2);
/// assert_eq!(a.row_to_col, vec![Some(1), Some(0), None]);
/// assert_eq!(a.cost, 3.0);
/// ```
pub fn assign(cost: &[f64], rows: usize, cols: usize) -> Assignment {
    let mut solver = Solver::new();
    let total = solver.solve(cost, rows, cols);
    Assignment {
        row_to_col: solver.row_to_col().to_vec(),
        cost: total,
    }
}

/// A cost carried as (number of forbidden pairs, finite cost), ordered lexicographically.
///
/// `hi` only ever holds small integers, which `f64` adds exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Lex {
    hi: f64,
    lo: f64,
}

impl Lex {
    const ZERO: Lex = Lex { hi: 0.0, lo: 0.0 };
    /// Larger than every real cost; the initial shortest-path distance.
    const UNREACHED: Lex = Lex {
        hi: f64::INFINITY,
        lo: f64::INFINITY,
    };
    const FORBIDDEN: Lex = Lex { hi: 1.0, lo: 0.0 };

    fn of(x: f64) -> Lex {
        if x.is_finite() {
            Lex { hi: 0.0, lo: x }
        } else {
            Lex::FORBIDDEN
        }
    }

    #[inline]
    fn add(self, o: Lex) -> Lex {
        Lex {
            hi: self.hi + o.hi,
            lo: self.lo + o.lo,
        }
    }

    #[inline]
    fn sub(self, o: Lex) -> Lex {
        Lex {
            hi: self.hi - o.hi,
            lo: self.lo - o.lo,
        }
    }

    /// Strictly less; false whenever a NaN is involved, which the search treats as "no
    /// better", so garbage can only stop a search early, never make it loop.
    #[inline]
    fn lt(self, o: Lex) -> bool {
        self.hi < o.hi || (self.hi == o.hi && self.lo < o.lo)
    }

    fn is_finite(self) -> bool {
        self.hi.is_finite() && self.lo.is_finite()
    }
}

/// Dense assignment solver that keeps its buffers, so repeated solves do not allocate
/// once it has seen the largest problem.
#[derive(Debug, Clone, Default)]
pub struct Solver {
    /// `n × m` working costs with `n <= m` (the input, transposed when it is tall).
    cost: Vec<Lex>,
    /// Row and column dual potentials; reduced cost is `cost - u[i] - v[j] >= 0`.
    u: Vec<Lex>,
    v: Vec<Lex>,
    /// Dijkstra distances from the row being added, and the row each column was reached from.
    shortest: Vec<Lex>,
    pred: Vec<usize>,
    row4col: Vec<usize>,
    col4row: Vec<usize>,
    /// Columns not yet settled by the current search.
    remaining: Vec<usize>,
    scanned_rows: Vec<usize>,
    scanned_cols: Vec<usize>,
    row_to_col: Vec<Option<usize>>,
}

impl Solver {
    /// An empty solver; buffers grow on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Solves a row-major `rows × cols` problem with the semantics of [`assign`] and
    /// returns the total cost; the assignment is then in [`Solver::row_to_col`].
    ///
    /// # Panics
    ///
    /// If `cost.len() != rows * cols`.
    pub fn solve(&mut self, cost: &[f64], rows: usize, cols: usize) -> f64 {
        assert!(
            rows.checked_mul(cols) == Some(cost.len()),
            "assignment cost matrix has {} entries, expected {rows} × {cols}",
            cost.len()
        );
        self.row_to_col.clear();
        self.row_to_col.resize(rows, None);
        if rows == 0 || cols == 0 {
            return 0.0;
        }
        // The search adds one row at a time and needs a free column for each, so work on
        // the orientation with no more rows than columns.
        let transposed = rows > cols;
        let (n, m) = if transposed {
            (cols, rows)
        } else {
            (rows, cols)
        };
        self.cost.clear();
        if transposed {
            for j in 0..cols {
                self.cost
                    .extend((0..rows).map(|i| Lex::of(cost[i * cols + j])));
            }
        } else {
            self.cost.extend(cost.iter().map(|&x| Lex::of(x)));
        }

        self.run(n, m);

        let mut total = 0.0;
        for r in 0..n {
            let c = self.col4row[r];
            if c == NONE {
                continue;
            }
            let (i, j) = if transposed { (c, r) } else { (r, c) };
            let x = cost[i * cols + j];
            // Pairs forced onto a forbidden entry mean "unassigned".
            if x.is_finite() {
                self.row_to_col[i] = Some(j);
                total += x;
            }
        }
        total
    }

    /// For each row of the last solved problem, its column or `None`.
    pub fn row_to_col(&self) -> &[Option<usize>] {
        &self.row_to_col
    }

    /// Assigns every row of the `n × m` problem in `self.cost` (`n <= m`).
    fn run(&mut self, n: usize, m: usize) {
        self.u.clear();
        self.u.resize(n, Lex::ZERO);
        self.v.clear();
        self.v.resize(m, Lex::ZERO);
        self.col4row.clear();
        self.col4row.resize(n, NONE);
        self.row4col.clear();
        self.row4col.resize(m, NONE);
        self.shortest.resize(m, Lex::UNREACHED);
        self.pred.resize(m, NONE);
        for cur in 0..n {
            if let Some(sink) = self.shortest_path(cur, m) {
                self.augment(cur, sink, m);
            }
        }
    }

    /// Dijkstra from row `cur` to the nearest free column over reduced costs, then
    /// updates the potentials so the augmented matching stays dual-feasible.
    ///
    /// Only the edges out of `cur` may have negative reduced cost (its potential is still
    /// zero); every later edge is non-negative by the dual invariant, which is all that
    /// label-setting needs. Returns `None` only if costs overflowed to NaN.
    fn shortest_path(&mut self, cur: usize, m: usize) -> Option<usize> {
        self.shortest.fill(Lex::UNREACHED);
        self.remaining.clear();
        self.remaining.extend(0..m);
        self.scanned_rows.clear();
        self.scanned_cols.clear();

        let mut i = cur;
        let mut min_val = Lex::ZERO;
        let sink = loop {
            self.scanned_rows.push(i);
            let base = min_val.sub(self.u[i]);
            let row = &self.cost[i * m..(i + 1) * m];
            let mut lowest = Lex::UNREACHED;
            let mut best = NONE;
            for (k, &j) in self.remaining.iter().enumerate() {
                let r = base.add(row[j]).sub(self.v[j]);
                if r.lt(self.shortest[j]) {
                    self.shortest[j] = r;
                    self.pred[j] = i;
                }
                let s = self.shortest[j];
                // On ties prefer a free column: the search can stop there.
                if s.lt(lowest) || (s == lowest && self.row4col[j] == NONE) {
                    lowest = s;
                    best = k;
                }
            }
            if best == NONE || !lowest.is_finite() {
                return None;
            }
            min_val = lowest;
            let j = self.remaining.swap_remove(best);
            self.scanned_cols.push(j);
            if self.row4col[j] == NONE {
                break j;
            }
            i = self.row4col[j];
        };

        // Potentials: settled nodes move by how much closer than the sink they were, which
        // keeps reduced costs non-negative and makes the augmenting path tight.
        self.u[cur] = self.u[cur].add(min_val);
        for &i in &self.scanned_rows[1..] {
            let j = self.col4row[i];
            self.u[i] = self.u[i].add(min_val.sub(self.shortest[j]));
        }
        for &j in &self.scanned_cols {
            self.v[j] = self.v[j].sub(min_val.sub(self.shortest[j]));
        }
        Some(sink)
    }

    /// Flips the alternating path ending at free column `sink` back to row `cur`.
    fn augment(&mut self, cur: usize, sink: usize, m: usize) {
        let mut j = sink;
        // A path visits each column at most once; the bound only guards corrupt state.
        for _ in 0..=m {
            let i = self.pred[j];
            self.row4col[j] = i;
            let prev = std::mem::replace(&mut self.col4row[i], j);
            if i == cur {
                return;
            }
            j = prev;
        }
    }
}

/// What the sparse solvers optimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Pair as many rows as the edges allow, then minimise cost: [`assign`] on the matrix
    /// whose missing entries are forbidden.
    MaxPairs,
    /// Minimise total cost where leaving a row or column unassigned costs nothing, so a
    /// pair is made only when it lowers the total. Costs are therefore *relative to
    /// leaving both ends unassigned*, and only negative ones are ever used (GOSPA:
    /// `d^p - c^p`; gated GNN with a miss cost: `d - miss`).
    MinCost,
}

/// Sparse assignment: [`Objective::MaxPairs`] over `(row, col, cost)` edges; missing and
/// non-finite edges are forbidden, duplicates keep the cheapest.
///
/// Allocates; use [`SparseSolver`] in loops.
///
/// # Panics
///
/// If an edge's row is `>= rows` or its column is `>= cols`.
pub fn assign_sparse(
    rows: usize,
    cols: usize,
    edges: &[(usize, usize, f64)],
) -> Vec<Option<usize>> {
    SparseSolver::new()
        .solve(rows, cols, edges, Objective::MaxPairs)
        .to_vec()
}

/// Sparse assignment with [`Objective::MinCost`]: pairs are optional and only
/// negative-cost edges can be used.
///
/// Allocates; use [`SparseSolver`] in loops.
///
/// # Panics
///
/// If an edge's row is `>= rows` or its column is `>= cols`.
pub fn assign_sparse_optional(
    rows: usize,
    cols: usize,
    edges: &[(usize, usize, f64)],
) -> Vec<Option<usize>> {
    SparseSolver::new()
        .solve(rows, cols, edges, Objective::MinCost)
        .to_vec()
}

/// Sparse assignment solver: union-find splits the bipartite graph into connected
/// components, each solved densely (1 × 1 components directly). Keeps its buffers.
#[derive(Debug, Clone, Default)]
pub struct SparseSolver {
    dense: Solver,
    /// Union-find over rows `0..rows` then columns `rows..rows + cols`.
    parent: Vec<usize>,
    size: Vec<usize>,
    /// Edges that can be used: finite (and negative for `MinCost`).
    kept: Vec<usize>,
    /// Usable edges per node (rows, then columns).
    degree: Vec<u32>,
    /// Nodes of the edges left after the lone pairs, in index order.
    touched: Vec<usize>,
    /// Component of each union-find root, `NONE` if not yet numbered.
    comp_of_root: Vec<usize>,
    /// Node lists and edge lists grouped by component (offsets into the `*_items`).
    node_start: Vec<usize>,
    node_items: Vec<usize>,
    edge_start: Vec<usize>,
    edge_items: Vec<usize>,
    /// Position of a node among its component's rows (or columns).
    local: Vec<usize>,
    comp_rows: Vec<usize>,
    comp_cols: Vec<usize>,
    matrix: Vec<f64>,
    row_to_col: Vec<Option<usize>>,
}

impl SparseSolver {
    /// An empty solver; buffers grow on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Solves the sparse problem and returns, for each row, its column or `None`.
    ///
    /// Non-finite edge costs are ignored; duplicate edges keep the cheapest.
    ///
    /// # Panics
    ///
    /// If an edge's row is `>= rows` or its column is `>= cols`.
    pub fn solve(
        &mut self,
        rows: usize,
        cols: usize,
        edges: &[(usize, usize, f64)],
        objective: Objective,
    ) -> &[Option<usize>] {
        self.row_to_col.clear();
        self.row_to_col.resize(rows, None);

        self.kept.clear();
        for (k, &(r, c, w)) in edges.iter().enumerate() {
            assert!(
                r < rows && c < cols,
                "assignment edge ({r}, {c}) outside {rows} × {cols}"
            );
            let usable = match objective {
                Objective::MaxPairs => w.is_finite(),
                // Also rejects NaN and infinities.
                Objective::MinCost => w < 0.0 && w.is_finite(),
            };
            if usable {
                self.kept.push(k);
            }
        }
        let nodes = rows + cols;
        // A pair whose row and column have no other usable edge is its own component and
        // is optimal alone: most pairs in a tracker's scan are such, so take them first.
        self.degree.clear();
        self.degree.resize(nodes, 0);
        for &k in &self.kept {
            let (r, c, _) = edges[k];
            self.degree[r] += 1;
            self.degree[rows + c] += 1;
        }
        let (degree, row_to_col) = (&self.degree, &mut self.row_to_col);
        self.kept.retain(|&k| {
            let (r, c, _) = edges[k];
            let alone = degree[r] == 1 && degree[rows + c] == 1;
            if alone {
                row_to_col[r] = Some(c);
            }
            !alone
        });
        if self.kept.is_empty() {
            return &self.row_to_col;
        }
        // The nodes left, in index order (rows before columns).
        self.touched.clear();
        for &k in &self.kept {
            let (r, c, _) = edges[k];
            for x in [r, rows + c] {
                if self.degree[x] != 0 {
                    self.degree[x] = 0;
                    self.touched.push(x);
                }
            }
        }
        self.touched.sort_unstable();

        self.parent.clear();
        self.parent.extend(0..nodes);
        self.size.clear();
        self.size.resize(nodes, 1);
        for &k in &self.kept {
            let (r, c, _) = edges[k];
            union(&mut self.parent, &mut self.size, r, rows + c);
        }

        // Number the components and count their nodes and edges.
        self.comp_of_root.clear();
        self.comp_of_root.resize(nodes, NONE);
        self.node_start.clear();
        self.edge_start.clear();
        let mut n_comp = 0;
        for &k in &self.kept {
            let root = find(&mut self.parent, edges[k].0);
            if self.comp_of_root[root] == NONE {
                self.comp_of_root[root] = n_comp;
                n_comp += 1;
                self.node_start.push(0);
                self.edge_start.push(0);
            }
            self.edge_start[self.comp_of_root[root]] += 1;
        }
        // A node is in a component iff its root was numbered (isolated nodes are their
        // own unnumbered root).
        for &x in &self.touched {
            let root = find(&mut self.parent, x);
            let comp = self.comp_of_root[root];
            if comp != NONE {
                self.node_start[comp] += 1;
            }
        }
        to_offsets(&mut self.node_start);
        to_offsets(&mut self.edge_start);

        // Fill the grouped lists (rows before columns within a component, since nodes are
        // visited in index order) using a per-component cursor.
        self.node_items.clear();
        self.node_items.resize(self.node_start[n_comp], NONE);
        self.local.clear();
        self.local.resize(nodes, NONE);
        self.comp_rows.clear();
        self.comp_rows.resize(n_comp, 0);
        self.comp_cols.clear();
        self.comp_cols.resize(n_comp, 0);
        for &x in &self.touched {
            let root = find(&mut self.parent, x);
            let comp = self.comp_of_root[root];
            if comp == NONE {
                continue;
            }
            let filled = self.comp_rows[comp] + self.comp_cols[comp];
            self.node_items[self.node_start[comp] + filled] = x;
            if x < rows {
                self.local[x] = self.comp_rows[comp];
                self.comp_rows[comp] += 1;
            } else {
                self.local[x] = self.comp_cols[comp];
                self.comp_cols[comp] += 1;
            }
        }
        self.edge_items.clear();
        self.edge_items.resize(self.edge_start[n_comp], NONE);
        // Reuse `size` as the per-component edge cursor.
        self.size.clear();
        self.size.resize(n_comp, 0);
        for &k in &self.kept {
            let comp = self.comp_of_root[find(&mut self.parent, edges[k].0)];
            self.edge_items[self.edge_start[comp] + self.size[comp]] = k;
            self.size[comp] += 1;
        }

        for comp in 0..n_comp {
            let n_r = self.comp_rows[comp];
            let n_c = self.comp_cols[comp];
            let comp_edges = &self.edge_items[self.edge_start[comp]..self.edge_start[comp + 1]];
            let comp_nodes = &self.node_items[self.node_start[comp]..self.node_start[comp + 1]];
            if n_r == 1 && n_c == 1 {
                // Every kept edge is usable on its own, so the single pair is optimal.
                let (r, c, _) = edges[comp_edges[0]];
                self.row_to_col[r] = Some(c);
                continue;
            }
            // For MinCost, absent pairs cost 0 (= leaving both ends free): a full
            // assignment of the component then equals the best optional one, and any pair
            // that landed on a 0 entry is dropped again.
            let fill = match objective {
                Objective::MaxPairs => f64::INFINITY,
                Objective::MinCost => 0.0,
            };
            self.matrix.clear();
            self.matrix.resize(n_r * n_c, fill);
            for &k in comp_edges {
                let (r, c, w) = edges[k];
                let cell = &mut self.matrix[self.local[r] * n_c + self.local[rows + c]];
                if w < *cell {
                    *cell = w;
                }
            }
            self.dense.solve(&self.matrix, n_r, n_c);
            for (lr, lc) in self.dense.row_to_col().iter().enumerate() {
                let Some(lc) = *lc else { continue };
                let used = match objective {
                    Objective::MaxPairs => true,
                    Objective::MinCost => self.matrix[lr * n_c + lc] < 0.0,
                };
                if used {
                    // Rows come first in `comp_nodes`, so local indices map back directly.
                    let r = comp_nodes[lr];
                    let c = comp_nodes[n_r + lc] - rows;
                    self.row_to_col[r] = Some(c);
                }
            }
        }
        &self.row_to_col
    }
}

/// Turns per-bucket counts into start offsets, with the total appended.
fn to_offsets(counts: &mut Vec<usize>) {
    let mut acc = 0;
    for x in counts.iter_mut() {
        let n = *x;
        *x = acc;
        acc += n;
    }
    counts.push(acc);
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        // Path halving keeps trees shallow without recursion.
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], size: &mut [usize], a: usize, b: usize) {
    let (mut a, mut b) = (find(parent, a), find(parent, b));
    if a == b {
        return;
    }
    if size[a] < size[b] {
        std::mem::swap(&mut a, &mut b);
    }
    parent[b] = a;
    size[a] += size[b];
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const INF: f64 = f64::INFINITY;

    /// Best (pairs, cost) over every partial injective assignment using allowed entries:
    /// most pairs first, then least cost.
    fn brute_max_pairs(cost: &[f64], rows: usize, cols: usize) -> (usize, f64) {
        struct Search<'a> {
            cost: &'a [f64],
            rows: usize,
            cols: usize,
            used: Vec<bool>,
            best: (usize, f64),
        }
        impl Search<'_> {
            fn go(&mut self, r: usize, pairs: usize, sum: f64) {
                if r == self.rows {
                    if pairs > self.best.0 || (pairs == self.best.0 && sum < self.best.1) {
                        self.best = (pairs, sum);
                    }
                    return;
                }
                self.go(r + 1, pairs, sum);
                for c in 0..self.cols {
                    let x = self.cost[r * self.cols + c];
                    if !self.used[c] && x.is_finite() {
                        self.used[c] = true;
                        self.go(r + 1, pairs + 1, sum + x);
                        self.used[c] = false;
                    }
                }
            }
        }
        let mut s = Search {
            cost,
            rows,
            cols,
            used: vec![false; cols],
            best: (0, INF),
        };
        s.go(0, 0, 0.0);
        if s.best.0 == 0 {
            s.best.1 = 0.0;
        }
        s.best
    }

    /// Least total over every partial injective assignment (any number of pairs).
    fn brute_min_cost(cost: &[f64], rows: usize, cols: usize) -> f64 {
        fn go(cost: &[f64], cols: usize, r: usize, used: &mut Vec<bool>, sum: f64) -> f64 {
            if r * cols == cost.len() {
                return sum;
            }
            let mut best = go(cost, cols, r + 1, used, sum);
            for c in 0..cols {
                let x = cost[r * cols + c];
                if !used[c] && x.is_finite() {
                    used[c] = true;
                    best = best.min(go(cost, cols, r + 1, used, sum + x));
                    used[c] = false;
                }
            }
            best
        }
        if rows == 0 {
            return 0.0;
        }
        go(cost, cols, 0, &mut vec![false; cols], 0.0)
    }

    /// Checks the structural promises and returns (pairs, recomputed cost).
    fn check_valid(
        cost: &[f64],
        rows: usize,
        cols: usize,
        row_to_col: &[Option<usize>],
    ) -> (usize, f64) {
        assert_eq!(row_to_col.len(), rows);
        let mut used = vec![false; cols];
        let mut pairs = 0;
        let mut sum = 0.0;
        for (r, c) in row_to_col.iter().enumerate() {
            if let Some(c) = *c {
                assert!(c < cols);
                assert!(!used[c], "column {c} assigned twice");
                used[c] = true;
                let x = cost[r * cols + c];
                assert!(x.is_finite(), "forbidden pair ({r}, {c}) assigned");
                pairs += 1;
                sum += x;
            }
        }
        (pairs, sum)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    fn entry() -> impl Strategy<Value = f64> {
        prop_oneof![
            6 => -50.0..100.0f64,
            3 => (0..4i32).prop_map(f64::from), // ties
            2 => Just(INF),
            1 => Just(f64::NAN),
            1 => Just(f64::NEG_INFINITY),
        ]
    }

    fn matrix() -> impl Strategy<Value = (usize, usize, Vec<f64>)> {
        (0..=6usize, 0..=7usize)
            .prop_flat_map(|(r, c)| (Just(r), Just(c), prop::collection::vec(entry(), r * c)))
    }

    fn to_edges(cost: &[f64], cols: usize) -> Vec<(usize, usize, f64)> {
        cost.iter()
            .enumerate()
            .map(|(k, &w)| (k / cols, k % cols, w))
            .collect()
    }

    proptest! {
        #[test]
        fn dense_matches_brute_force((rows, cols, cost) in matrix()) {
            let a = assign(&cost, rows, cols);
            let (pairs, sum) = check_valid(&cost, rows, cols, &a.row_to_col);
            let (best_pairs, best_sum) = brute_max_pairs(&cost, rows, cols);
            prop_assert_eq!(pairs, best_pairs);
            prop_assert!(close(a.cost, sum));
            prop_assert!(close(sum, best_sum), "{} vs brute {}", sum, best_sum);
        }

        #[test]
        fn transposed_problem_has_same_optimum((rows, cols, cost) in matrix()) {
            let mut t = vec![0.0; cost.len()];
            for r in 0..rows {
                for c in 0..cols {
                    t[c * rows + r] = cost[r * cols + c];
                }
            }
            let a = assign(&cost, rows, cols);
            let b = assign(&t, cols, rows);
            prop_assert_eq!(a.pairs().count(), b.pairs().count());
            prop_assert!(close(a.cost, b.cost));
        }

        #[test]
        fn sparse_max_pairs_matches_dense(
            (rows, cols, cost) in matrix(),
            keep in prop::collection::vec(any::<bool>(), 42),
        ) {
            // Drop some entries (they become forbidden) and duplicate others.
            let mut dense = cost.clone();
            let mut edges = Vec::new();
            for (k, e) in to_edges(&cost, cols.max(1)).into_iter().enumerate() {
                if keep[k % keep.len()] {
                    edges.push(e);
                    edges.push((e.0, e.1, e.2 + 5.0));
                } else {
                    dense[k] = INF;
                }
            }
            let got = assign_sparse(rows, cols, &edges);
            let (pairs, sum) = check_valid(&dense, rows, cols, &got);
            let (best_pairs, best_sum) = brute_max_pairs(&dense, rows, cols);
            prop_assert_eq!(pairs, best_pairs);
            prop_assert!(close(sum, best_sum), "{} vs brute {}", sum, best_sum);
        }

        #[test]
        fn sparse_min_cost_matches_brute_force((rows, cols, cost) in matrix()) {
            let edges = to_edges(&cost, cols.max(1));
            let got = assign_sparse_optional(rows, cols, &edges);
            let (_, sum) = check_valid(&cost, rows, cols, &got);
            for (r, c) in got.iter().enumerate() {
                if let Some(c) = c {
                    prop_assert!(cost[r * cols + c] < 0.0);
                }
            }
            let best = brute_min_cost(&cost, rows, cols);
            prop_assert!(close(sum, best), "{} vs brute {}", sum, best);
        }

        #[test]
        fn reused_solver_agrees_with_fresh(problems in prop::collection::vec(matrix(), 1..6)) {
            let mut solver = Solver::new();
            let mut sparse = SparseSolver::new();
            for (rows, cols, cost) in &problems {
                let total = solver.solve(cost, *rows, *cols);
                let fresh = assign(cost, *rows, *cols);
                prop_assert_eq!(solver.row_to_col(), &fresh.row_to_col[..]);
                prop_assert_eq!(total, fresh.cost);
                let edges = to_edges(cost, (*cols).max(1));
                let got = sparse.solve(*rows, *cols, &edges, Objective::MinCost).to_vec();
                prop_assert_eq!(got, assign_sparse_optional(*rows, *cols, &edges));
            }
        }
    }

    #[test]
    fn doc_example() {
        let cost = [4.0, 1.0, 2.0, 8.0, INF, INF];
        let a = assign(&cost, 3, 2);
        assert_eq!(a.row_to_col, vec![Some(1), Some(0), None]);
        assert_eq!(a.cost, 3.0);
        assert_eq!(a.pairs().collect::<Vec<_>>(), vec![(0, 1), (1, 0)]);
    }

    #[test]
    fn empty_problems() {
        assert_eq!(assign(&[], 0, 0).row_to_col, Vec::<Option<usize>>::new());
        assert_eq!(assign(&[], 3, 0).row_to_col, vec![None; 3]);
        assert_eq!(assign(&[], 0, 4).cost, 0.0);
        assert_eq!(assign_sparse(2, 2, &[]), vec![None, None]);
        assert_eq!(
            assign_sparse_optional(0, 5, &[]),
            Vec::<Option<usize>>::new()
        );
    }

    #[test]
    fn wide_and_tall() {
        // 2 × 4: each row takes its cheapest distinct column.
        let wide = [9.0, 1.0, 5.0, 7.0, 8.0, 2.0, 6.0, 0.5];
        let a = assign(&wide, 2, 4);
        assert_eq!(a.row_to_col, vec![Some(1), Some(3)]);
        assert_eq!(a.cost, 1.5);
        // 4 × 2: only two rows can be assigned; the cheapest two win.
        let tall = [9.0, 8.0, 1.0, 2.0, 5.0, 6.0, 7.0, 0.5];
        let a = assign(&tall, 4, 2);
        assert_eq!(a.row_to_col, vec![None, Some(0), None, Some(1)]);
        assert_eq!(a.cost, 1.5);
    }

    #[test]
    fn all_forbidden_rows_and_columns() {
        let cost = [INF, INF, INF, 3.0, INF, 1.0, f64::NAN, f64::NAN, f64::NAN];
        let a = assign(&cost, 3, 3);
        assert_eq!(a.row_to_col, vec![None, Some(2), None]);
        assert_eq!(a.cost, 1.0);
        let a = assign(&[f64::NAN; 12], 3, 4);
        assert_eq!(a.row_to_col, vec![None; 3]);
        assert_eq!(a.cost, 0.0);
    }

    #[test]
    fn more_pairs_beat_cheaper_pairs() {
        // Row 1 can only use column 0, so row 0 must move to its expensive column.
        let cost = [1.0, 100.0, 2.0, INF];
        let a = assign(&cost, 2, 2);
        assert_eq!(a.row_to_col, vec![Some(1), Some(0)]);
        assert_eq!(a.cost, 102.0);
        // Two rows compete for one allowed column: the cheaper one gets it even though
        // it comes second (a solver that skips unreachable rows gets this wrong).
        let cost = [10.0, INF, 1.0, INF];
        assert_eq!(assign(&cost, 2, 2).row_to_col, vec![None, Some(0)]);
    }

    #[test]
    fn optional_pairs_can_beat_more_pairs() {
        // Max-pairs takes the cross (-0.2 total); min-cost takes only (0, 0) (-0.9).
        let edges = [(0, 0, -0.9), (0, 1, -0.1), (1, 0, -0.1)];
        assert_eq!(assign_sparse(2, 2, &edges), vec![Some(1), Some(0)]);
        assert_eq!(assign_sparse_optional(2, 2, &edges), vec![Some(0), None]);
        // Non-negative and non-finite edges are never worth taking.
        let edges = [(0, 0, 0.0), (1, 1, 3.0), (0, 1, f64::NAN), (1, 0, -INF)];
        assert_eq!(assign_sparse_optional(2, 2, &edges), vec![None, None]);
    }

    #[test]
    fn sparse_components_are_independent() {
        let edges = [
            (0, 0, 1.0),
            (1, 0, 0.5),
            (1, 1, 4.0), // component {r0, r1, c0, c1}
            (2, 3, 7.0), // 1 × 1
            (2, 3, 6.0), // duplicate, cheaper
            (4, 2, f64::NAN),
        ];
        assert_eq!(
            assign_sparse(5, 4, &edges),
            vec![Some(0), Some(1), Some(3), None, None]
        );
    }

    #[test]
    fn huge_and_tiny_costs_do_not_break_the_search() {
        let cost = [
            1e300,
            1e-300,
            -1e300,
            1e308,
            1e308,
            1e308,
            0.0,
            f64::MIN_POSITIVE,
            INF,
        ];
        let a = assign(&cost, 3, 3);
        check_valid(&cost, 3, 3, &a.row_to_col);
        assert_eq!(a.pairs().count(), 3);
    }

    /// Timing only (no assertion): `cargo test -p cuenca-fusion --lib --release --
    /// --ignored --nocapture assign_timing`.
    #[test]
    #[ignore]
    fn assign_timing() {
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut solver = Solver::new();
        for (n, m, forbidden) in [
            (10, 12, 0.0),
            (100, 110, 0.0),
            (100, 110, 0.9),
            (300, 330, 0.0),
        ] {
            let cost: Vec<f64> = (0..n * m)
                .map(|_| {
                    if next() < forbidden {
                        INF
                    } else {
                        next() * 100.0
                    }
                })
                .collect();
            let reps = if n <= 10 { 10_000 } else { 20 };
            let start = std::time::Instant::now();
            let mut total = 0.0;
            for _ in 0..reps {
                total = solver.solve(&cost, n, m);
            }
            let per = start.elapsed().as_secs_f64() / reps as f64;
            println!(
                "dense {n} × {m}, {:.0}% forbidden: {:.1} µs/solve (cost {total:.3})",
                forbidden * 100.0,
                per * 1e6
            );
        }
    }

    #[test]
    #[should_panic(expected = "expected 2 × 2")]
    fn wrong_length_panics() {
        assign(&[1.0, 2.0, 3.0], 2, 2);
    }
}
