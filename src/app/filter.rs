//! Fuzzy matching (nucleo) of a typed fragment against contact names, companies and
//! tags: best matches first, the name order kept among equals.
//!
//! Typing must redraw within a frame at 100,000 contacts, so the haystacks are
//! converted for the matcher once per load into one block ([`Haystacks`]), the matcher and its scratch
//! space live between keystrokes ([`Fuzzy`]), and a query that extends the previous
//! one only tries the rows the previous one matched ([`narrows`]).
//!
//! Pure: may import `nucleo_matcher` and the app's data.

use std::fmt;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::data::ContactRow;

/// Every contact's "name company tags" as the matcher reads it, in row order, in one
/// block: converted once per load (the conversion costs more than the match), and
/// contiguous so a pass over 100,000 rows reads memory in order.
#[derive(Debug, Clone, Default)]
pub struct Haystacks {
    ascii: Vec<u8>,
    unicode: Vec<char>,
    spans: Vec<Span>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    unicode: bool,
}

impl Haystacks {
    /// Appends the next row's text: exactly what `Utf32Str::new` would make of it.
    pub fn push(&mut self, text: &str) {
        if !text.is_ascii() {
            let start = self.unicode.len();
            self.unicode.extend(nucleo_matcher::chars::graphemes(text));
            if !self.unicode[start..].iter().all(char::is_ascii) {
                let end = self.unicode.len();
                self.spans.push(Span {
                    start,
                    end,
                    unicode: true,
                });
                return;
            }
            // `Utf32Str::new` keeps such text as its UTF-8 bytes.
            self.unicode.truncate(start);
        }
        let start = self.ascii.len();
        self.ascii.extend_from_slice(text.as_bytes());
        let end = self.ascii.len();
        self.spans.push(Span {
            start,
            end,
            unicode: false,
        });
    }

    /// Row `i`'s haystack.
    pub fn get(&self, i: usize) -> Utf32Str<'_> {
        let s = self.spans[i];
        if s.unicode {
            Utf32Str::Unicode(&self.unicode[s.start..s.end])
        } else {
            Utf32Str::Ascii(&self.ascii[s.start..s.end])
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// True when every row matching `new` also matches `old`, so `new` need only try the
/// rows `old` matched: `new` is `old` plus plain ASCII characters (which leave each
/// atom's case and normalization as they were), and neither uses nucleo's operators
/// (`!` negation, `^` `$` anchors, `'` substring, `\` escapes), under which a longer
/// query may match more.
pub fn narrows(old: &str, new: &str) -> bool {
    let operator = |c: char| matches!(c, '!' | '^' | '$' | '\'' | '\\');
    !old.trim().is_empty()
        && new
            .strip_prefix(old)
            .is_some_and(|added| added.is_ascii() && !added.chars().any(operator))
        && !old.chars().any(operator)
}

/// The matcher and its scratch space, kept between keystrokes. Scratch only: two are
/// always equal, and a clone starts empty.
#[derive(Default)]
pub struct Fuzzy {
    matcher: Matcher,
    /// (score inverted, row) packed so one integer sort ranks best first, then by name.
    hits: Vec<u64>,
    /// Every row the last query matched, before scattered matches were dropped: what a
    /// longer query may narrow from ([`narrows`]).
    matched: Vec<usize>,
}

impl Clone for Fuzzy {
    fn clone(&self) -> Self {
        Fuzzy::default()
    }
}

impl PartialEq for Fuzzy {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Fuzzy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fuzzy")
    }
}

impl Fuzzy {
    /// Fills `out` with the indices of `rows` matching `query`, best first; every row
    /// when the query is blank. With `within`, only those rows are tried: the caller
    /// vouches that they hold every match (see [`narrows`]).
    pub fn filter(
        &mut self,
        rows: &Haystacks,
        query: &str,
        within: Option<&[usize]>,
        out: &mut Vec<usize>,
    ) {
        out.clear();
        self.matched.clear();
        if query.trim().is_empty() {
            out.extend(0..rows.len());
            return;
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let matcher = &mut self.matcher;
        let hits = &mut self.hits;
        hits.clear();
        let mut try_row = |i: usize| {
            if let Some(score) = pattern.score(rows.get(i), matcher) {
                hits.push((u64::from(!score) << 32) | i as u64);
            }
        };
        match within {
            Some(candidates) => candidates.iter().for_each(|&i| try_row(i)),
            None => (0..rows.len()).for_each(try_row),
        }
        hits.sort_unstable();
        self.matched
            .extend(hits.iter().map(|&h| (h & u64::from(u32::MAX)) as usize));
        // A word of three letters or more that some rows hold as it is typed: those rows
        // only ("realt" finds the realtors, not a dentist whose letters happen to be in
        // that order). Without such rows the fuzzy matches stand (abbreviations).
        let word = query.trim();
        let plain = word.chars().count() >= 3
            && !word.contains(char::is_whitespace)
            && !word
                .chars()
                .any(|c| matches!(c, '!' | '^' | '$' | '\'' | '\\'));
        if plain {
            let needle: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
            let before = out.len();
            out.extend(
                self.matched
                    .iter()
                    .copied()
                    .filter(|&i| contains(rows.get(i), &needle)),
            );
            if out.len() > before {
                return;
            }
        }
        out.extend_from_slice(&self.matched);
    }

    /// Every row the last query matched, scattered matches too (see [`Fuzzy::filter`]).
    pub fn matched(&self) -> &[usize] {
        &self.matched
    }
}

/// Whether a haystack holds `needle` (lowercase) as consecutive characters, case
/// ignored.
fn contains(hay: Utf32Str<'_>, needle: &[char]) -> bool {
    let n = needle.len();
    match hay {
        Utf32Str::Ascii(bytes) => bytes.windows(n).any(|w| {
            w.iter()
                .zip(needle)
                .all(|(b, c)| char::from(b.to_ascii_lowercase()) == *c)
        }),
        Utf32Str::Unicode(chars) => chars.windows(n).any(|w| {
            w.iter()
                .zip(needle)
                .all(|(h, c)| h.to_lowercase().eq(std::iter::once(*c)))
        }),
    }
}

/// Indices of the rows matching `query`, best first; every row when the query is blank.
pub fn filter(rows: &Haystacks, query: &str) -> Vec<usize> {
    let mut out = Vec::new();
    Fuzzy::default().filter(rows, query, None, &mut out);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_typed_as_it_is_keeps_only_the_rows_that_hold_it() {
        let mut h = Haystacks::default();
        for t in [
            "Dana Hart realtor",
            "Robert Allen dentist",
            "Realty Group",
            "Zoë Realtà",
        ] {
            h.push(t);
        }
        let mut found = filter(&h, "realt");
        found.sort_unstable();
        assert_eq!(found, [0, 2, 3], "not the dentist");
        // No row holds it as typed: the fuzzy matches stand (an abbreviation).
        assert_eq!(filter(&h, "rbrtallen"), [1]);
        // Two letters are too few to judge.
        assert!(filter(&h, "rt").contains(&1));
    }

    #[test]
    fn only_plain_extensions_narrow() {
        assert!(narrows("dan", "dana"));
        assert!(narrows("dana", "dana h"));
        assert!(narrows("José", "José m"));
        assert!(!narrows("", "d"), "a blank query matched every row anyway");
        assert!(!narrows("dana", "dan"), "deleting widens");
        assert!(!narrows("dana", "dano"));
        assert!(
            !narrows("dan", "dané"),
            "a non-ASCII character may change normalization"
        );
        assert!(!narrows("!dan", "!dana"), "a longer negation excludes less");
        assert!(!narrows("dan$", "dan$a"));
        assert!(!narrows("dan", "dan !x"));
        assert!(!narrows("dan\\", "dan\\ h"));
    }

    #[test]
    fn haystacks_are_what_the_matcher_would_make_of_the_text() {
        let texts = [
            "Dana Hart",
            "Zoë Ångström",
            "e\u{301}tienne",
            "",
            "東京 tag",
            "Lee",
        ];
        let mut h = Haystacks::default();
        for text in texts {
            h.push(text);
        }
        assert_eq!(h.len(), texts.len());
        for (i, text) in texts.iter().enumerate() {
            let mut buf = Vec::new();
            assert_eq!(h.get(i), Utf32Str::new(text, &mut buf), "{text:?}");
        }
    }
}
