//! Drawing a chain as indented text lines, iteratively (no recursion), with deep levels
//! and long lists of children counted instead of drawn.

use std::collections::HashMap;

use super::{ChainNode, ChainTree, format_money};

/// "Ben (won, $5,000)", "Cleo (met)", "Ana".
pub(super) fn label(n: &ChainNode, currency: &str) -> String {
    match (n.status, n.value) {
        (Some(s), Some(v)) => format!("{} ({s}, {})", n.name, format_money(v, currency)),
        (Some(s), None) => format!("{} ({s})", n.name),
        _ => n.name.clone(),
    }
}

/// Levels of a chain drawn below its root; deeper ones are counted, not drawn.
pub const MAX_DEPTH: usize = 12;
/// People drawn under one referrer; the rest are counted.
pub const MAX_CHILDREN: usize = 50;

/// One line of a drawn chain, and the node it shows (`None` for a "… N more" line).
#[derive(Debug, Clone, PartialEq)]
pub struct ChainText<'t> {
    pub text: String,
    pub node: Option<&'t ChainNode>,
}

/// How many nodes are below each node (by address), computed without recursion.
fn descendants(root: &ChainNode) -> HashMap<*const ChainNode, usize> {
    let mut order: Vec<&ChainNode> = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        order.push(n);
        stack.extend(n.children.iter());
    }
    let mut count: HashMap<*const ChainNode, usize> = HashMap::with_capacity(order.len());
    for n in order.into_iter().rev() {
        let below = n
            .children
            .iter()
            .map(|c| 1 + count.get(&(c as *const ChainNode)).copied().unwrap_or(0))
            .sum();
        count.insert(n as *const ChainNode, below);
    }
    count
}

/// The tree as text lines with `├─ └─ │` guides. The root line carries the first-touch
/// total; a referrer with won referrals below it its last-touch total; a repeated contact
/// is marked `↺` and not expanded; `focus` (the contact asked about) is marked `◀`
/// where it is expanded. At most [`MAX_DEPTH`] levels and [`MAX_CHILDREN`] people per
/// referrer are drawn, the rest counted on one line, so the text stays small (time and
/// memory linear in the chain) however deep or wide the chain is.
pub fn render<'t>(tree: &'t ChainTree, focus: Option<i64>, currency: &str) -> Vec<ChainText<'t>> {
    let mut lines = Vec::new();
    let mark = |n: &ChainNode| {
        let mut s = String::new();
        if n.repeat {
            s.push_str(" ↺ (already above)");
        } else if n.last_touch_value > 0.0 && n.referral_id.is_some() {
            s.push_str(&format!(
                " · last-touch {}",
                format_money(n.last_touch_value, currency)
            ));
        }
        if Some(n.contact_id) == focus && !n.repeat {
            s.push_str(" ◀");
        }
        s
    };
    let root = &tree.root;
    lines.push(ChainText {
        text: format!(
            "{} · first-touch {} · last-touch {}{}",
            label(root, currency),
            format_money(tree.first_touch_value, currency),
            format_money(root.last_touch_value, currency),
            if Some(root.contact_id) == focus {
                " ◀"
            } else {
                ""
            }
        ),
        node: Some(root),
    });
    let below = descendants(root);
    let more = |n: usize, what: &str| {
        format!(
            "… {n} more {}{what}",
            if n == 1 { "person" } else { "people" }
        )
    };
    enum Item<'t> {
        Node(&'t ChainNode),
        /// "… N more" in place of the rest of a referrer's people.
        More(usize),
    }
    // (item, prefix for its line, is last sibling, depth)
    let mut stack: Vec<(Item<'t>, String, bool, usize)> = Vec::new();
    let push_children = |stack: &mut Vec<(Item<'t>, String, bool, usize)>,
                         n: &'t ChainNode,
                         prefix: &str,
                         depth: usize| {
        let shown = n.children.len().min(MAX_CHILDREN);
        let hidden: usize = n.children[shown..]
            .iter()
            .map(|c| 1 + below.get(&(c as *const ChainNode)).copied().unwrap_or(0))
            .sum();
        if hidden > 0 {
            stack.push((Item::More(hidden), prefix.to_string(), true, depth));
        }
        for (i, c) in n.children[..shown].iter().enumerate().rev() {
            let last = hidden == 0 && i + 1 == shown;
            stack.push((Item::Node(c), prefix.to_string(), last, depth));
        }
    };
    push_children(&mut stack, root, "", 1);
    while let Some((item, prefix, last, depth)) = stack.pop() {
        let branch = if last { "└─ " } else { "├─ " };
        let n = match item {
            Item::More(k) => {
                lines.push(ChainText {
                    text: format!("{prefix}{branch}{}", more(k, "")),
                    node: None,
                });
                continue;
            }
            Item::Node(n) => n,
        };
        lines.push(ChainText {
            text: format!("{prefix}{branch}{}{}", label(n, currency), mark(n)),
            node: Some(n),
        });
        let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
        if depth >= MAX_DEPTH {
            let k = below.get(&(n as *const ChainNode)).copied().unwrap_or(0);
            if k > 0 {
                lines.push(ChainText {
                    text: format!(
                        "{child_prefix}└─ {}",
                        more(
                            k,
                            &format!(" further down (only {MAX_DEPTH} levels are drawn)")
                        )
                    ),
                    node: None,
                });
            }
            continue;
        }
        push_children(&mut stack, n, &child_prefix, depth + 1);
    }
    lines
}
