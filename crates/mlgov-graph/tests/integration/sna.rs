//! Gould–Fernandez brokerage against R's `sna::brokerage` (the reference implementation, run
//! live through `bench/graph/sna_brokerage.R`: `scripts/test.sh` installs R and sna from Debian;
//! without them these tests fail saying so), and the null-model moments against complete
//! enumeration of small graphs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use mlgov_graph::brokerage::role_names;
use mlgov_graph::brokerage_null::{
    directed_global_moments, directed_node_moments, undirected_node_moments,
};
use mlgov_graph::{
    BrokerageConfig, BrokerageRole, Direction, EdgeKind, EdgeSpec, GovernanceGraph, Level, Node,
    NodeKind, PartitionBy, Sector, brokerage,
};

/// sna's role columns in our order: b_OI is the gatekeeper, b_IO the representative.
const SNA_ROLES: [&str; 6] = ["w_I", "w_O", "b_OI", "b_IO", "b_O", "t"];
const TOL: f64 = 1e-9;

/// SplitMix64: a tiny seeded generator.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

fn random_groups(rng: &mut SplitMix, sizes: &[usize]) -> Vec<usize> {
    let mut groups: Vec<usize> =
        sizes.iter().enumerate().flat_map(|(g, &s)| std::iter::repeat_n(g, s)).collect();
    for i in (1..groups.len()).rev() {
        let j = rng.below(i + 1);
        groups.swap(i, j);
    }
    groups
}

fn rel_diff(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else if a.is_nan() || b.is_nan() {
        f64::INFINITY
    } else {
        (a - b).abs() / a.abs().max(b.abs())
    }
}

/// The adjacency matrix as a governance graph: funding ties (a directed layer) or partnerships.
fn to_graph(adj: &[Vec<bool>], directed: bool) -> GovernanceGraph {
    let mut g = GovernanceGraph::new();
    for i in 0..adj.len() {
        g.add_node(Node::new(
            format!("n{i}"),
            format!("n{i}"),
            NodeKind::Organisation,
            Level::Local,
            Sector::Public,
        ))
        .unwrap();
    }
    let layer = if directed { EdgeKind::Funding } else { EdgeKind::Partnership };
    for (u, row) in adj.iter().enumerate() {
        for (v, &a) in row.iter().enumerate() {
            if a && (directed || u < v) {
                g.add_edge(EdgeSpec::new(format!("n{u}"), format!("n{v}"), layer.clone())).unwrap();
            }
        }
    }
    g
}

#[derive(Debug, Clone, Copy)]
struct SnaRow {
    raw: f64,
    exp: f64,
    sd: f64,
    z: f64,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/graph/sna_brokerage.R")
}

/// Runs the reference script: (node, role) → row, node 0 = whole graph.
fn run_sna(tag: &str, adj: &[Vec<bool>], labels: &[String]) -> HashMap<(usize, String), SnaRow> {
    let dir =
        std::env::temp_dir().join(format!("mlgov-sna-brokerage-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut edges = String::from("source,target\n");
    for (u, row) in adj.iter().enumerate() {
        for (v, &a) in row.iter().enumerate() {
            if a {
                edges += &format!("{},{}\n", u + 1, v + 1);
            }
        }
    }
    let (e_path, c_path) = (dir.join("edges.csv"), dir.join("classes.txt"));
    std::fs::write(&e_path, edges).unwrap();
    std::fs::write(&c_path, labels.join("\n") + "\n").unwrap();
    let output = Command::new("Rscript")
        .arg(script())
        .arg(&e_path)
        .arg(adj.len().to_string())
        .arg(&c_path)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let output = output.unwrap_or_else(|e| {
        panic!("cannot run Rscript (scripts/test.sh installs r-cran-sna from Debian): {e}")
    });
    assert!(
        output.status.success(),
        "Rscript failed (is r-cran-sna installed?): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("node,role,raw,exp,sd,z"));
    let mut rows = HashMap::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let num =
            |s: &str| s.parse::<f64>().unwrap_or_else(|_| panic!("bad number {s:?} in {line}"));
        rows.insert(
            (f[0].parse().unwrap(), f[1].to_owned()),
            SnaRow { raw: num(f[2]), exp: num(f[3]), sd: num(f[4]), z: num(f[5]) },
        );
    }
    assert_eq!(rows.len(), 6 * (adj.len() + 1));
    rows
}

/// Checks one of our statistics against sna's row, scaled by `k` (2 for undirected counts of
/// the symmetric roles, whose sna counts are doubled).
fn check(
    what: &str,
    count: u64,
    expected: Option<f64>,
    sd: Option<f64>,
    z: Option<f64>,
    r: &SnaRow,
) {
    assert_eq!(count as f64, r.raw, "{what}: raw count");
    let (e, s) = (expected.unwrap(), sd.unwrap());
    assert!(rel_diff(e, r.exp) <= TOL, "{what}: expected {e} vs sna {}", r.exp);
    assert!(rel_diff(s, r.sd) <= TOL, "{what}: sd {s} vs sna {}", r.sd);
    match z {
        None => assert!(r.z.is_nan(), "{what}: no z vs sna {}", r.z),
        Some(z) => {
            assert!((z - r.z).abs() <= TOL * r.z.abs().max(1.0), "{what}: z {z} vs sna {}", r.z)
        }
    }
}

/// (seed, group sizes, arc probability): N = 8 … 40, unequal groups, groups of size 1 and 2.
const CASES: &[(u64, &[usize], f64)] = &[
    (1, &[1, 2, 5], 0.35),
    (2, &[3, 5, 7], 0.2),
    (3, &[2, 4, 7, 11], 0.5),
    (4, &[6, 14, 20], 0.08),
    (5, &[9, 21], 0.75),
    (6, &[1, 1, 4, 6], 0.4),
    (7, &[2, 3, 4, 9], 0.15),
];

#[test]
fn directed_brokerage_matches_sna_for_every_node_and_role() {
    for &(seed, sizes, prob) in CASES {
        let mut rng = SplitMix(seed);
        let groups = random_groups(&mut rng, sizes);
        let n = groups.len();
        let adj: Vec<Vec<bool>> =
            (0..n).map(|u| (0..n).map(|v| u != v && rng.unit() < prob).collect()).collect();
        let names = ["zeta", "alpha", "mu", "beta"];
        let labels: Vec<String> = groups.iter().map(|&g| names[g].to_owned()).collect();
        let sna = run_sna(&format!("d{seed}"), &adj, &labels);
        let g = to_graph(&adj, true);
        let report = brokerage(
            &g,
            &BrokerageConfig {
                direction: Direction::Directed,
                partition: PartitionBy::Custom(labels.clone()),
                time_respecting: false,
            },
        )
        .unwrap();
        assert_eq!(role_names(Direction::Directed).len(), 6);
        for (v, row) in report.rows.iter().enumerate() {
            for (k, s) in row.stats.iter().enumerate() {
                check(
                    &format!("case {seed} node {} {}", v + 1, s.role),
                    s.count,
                    s.expected,
                    s.sd,
                    s.z,
                    &sna[&(v + 1, SNA_ROLES[k].to_owned())],
                );
            }
        }
        for (k, s) in report.global.iter().enumerate() {
            check(
                &format!("case {seed} global {}", s.role),
                s.count,
                s.expected,
                s.sd,
                s.z,
                &sna[&(0, SNA_ROLES[k].to_owned())],
            );
        }
    }
}

/// An undirected graph given to sna as a symmetric digraph: sna counts each open triad twice,
/// so our unordered coordinator, itinerant, liaison and total counts are half of sna's and their
/// expectations half of sna's; our merged gatekeeper-or-representative count equals sna's
/// gatekeeper count (= its representative count) with sna's gatekeeper expectation.
#[test]
fn undirected_brokerage_is_half_of_sna_on_the_symmetric_digraph() {
    for (seed, sizes, prob) in
        [(99u64, &[3usize, 5, 8][..], 0.3), (100, &[2, 6, 6, 10], 0.15), (101, &[12, 13], 0.5)]
    {
        let mut rng = SplitMix(seed);
        let groups = random_groups(&mut rng, sizes);
        let n = groups.len();
        let mut adj = vec![vec![false; n]; n];
        for (u, v) in (0..n).flat_map(|u| (u + 1..n).map(move |v| (u, v))) {
            if rng.unit() < prob {
                adj[u][v] = true;
                adj[v][u] = true;
            }
        }
        let labels: Vec<String> = groups.iter().map(|g| format!("g{g}")).collect();
        let sna = run_sna(&format!("u{seed}"), &adj, &labels);
        let report = brokerage(
            &to_graph(&adj, false),
            &BrokerageConfig::undirected(PartitionBy::Custom(labels)),
        )
        .unwrap();
        for (v, row) in report.rows.iter().enumerate() {
            let at = |r: &str| sna[&(v + 1, r.to_owned())];
            for (ours, theirs) in
                [("coordinator", "w_I"), ("itinerant", "w_O"), ("liaison", "b_O"), ("total", "t")]
            {
                let s = row.stat(ours).unwrap();
                assert_eq!(2.0 * s.count as f64, at(theirs).raw, "seed {seed} node {v} {ours}");
                assert!(
                    rel_diff(2.0 * s.expected.unwrap(), at(theirs).exp) <= TOL,
                    "seed {seed} node {v} {ours} expected"
                );
            }
            let b = row.stat("gatekeeper_or_representative").unwrap();
            assert_eq!(b.count as f64, at("b_OI").raw);
            assert_eq!(at("b_OI").raw, at("b_IO").raw);
            assert!(rel_diff(b.expected.unwrap(), at("b_OI").exp) <= TOL);
        }
    }
}

/// Unordered open triads of a symmetric matrix, in moments order (boundary in slot 2).
fn undirected_counts(adj: &[Vec<bool>], groups: &[usize]) -> Vec<[u64; 6]> {
    let n = adj.len();
    (0..n)
        .map(|b| {
            let mut x = [0u64; 6];
            for a in 0..n {
                for c in a + 1..n {
                    if a == b || c == b || !adj[a][b] || !adj[b][c] || adj[a][c] {
                        continue;
                    }
                    let slot = match BrokerageRole::classify(&groups[a], &groups[b], &groups[c]) {
                        BrokerageRole::Coordinator => 0,
                        BrokerageRole::Itinerant => 1,
                        BrokerageRole::Gatekeeper | BrokerageRole::Representative => 2,
                        BrokerageRole::Liaison => 4,
                    };
                    x[slot] += 1;
                    x[5] += 1;
                }
            }
            x
        })
        .collect()
}

/// Directed open two-path counts of a matrix (mlgov's own counting is checked against sna
/// above; this one is fast enough to run over every digraph on five nodes).
fn directed_counts(adj: &[Vec<bool>], groups: &[usize]) -> Vec<[u64; 6]> {
    let n = adj.len();
    (0..n)
        .map(|b| {
            let mut x = [0u64; 6];
            for a in 0..n {
                for c in 0..n {
                    if a == b || c == b || a == c || !adj[a][b] || !adj[b][c] || adj[a][c] {
                        continue;
                    }
                    let slot = match BrokerageRole::classify(&groups[a], &groups[b], &groups[c]) {
                        BrokerageRole::Coordinator => 0,
                        BrokerageRole::Itinerant => 1,
                        BrokerageRole::Gatekeeper => 2,
                        BrokerageRole::Representative => 3,
                        BrokerageRole::Liaison => 4,
                    };
                    x[slot] += 1;
                    x[5] += 1;
                }
            }
            x
        })
        .collect()
}

/// Mean and variance per (node or global, role).
type Table = Vec<[f64; 6]>;
/// Role counts of every node of an adjacency matrix.
type Counter<'a> = &'a dyn Fn(&[Vec<bool>]) -> Vec<[u64; 6]>;

/// Group index per node (contiguous blocks).
fn groups_of(sizes: &[usize]) -> Vec<usize> {
    sizes.iter().enumerate().flat_map(|(g, &s)| std::iter::repeat_n(g, s)).collect()
}

/// Exact mean and variance of every (node, role) count and of the global counts (index n) over
/// all graphs whose possible ties are `slots`; `counts` maps an adjacency matrix to counts.
/// The sums of x and x² are accumulated exactly in integers per number of ties e, so only the
/// final Σ_e p^e (1 − p)^(C − e) · (…) is in floating point.
fn exact_moments(
    n: usize,
    slots: &[(usize, usize)],
    symmetric: bool,
    p: f64,
    counts: Counter<'_>,
) -> (Table, Table) {
    let c = slots.len();
    let mut s1 = vec![vec![[0u128; 6]; n + 1]; c + 1];
    let mut s2 = vec![vec![[0u128; 6]; n + 1]; c + 1];
    for mask in 0u64..(1 << c) {
        let mut adj = vec![vec![false; n]; n];
        for (i, &(u, v)) in slots.iter().enumerate() {
            if mask >> i & 1 == 1 {
                adj[u][v] = true;
                if symmetric {
                    adj[v][u] = true;
                }
            }
        }
        let e = mask.count_ones() as usize;
        let mut x = counts(&adj);
        let mut global = [0u64; 6];
        for row in &x {
            for r in 0..6 {
                global[r] += row[r];
            }
        }
        x.push(global);
        for (k, row) in x.iter().enumerate() {
            for r in 0..6 {
                let v = u128::from(row[r]);
                s1[e][k][r] += v;
                s2[e][k][r] += v * v;
            }
        }
    }
    let mut mean = vec![[0.0; 6]; n + 1];
    let mut var = vec![[0.0; 6]; n + 1];
    for k in 0..=n {
        for r in 0..6 {
            let (mut m1, mut m2) = (0.0, 0.0);
            for e in 0..=c {
                let w = p.powi(e as i32) * (1.0 - p).powi((c - e) as i32);
                m1 += w * s1[e][k][r] as f64;
                m2 += w * s2[e][k][r] as f64;
            }
            mean[k][r] = m1;
            var[k][r] = m2 - m1 * m1;
        }
    }
    (mean, var)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn undirected_moments_are_exact() {
    for sizes in [&[2usize, 3][..], &[1, 2, 2], &[2, 4], &[1, 2, 3], &[3, 3]] {
        let groups = groups_of(sizes);
        let n = groups.len();
        let slots: Vec<(usize, usize)> =
            (0..n).flat_map(|u| (u + 1..n).map(move |v| (u, v))).collect();
        for p in [0.3, 0.5] {
            let (mean, var) =
                exact_moments(n, &slots, true, p, &|adj| undirected_counts(adj, &groups));
            let mut max = 0f64;
            for b in 0..n {
                let m = undirected_node_moments(sizes, groups[b], p);
                for r in 0..6 {
                    let v = m[r].sd * m[r].sd;
                    assert!(
                        close(mean[b][r], m[r].expected, 1e-12),
                        "{sizes:?} p={p} node {b} role {r}: mean {} vs {}",
                        mean[b][r],
                        m[r].expected
                    );
                    assert!(
                        close(var[b][r], v, 1e-12),
                        "{sizes:?} p={p} node {b} role {r}: var {} vs {v}",
                        var[b][r]
                    );
                    max = max.max((mean[b][r] - m[r].expected).abs()).max((var[b][r] - v).abs());
                }
            }
            println!("undirected {sizes:?} p = {p}: max abs diff {max:e}");
        }
    }
}

/// The exact variances of the whole-graph counts. sna's `vgbr` omits, for the coordinator,
/// gatekeeper / representative and total roles, the negative covariances between a two-path
/// `a → b → c` (which needs `a → c` absent) and the two-paths of the same role that need
/// `a → c` present and conflict with it: sna's coordinator and total coefficients of
/// `d⁴ (1 − d)²` are `4 (n − 3)` and `4 (N − 3)` instead of `4n − 10` and `4N − 10`, and its
/// gatekeeper / representative variance lacks `− (2n − 3) d⁴ (1 − d)²` altogether. The
/// itinerant and liaison variances are exact.
fn exact_global_variances(sizes: &[usize], d: f64) -> [f64; 6] {
    let q = 1.0 - d;
    let c4 = d.powi(4) * q.powi(2);
    let sna = directed_global_moments(sizes, d);
    let mut v: [f64; 6] = std::array::from_fn(|r| sna[r].sd * sna[r].sd);
    let n: Vec<f64> = sizes.iter().map(|&s| s as f64).collect();
    let big_n: f64 = n.iter().sum();
    // coordinator: −(4n − 10) c4 instead of −4 (n − 3) c4, i.e. −2 c4 per triad
    v[0] -= 2.0 * c4 * n.iter().map(|&x| x * (x - 1.0) * (x - 2.0)).sum::<f64>();
    // gatekeeper / representative: − (2n − 3) c4 per triad
    let g: f64 = n.iter().map(|&x| x * (big_n - x) * (x - 1.0) * (2.0 * x - 3.0)).sum();
    v[2] -= g * c4;
    v[3] -= g * c4;
    // total: −(4N − 10) c4 instead of −4 (N − 3) c4
    v[5] -= 2.0 * c4 * big_n * (big_n - 1.0) * (big_n - 2.0);
    v
}

/// sna's node-level moments are exact under the directed Bernoulli null; its global
/// expectations are exact, its global variances are not for the coordinator, gatekeeper /
/// representative and total roles (see [`exact_global_variances`]).
#[test]
fn directed_moments_vs_enumeration() {
    for sizes in [
        &[1usize, 3][..],
        &[2, 2],
        &[4],
        &[1, 1, 2],
        &[2, 3],
        &[1, 4],
        &[5],
        &[1, 2, 2],
        &[1, 1, 1, 2],
    ] {
        let groups = groups_of(sizes);
        let n = groups.len();
        let slots: Vec<(usize, usize)> =
            (0..n).flat_map(|u| (0..n).filter(move |&v| v != u).map(move |v| (u, v))).collect();
        for p in [0.3, 0.5] {
            let (mean, var) =
                exact_moments(n, &slots, false, p, &|adj| directed_counts(adj, &groups));
            for b in 0..n {
                let m = directed_node_moments(sizes, groups[b], p);
                for r in 0..6 {
                    assert!(
                        close(mean[b][r], m[r].expected, 1e-12),
                        "{sizes:?} node {b} role {r}: mean {} vs {}",
                        mean[b][r],
                        m[r].expected
                    );
                    assert!(
                        close(var[b][r], m[r].sd * m[r].sd, 1e-12),
                        "{sizes:?} node {b} role {r}: var {} vs {}",
                        var[b][r],
                        m[r].sd * m[r].sd
                    );
                }
            }
            let g = directed_global_moments(sizes, p);
            let exact = exact_global_variances(sizes, p);
            let names = ["w_I", "w_O", "b_OI", "b_IO", "b_O", "t"];
            for r in 0..6 {
                assert!(close(mean[n][r], g[r].expected, 1e-12), "{sizes:?} global mean role {r}");
                assert!(
                    close(var[n][r], exact[r], 1e-12),
                    "{sizes:?} p = {p} global {}: enumerated {} vs corrected {}",
                    names[r],
                    var[n][r],
                    exact[r]
                );
                let sna = g[r].sd * g[r].sd;
                if !close(var[n][r], sna, 1e-12) {
                    println!(
                        "directed {sizes:?} p = {p} global {}: exact var {:.12} sna {sna:.12} (ratio {:.6})",
                        names[r],
                        var[n][r],
                        sna / var[n][r]
                    );
                }
            }
        }
    }
}
