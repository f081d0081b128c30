//! The command line (`:`): one line in the CLI's own grammar without the leading
//! `ties`, run by the runtime through the CLI's parser and handlers. This room keeps
//! what is typed, the history (↑/↓) and Tab completion of command and contact names.
//!
//! Pure: the command names come from the runtime (the CLI's definitions).

use super::TextField;
use crate::keymap::{Key, KeyCode};

/// The most commands the history keeps.
const HISTORY: usize = 200;

/// A command and the words that may follow it as a subcommand (`referral status`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandName {
    pub name: String,
    pub subcommands: Vec<String>,
}

/// The line being typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommandLine {
    pub field: TextField,
    /// The history entry shown, counted from the newest (0); `None` while typing.
    browsing: Option<usize>,
    /// The line as typed before browsing, given back past the newest entry.
    typed: String,
    /// Tab pressed again cycles through the same candidates.
    tab: Option<Tab>,
}

#[derive(Debug, Clone, PartialEq)]
struct Tab {
    /// Byte offset where the completed word starts.
    start: usize,
    candidates: Vec<String>,
    index: usize,
}

/// What a key did to the line.
#[derive(Debug, Clone, PartialEq)]
pub enum LineKey {
    Editing,
    /// Run this line.
    Run(String),
    Cancel,
    /// Tab found nothing to complete.
    NoMatch,
}

impl CommandLine {
    pub fn key(
        &mut self,
        key: Key,
        history: &[String],
        commands: &[CommandName],
        names: &[&str],
    ) -> LineKey {
        match key.code {
            KeyCode::Esc => return LineKey::Cancel,
            KeyCode::Enter => return LineKey::Run(self.field.value.trim().to_string()),
            KeyCode::Up => {
                let next = self.browsing.map_or(0, |i| i + 1);
                if let Some(entry) = history.iter().rev().nth(next) {
                    if self.browsing.is_none() {
                        self.typed = self.field.value.clone();
                    }
                    self.browsing = Some(next);
                    self.field = TextField::new(entry.clone());
                }
                self.tab = None;
                return LineKey::Editing;
            }
            KeyCode::Down => {
                match self.browsing {
                    Some(0) => {
                        self.browsing = None;
                        self.field = TextField::new(std::mem::take(&mut self.typed));
                    }
                    Some(i) => {
                        self.browsing = Some(i - 1);
                        if let Some(entry) = history.iter().rev().nth(i - 1) {
                            self.field = TextField::new(entry.clone());
                        }
                    }
                    None => {}
                }
                self.tab = None;
                return LineKey::Editing;
            }
            KeyCode::Tab | KeyCode::BackTab => {
                let back = key.code == KeyCode::BackTab;
                return if self.complete(back, commands, names) {
                    LineKey::Editing
                } else {
                    LineKey::NoMatch
                };
            }
            _ => {}
        }
        if self.field.edit(key) {
            self.tab = None;
            self.browsing = None;
        }
        LineKey::Editing
    }

    /// Completes the word before the cursor (the cursor is moved to the end first): the
    /// first word from the commands, a second word from its subcommands, any other word
    /// from contact names (quoted when they hold a space). Again cycles.
    fn complete(&mut self, back: bool, commands: &[CommandName], names: &[&str]) -> bool {
        if let Some(tab) = &mut self.tab {
            let n = tab.candidates.len();
            tab.index = if back {
                (tab.index + n - 1) % n
            } else {
                (tab.index + 1) % n
            };
            let value = format!(
                "{}{}",
                &self.field.value[..tab.start],
                tab.candidates[tab.index]
            );
            self.field = TextField::new(value);
            return true;
        }
        let value = self.field.value.clone();
        let mut start = word_start(&value);
        let mut word = value[start..].trim_start_matches(['"', '\'']);
        let before: Vec<&str> = value[..start].split_whitespace().collect();
        let candidates: Vec<String> = match before.as_slice() {
            [] => commands
                .iter()
                .map(|c| c.name.as_str())
                .filter(|c| c.starts_with(word))
                .map(|c| format!("{c} "))
                .collect(),
            [first]
                if commands
                    .iter()
                    .any(|c| c.name == *first && !c.subcommands.is_empty()) =>
            {
                commands
                    .iter()
                    .filter(|c| c.name == *first)
                    .flat_map(|c| c.subcommands.iter())
                    .filter(|s| s.starts_with(word))
                    .map(|s| format!("{s} "))
                    .collect()
            }
            _ if word.starts_with('-') => Vec::new(),
            [first, ..] => {
                // A name typed in several words ("Zed Te") is completed as a whole.
                let fixed = if commands
                    .iter()
                    .any(|c| c.name == *first && !c.subcommands.is_empty())
                {
                    2
                } else {
                    1
                };
                start = name_start(&value, start, fixed, names);
                word = value[start..].trim_start_matches(['"', '\'']);
                let w = word.to_lowercase();
                let mut hits: Vec<&str> = names
                    .iter()
                    .copied()
                    .filter(|n| {
                        let l = n.to_lowercase();
                        l.starts_with(&w) || l.split_whitespace().any(|p| p.starts_with(&w))
                    })
                    .collect();
                hits.sort_by_key(|n| (!n.to_lowercase().starts_with(&w), n.len()));
                hits.dedup();
                hits.into_iter()
                    .take(50)
                    .map(|n| {
                        if n.contains(char::is_whitespace) || n.contains(['"', '\'']) {
                            format!("\"{}\" ", n.replace('"', "\\\""))
                        } else {
                            format!("{n} ")
                        }
                    })
                    .collect()
            }
        };
        if candidates.is_empty() {
            return false;
        }
        let index = if back { candidates.len() - 1 } else { 0 };
        self.field = TextField::new(format!("{}{}", &value[..start], candidates[index]));
        self.tab = Some(Tab {
            start,
            candidates,
            index,
        });
        true
    }
}

/// Where a name being typed starts: the earliest of the words before `last` (after the
/// `fixed` command words) from which the rest of the line still begins some name.
fn name_start(value: &str, last: usize, fixed: usize, names: &[&str]) -> usize {
    let mut starts = Vec::new();
    let mut after_space = true;
    for (i, c) in value[..last].char_indices() {
        if c.is_whitespace() {
            after_space = true;
        } else if after_space {
            starts.push(i);
            after_space = false;
        }
    }
    let mut best = last;
    for &s in starts.iter().skip(fixed).rev() {
        let fragment = value[s..].to_lowercase();
        if fragment.starts_with(['-', '"', '\'']) {
            break;
        }
        if names
            .iter()
            .any(|n| n.to_lowercase().starts_with(&fragment))
        {
            best = s;
        } else {
            break;
        }
    }
    best
}

/// Where the last word starts: after the last space outside quotes.
fn word_start(line: &str) -> usize {
    let mut start = 0;
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => start = i + c.len_utf8(),
            _ => {}
        }
    }
    start
}

/// The history after running `line`: appended unless it repeats the newest, capped.
pub fn remember(history: &mut Vec<String>, line: &str) {
    if line.is_empty() || history.last().is_some_and(|l| l == line) {
        return;
    }
    history.push(line.to_string());
    if history.len() > HISTORY {
        history.remove(0);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn cmds() -> Vec<CommandName> {
        vec![
            CommandName {
                name: "log".into(),
                subcommands: vec![],
            },
            CommandName {
                name: "list".into(),
                subcommands: vec![],
            },
            CommandName {
                name: "referral".into(),
                subcommands: vec!["list".into(), "status".into()],
            },
        ]
    }

    fn typed(line: &mut CommandLine, s: &str) {
        for c in s.chars() {
            line.key(Key::char(c), &[], &cmds(), &[]);
        }
    }

    #[test]
    fn tab_completes_commands_subcommands_and_names_and_cycles() {
        let names = ["Sam Lee", "Samira Okafor", "Dana Hart"];
        let mut l = CommandLine::default();
        typed(&mut l, "l");
        l.key(Key::plain(KeyCode::Tab), &[], &cmds(), &names);
        assert_eq!(l.field.value, "log ");
        l.key(Key::plain(KeyCode::Tab), &[], &cmds(), &names);
        assert_eq!(l.field.value, "list ");
        let mut l = CommandLine::default();
        typed(&mut l, "referral st");
        l.key(Key::plain(KeyCode::Tab), &[], &cmds(), &names);
        assert_eq!(l.field.value, "referral status ");
        let mut l = CommandLine::default();
        typed(&mut l, "log sa");
        l.key(Key::plain(KeyCode::Tab), &[], &cmds(), &names);
        assert_eq!(l.field.value, "log \"Sam Lee\" ");
        l.key(Key::plain(KeyCode::Tab), &[], &cmds(), &names);
        assert_eq!(l.field.value, "log \"Samira Okafor\" ");
        let mut l = CommandLine::default();
        typed(&mut l, "log hart");
        l.key(Key::plain(KeyCode::Tab), &[], &cmds(), &names);
        assert_eq!(l.field.value, "log \"Dana Hart\" ");
        // A name typed in several words is completed as a whole, not its last word.
        let mut l = CommandLine::default();
        typed(&mut l, "log dana h");
        l.key(Key::plain(KeyCode::Tab), &[], &cmds(), &names);
        assert_eq!(l.field.value, "log \"Dana Hart\" ");
        let mut l = CommandLine::default();
        typed(&mut l, "referral status sam l");
        l.key(Key::plain(KeyCode::Tab), &[], &cmds(), &names);
        assert_eq!(l.field.value, "referral status \"Sam Lee\" ");
        let mut l = CommandLine::default();
        typed(&mut l, "log zz");
        assert_eq!(
            l.key(Key::plain(KeyCode::Tab), &[], &cmds(), &names),
            LineKey::NoMatch
        );
    }

    #[test]
    fn history_browses_and_gives_back_what_was_typed() {
        let mut history = Vec::new();
        remember(&mut history, "list");
        remember(&mut history, "log sam call");
        remember(&mut history, "log sam call");
        assert_eq!(history.len(), 2);
        let mut l = CommandLine::default();
        typed(&mut l, "sh");
        l.key(Key::plain(KeyCode::Up), &history, &cmds(), &[]);
        assert_eq!(l.field.value, "log sam call");
        l.key(Key::plain(KeyCode::Up), &history, &cmds(), &[]);
        assert_eq!(l.field.value, "list");
        l.key(Key::plain(KeyCode::Up), &history, &cmds(), &[]);
        assert_eq!(l.field.value, "list", "stays on the oldest");
        l.key(Key::plain(KeyCode::Down), &history, &cmds(), &[]);
        l.key(Key::plain(KeyCode::Down), &history, &cmds(), &[]);
        assert_eq!(l.field.value, "sh");
        assert_eq!(
            l.key(Key::plain(KeyCode::Enter), &history, &cmds(), &[]),
            LineKey::Run("sh".into())
        );
    }
}
