//! Fuzzy matching (nucleo) of a typed fragment against contact names, companies and
//! tags: best matches first, the name order kept among equals.
//!
//! Pure: may import `nucleo_matcher` and the app's data.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::data::ContactRow;

/// Indices of `rows` matching `query`, best first; every row when the query is blank.
pub fn filter(rows: &[ContactRow], query: &str) -> Vec<usize> {
    if query.trim().is_empty() {
        return (0..rows.len()).collect();
    }
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut hits: Vec<(u32, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            pattern
                .score(Utf32Str::new(&r.haystack, &mut buf), &mut matcher)
                .map(|s| (s, i))
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, i)| i).collect()
}

/// Up to `n` contacts whose name matches `query` best, as (id, name).
pub fn best_names(rows: &[ContactRow], query: &str, n: usize) -> Vec<(i64, String)> {
    if query.trim().is_empty() {
        return Vec::new();
    }
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut hits: Vec<(u32, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            pattern
                .score(Utf32Str::new(&r.name, &mut buf), &mut matcher)
                .map(|s| (s, i))
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter()
        .take(n)
        .map(|(_, i)| (rows[i].id, rows[i].name.clone()))
        .collect()
}
