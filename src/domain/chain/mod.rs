//! Referral chains (`ties chain`): trees of received referrals (referrer → referred
//! person) with value roll-up — first-touch credit to the chain's root, last-touch credit
//! to each direct referrer — safe against cycles, plus a plain-text renderer. Pure:
//! std, chrono, serde and the domain types only.
//!
//! `ties chain CONTACT` shows the whole chain the contact belongs to: the trees of its
//! roots (the contacts above it that nobody referred), from the top down. A contact that
//! sits in a pure cycle (A referred B, B referred A, nobody above) is its own root.
//! Building and rendering are iterative, so a very long chain cannot overflow the stack.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::history::NameLookup;
use super::referral::{Referral, Status};

mod render;

use render::label;
pub use render::{ChainText, MAX_CHILDREN, MAX_DEPTH, render};

/// One contact in a chain.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainNode {
    pub contact_id: i64,
    pub name: String,
    /// The referral that brought this contact in (`None` for a root).
    pub referral_id: Option<i64>,
    pub status: Option<Status>,
    /// The referral's value when won, else `None`.
    pub value: Option<f64>,
    pub referred_on: Option<NaiveDate>,
    /// Last-touch credit: won value of this contact's direct referrals.
    pub last_touch_value: f64,
    /// Won value of every referral below this node.
    pub downstream_value: f64,
    /// This contact already appears above in the same tree (a cycle or a second path):
    /// shown, its referral counted, but not expanded again.
    pub repeat: bool,
    pub children: Vec<ChainNode>,
}

/// Dropped without recursion: a chain can be tens of thousands of levels deep, and a
/// recursive drop of that many nested nodes would overflow the stack.
impl Drop for ChainNode {
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.children);
        while let Some(mut n) = stack.pop() {
            stack.append(&mut n.children);
        }
    }
}

/// A chain from one root.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainTree {
    /// First-touch credit: all won value downstream of the root.
    pub first_touch_value: f64,
    pub root: ChainNode,
}

/// The value of a referral for roll-up: its value when won, else nothing.
fn won_value(r: &Referral) -> Option<f64> {
    (r.status == Status::Won).then_some(r.value.unwrap_or(0.0))
}

/// Received referrals as a graph.
struct Graph<'a> {
    /// referrer → referrals, oldest first.
    out: HashMap<i64, Vec<&'a Referral>>,
    /// person → referrers.
    parents: HashMap<i64, Vec<i64>>,
}

impl<'a> Graph<'a> {
    fn new(referrals: &'a [Referral]) -> Self {
        let mut out: HashMap<i64, Vec<&'a Referral>> = HashMap::new();
        let mut parents: HashMap<i64, Vec<i64>> = HashMap::new();
        for r in referrals {
            if let Some(by) = r.referrer_id {
                out.entry(by).or_default().push(r);
                parents.entry(r.person_id).or_default().push(by);
            }
        }
        for v in out.values_mut() {
            v.sort_by_key(|r| (r.referred_on, r.id));
        }
        for v in parents.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        Graph { out, parents }
    }

    fn has_parent(&self, id: i64) -> bool {
        self.parents.get(&id).is_some_and(|p| !p.is_empty())
    }

    /// The roots above `contact_id`, sorted by id; the contact itself when it is a root
    /// or when everything above it is a cycle.
    fn roots_of(&self, contact_id: i64) -> Vec<i64> {
        let mut seen = HashSet::from([contact_id]);
        let mut stack = vec![contact_id];
        let mut roots = Vec::new();
        while let Some(id) = stack.pop() {
            match self.parents.get(&id) {
                Some(ps) if !ps.is_empty() => {
                    for &p in ps {
                        if seen.insert(p) {
                            stack.push(p);
                        }
                    }
                }
                _ => roots.push(id),
            }
        }
        if roots.is_empty() {
            roots.push(contact_id);
        }
        roots.sort_unstable();
        roots
    }

    /// The tree below `root`, built iteratively (preorder arena, then nested bottom-up).
    fn tree(&self, root: i64, names: &dyn NameLookup) -> ChainTree {
        struct Flat<'r> {
            contact_id: i64,
            via: Option<&'r Referral>,
            repeat: bool,
            children: Vec<usize>,
        }
        let mut arena = vec![Flat {
            contact_id: root,
            via: None,
            repeat: false,
            children: vec![],
        }];
        let mut seen = HashSet::from([root]);
        let mut stack = vec![0usize];
        while let Some(at) = stack.pop() {
            let id = arena[at].contact_id;
            let Some(refs) = self.out.get(&id) else {
                continue;
            };
            let mut kids = Vec::with_capacity(refs.len());
            for &r in refs {
                let repeat = !seen.insert(r.person_id);
                arena.push(Flat {
                    contact_id: r.person_id,
                    via: Some(r),
                    repeat,
                    children: vec![],
                });
                kids.push(arena.len() - 1);
            }
            // Expand in date order: push in reverse so the oldest is visited first.
            for &k in kids.iter().rev() {
                if !arena[k].repeat {
                    stack.push(k);
                }
            }
            arena[at].children = kids;
        }
        // Children always come after their parent in the arena: fold from the end.
        let mut built: Vec<Option<ChainNode>> = (0..arena.len()).map(|_| None).collect();
        for i in (0..arena.len()).rev() {
            let f = &arena[i];
            let children: Vec<ChainNode> =
                f.children.iter().filter_map(|&k| built[k].take()).collect();
            // A fold from +0.0: an empty f64 `sum()` is -0.0, which prints as "-0".
            let last_touch_value = children
                .iter()
                .filter_map(|c| c.value)
                .fold(0.0, |a, v| a + v);
            let downstream_value = children
                .iter()
                .map(|c| c.value.unwrap_or(0.0) + c.downstream_value)
                .fold(0.0, |a, v| a + v);
            built[i] = Some(ChainNode {
                contact_id: f.contact_id,
                name: names.name_or_id(f.contact_id),
                referral_id: f.via.map(|r| r.id),
                status: f.via.map(|r| r.status),
                value: f.via.and_then(won_value),
                referred_on: f.via.map(|r| r.referred_on),
                last_touch_value,
                downstream_value,
                repeat: f.repeat,
                children,
            });
        }
        let root = built
            .into_iter()
            .next()
            .flatten()
            .unwrap_or_else(|| ChainNode {
                contact_id: root,
                name: names.name_or_id(root),
                referral_id: None,
                status: None,
                value: None,
                referred_on: None,
                last_touch_value: 0.0,
                downstream_value: 0.0,
                repeat: false,
                children: vec![],
            });
        ChainTree {
            first_touch_value: root.downstream_value,
            root,
        }
    }
}

/// The chain(s) `contact_id` belongs to, one tree per root above it; empty when the
/// contact neither referred anyone to you nor was referred to you.
pub fn chains_for(
    contact_id: i64,
    referrals: &[Referral],
    names: &dyn NameLookup,
) -> Vec<ChainTree> {
    let g = Graph::new(referrals);
    if !g.out.contains_key(&contact_id) && !g.has_parent(contact_id) {
        return Vec::new();
    }
    g.roots_of(contact_id)
        .into_iter()
        .map(|root| g.tree(root, names))
        .collect()
}

/// Every chain in the network: one tree per referrer nobody referred, biggest
/// first-touch value first (then root id). Contacts only reachable through a pure cycle
/// get a tree rooted at the cycle's lowest id.
pub fn all_chains(referrals: &[Referral], names: &dyn NameLookup) -> Vec<ChainTree> {
    let g = Graph::new(referrals);
    let mut referrers: Vec<i64> = g.out.keys().copied().collect();
    referrers.sort_unstable();
    let mut trees: Vec<ChainTree> = Vec::new();
    let mut covered: HashSet<i64> = HashSet::new();
    let mark = |node: &ChainNode, covered: &mut HashSet<i64>| {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            covered.insert(n.contact_id);
            stack.extend(n.children.iter());
        }
    };
    for &id in referrers.iter().filter(|&&id| !g.has_parent(id)) {
        let t = g.tree(id, names);
        mark(&t.root, &mut covered);
        trees.push(t);
    }
    for &id in &referrers {
        if !covered.contains(&id) {
            let t = g.tree(id, names);
            mark(&t.root, &mut covered);
            trees.push(t);
        }
    }
    trees.sort_by(|a, b| {
        b.first_touch_value
            .total_cmp(&a.first_touch_value)
            .then(a.root.contact_id.cmp(&b.root.contact_id))
    });
    trees
}

/// Money for display: "$5,000", "$1,234.50"; a currency code gets a space ("EUR 5,000").
pub fn format_money(value: f64, currency: &str) -> String {
    let cents = (value.abs() * 100.0).round() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if frac != 0 {
        grouped.push_str(&format!(".{frac:02}"));
    }
    let sign = if value < 0.0 && cents != 0 { "-" } else { "" };
    let sep = if currency.chars().all(char::is_alphabetic) && !currency.is_empty() {
        " "
    } else {
        ""
    };
    format!("{sign}{currency}{sep}{grouped}")
}

/// One node of a chain in the flat JSON of `ties chain --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlatNode {
    pub contact_id: i64,
    pub name: String,
    /// The contact above this one in the tree (`null` for the root).
    pub parent_id: Option<i64>,
    /// 0 for the root.
    pub depth: usize,
    pub referral_id: Option<i64>,
    pub status: Option<Status>,
    pub value: Option<f64>,
    pub referred_on: Option<NaiveDate>,
    pub last_touch_value: f64,
    pub downstream_value: f64,
    pub repeat: bool,
}

/// A chain in the flat JSON of `ties chain --json`: its nodes in pre-order (each after
/// its parent, siblings oldest first), linked by `parent_id`; no nesting, so any depth
/// prints in linear time and memory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlatChain {
    pub root_id: i64,
    pub first_touch_value: f64,
    pub nodes: Vec<FlatNode>,
}

impl ChainTree {
    pub fn flat(&self) -> FlatChain {
        let mut nodes = Vec::new();
        let mut stack: Vec<(&ChainNode, Option<i64>, usize)> = vec![(&self.root, None, 0)];
        while let Some((n, parent_id, depth)) = stack.pop() {
            nodes.push(FlatNode {
                contact_id: n.contact_id,
                name: n.name.clone(),
                parent_id,
                depth,
                referral_id: n.referral_id,
                status: n.status,
                value: n.value,
                referred_on: n.referred_on,
                last_touch_value: n.last_touch_value,
                downstream_value: n.downstream_value,
                repeat: n.repeat,
            });
            for c in n.children.iter().rev() {
                stack.push((c, Some(n.contact_id), depth + 1));
            }
        }
        FlatChain {
            root_id: self.root.contact_id,
            first_touch_value: self.first_touch_value,
            nodes,
        }
    }
}

/// The path from the root down to `contact_id` on one line, e.g.
/// "Ana → Ben (won, $5,000) → Cleo (met)"; `None` when the contact is not in the tree.
pub fn path_line(tree: &ChainTree, contact_id: i64, currency: &str) -> Option<String> {
    // Iterative DFS keeping the path of ancestors.
    let mut stack: Vec<(&ChainNode, usize)> = vec![(&tree.root, 0)];
    let mut path: Vec<&ChainNode> = Vec::new();
    while let Some((n, depth)) = stack.pop() {
        path.truncate(depth);
        path.push(n);
        if n.contact_id == contact_id {
            let parts: Vec<String> = path.iter().map(|n| label(n, currency)).collect();
            return Some(parts.join(" → "));
        }
        for c in n.children.iter().rev() {
            stack.push((c, depth + 1));
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::testkit::*;

    fn texts(lines: Vec<ChainText<'_>>) -> Vec<String> {
        lines.into_iter().map(|l| l.text).collect()
    }

    /// A chain 50,000 referrals deep and a referrer with 10,000 people: drawn in a
    /// bounded number of short lines, flattened for JSON, dropped without overflowing
    /// the stack.
    #[test]
    fn deep_and_wide_chains_stay_small() {
        let n = 50_000;
        let mut refs: Vec<Referral> = (1..n).map(|i| received(i, i, i + 1, 10)).collect();
        refs.extend((0..10_000).map(|k| received(n + k, 1, n + 1 + k, 10)));
        let names: HashMap<i64, String> = HashMap::new();
        let trees = chains_for(n / 2, &refs, &names);
        assert_eq!(trees.len(), 1);
        let lines = render(&trees[0], Some(n / 2), "$");
        assert!(
            lines.len() <= MAX_DEPTH * MAX_CHILDREN + 10,
            "{}",
            lines.len()
        );
        assert!(lines.iter().all(|l| l.text.chars().count() < 200));
        let more: Vec<&str> = lines
            .iter()
            .filter(|l| l.node.is_none())
            .map(|l| l.text.as_str())
            .collect();
        assert!(more.iter().any(|t| t.contains("further down")), "{more:?}");
        assert!(
            more.iter().any(|t| t.contains("9951 more people")),
            "{more:?}"
        );
        let flat = trees[0].flat();
        assert_eq!(flat.nodes.len(), n as usize + 10_000);
        assert_eq!(
            flat.nodes.iter().map(|x| x.depth).max(),
            Some(n as usize - 1)
        );
        drop(trees);
    }

    fn names() -> HashMap<i64, String> {
        [
            (1, "Ana"),
            (2, "Ben"),
            (3, "Cleo"),
            (4, "Dev"),
            (5, "Eve"),
            (6, "Fay"),
            (9, "Zed"),
        ]
        .into_iter()
        .map(|(i, n)| (i, n.to_string()))
        .collect()
    }

    /// Ana → Ben (won 5000) → Cleo (won 800) → Dev (met), and Ben → Eve (won 200):
    /// four deep with a branch. Referrals sit under their referrer oldest first.
    fn network() -> Vec<Referral> {
        vec![
            change(received(10, 1, 2, 100), Status::Won, 80, Some(5000.0)),
            change(received(11, 2, 3, 60), Status::Won, 40, Some(800.0)),
            change(received(12, 3, 4, 30), Status::Met, 20, None),
            change(received(13, 2, 5, 50), Status::Won, 10, Some(200.0)),
            given(14, 6, 9, 5), // given referrals are not chains
        ]
    }

    #[test]
    fn four_deep_chain_with_a_branch() {
        let refs = network();
        let trees = chains_for(4, &refs, &names());
        assert_eq!(trees.len(), 1);
        let t = &trees[0];
        assert_eq!(t.root.contact_id, 1);
        assert_eq!(t.first_touch_value, 6000.0);
        assert_eq!(t.root.last_touch_value, 5000.0);
        let ben = &t.root.children[0];
        assert_eq!(
            (
                ben.name.as_str(),
                ben.last_touch_value,
                ben.downstream_value
            ),
            ("Ben", 1000.0, 1000.0)
        );
        assert_eq!(
            texts(render(t, Some(4), "$")),
            vec![
                "Ana · first-touch $6,000 · last-touch $5,000",
                "└─ Ben (won, $5,000) · last-touch $1,000",
                "   ├─ Cleo (won, $800)",
                "   │  └─ Dev (met) ◀",
                "   └─ Eve (won, $200)",
            ]
        );
        assert_eq!(
            path_line(t, 4, "$").unwrap(),
            "Ana → Ben (won, $5,000) → Cleo (won, $800) → Dev (met)"
        );
        assert!(
            chains_for(6, &refs, &names()).is_empty(),
            "a given referral is not a chain"
        );
        let json = serde_json::to_value(t.flat()).unwrap();
        assert_eq!(json["root_id"], 1);
        assert_eq!(json["nodes"][1]["status"], "won");
        assert_eq!(json["nodes"][1]["parent_id"], 1);
        assert_eq!(json["first_touch_value"], 6000.0);
    }

    #[test]
    fn cycles_terminate_with_sensible_totals() {
        let mut refs = network();
        // Dev later referred Ana back to you: Ana → … → Dev → Ana.
        refs.push(change(received(15, 4, 1, 5), Status::Won, 1, Some(300.0)));
        // And a pure two-cycle off to the side: Fay ⇄ Zed.
        refs.push(received(16, 6, 9, 20));
        refs.push(received(17, 9, 6, 10));
        let trees = chains_for(2, &refs, &names());
        // Ana now has a referrer, so everything above Ben is a cycle: Ben is his own root.
        assert_eq!(trees.len(), 1);
        let t = &trees[0];
        assert_eq!(t.root.contact_id, 2);
        // Each referral is counted once: 800 + 200 + 300 + 5000 (Ana → Ben, reached via the cycle).
        assert_eq!(t.first_touch_value, 6300.0);
        let lines = render(t, None, "$");
        assert_eq!(
            texts(lines),
            vec![
                "Ben · first-touch $6,300 · last-touch $1,000",
                "├─ Cleo (won, $800)",
                "│  └─ Dev (met) · last-touch $300",
                "│     └─ Ana (won, $300) · last-touch $5,000",
                "│        └─ Ben (won, $5,000) ↺ (already above)",
                "└─ Eve (won, $200)",
            ]
        );
        let pair = chains_for(9, &refs, &names());
        assert_eq!(pair.len(), 1);
        assert_eq!(
            texts(render(&pair[0], Some(9), "$")),
            vec![
                "Zed · first-touch $0 · last-touch $0 ◀",
                "└─ Fay (new)",
                "   └─ Zed (new) ↺ (already above)"
            ]
        );
        let all = all_chains(&refs, &names());
        assert_eq!(all.len(), 2, "{all:#?}");
        assert_eq!(all[0].first_touch_value, 6300.0);
    }

    #[test]
    fn money_formats() {
        assert_eq!(format_money(5000.0, "$"), "$5,000");
        assert_eq!(format_money(1234567.5, "$"), "$1,234,567.50");
        assert_eq!(format_money(999.0, "EUR"), "EUR 999");
        assert_eq!(format_money(0.0, "€"), "€0");
    }
}
