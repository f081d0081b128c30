//! What the panes show, computed once from the [`Book`] and its one assessment after
//! every load or write (never per frame): contact rows with strength, the review queue,
//! the ranked ask list with filled-in scripts, the pipeline columns and the chain lines.
//!
//! Pure: may import `domain`, `config`.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use super::filter::Haystacks;
use crate::config::Config;
use crate::domain::agenda::{AgendaItem, is_snoozed};
use crate::domain::ask::{AskStatus, Suggestion};
use crate::domain::assessor::Keep;
use crate::domain::book::{Assessed, Book, Change};
use crate::domain::chain::{ChainTree, all_chains, render};
use crate::domain::interaction::Channel;
use crate::domain::referral::{Referral, Status};
use crate::domain::review::{Card, ask_words, fill_card, plan};
use crate::domain::stats::Stats;
use crate::domain::strength::Band;

/// The pipeline columns, left to right (dormant referrals sit with lost ones).
pub const COLUMNS: [Status; 6] = [
    Status::New,
    Status::Contacted,
    Status::Met,
    Status::Proposal,
    Status::Won,
    Status::Lost,
];

/// What the panes keep of each contact's assessment: its summary, its review items
/// and its ranking entry. The detail assesses its one contact when it opens.
const LISTS: Keep<'static> = Keep {
    assessments: false,
    ..Keep::ALL
};

/// One contact in the Contacts list (its company and tags are read from the book).
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub id: i64,
    pub name: String,
    pub strength: u8,
    pub band: Band,
    pub last_touch: Option<NaiveDate>,
}

/// An ask-now contact with everything the Ask pane shows for it.
#[derive(Debug, Clone)]
pub struct AskCard {
    /// Index into the ranking ([`Assessed::ranking`]).
    pub suggestion: usize,
    pub script: String,
    pub channel: Channel,
    pub channel_why: String,
}

/// One line of the chain view.
#[derive(Debug, Clone)]
pub struct ChainLine {
    pub text: String,
    /// The referral that brought this line's contact in (`None` for a root).
    pub referral_id: Option<i64>,
    pub contact_id: i64,
    pub root: bool,
}

#[derive(Clone)]
pub struct Data {
    pub book: Book,
    /// The book scored as of `today`: every view below reads it.
    pub assessed: Assessed,
    pub today: NaiveDate,
    /// Active contacts sorted by name.
    pub rows: Vec<ContactRow>,
    /// Each row's "name company tags", what the fuzzy filter matches against.
    pub haystacks: Haystacks,
    /// Archived contacts sorted by name, and their haystacks (the Contacts pane's
    /// archived view).
    pub archived: Vec<ContactRow>,
    pub archived_haystacks: Haystacks,
    /// The day's review first (`agenda_today` items, bounded by `[review]
    /// items_per_day`), then the items that wait (marked `waiting`).
    pub agenda: Vec<AgendaItem>,
    pub agenda_today: usize,
    /// The first item of tomorrow's queue, shown when today's is empty.
    pub tomorrow: Option<AgendaItem>,
    pub ask_now: Vec<AskCard>,
    /// Indices into `assessed.ranking` of those waiting (not ask-now, not unsuitable).
    pub waiting: Vec<usize>,
    /// Indices into `book.referrals`, per pipeline column, newest first.
    pub columns: [Vec<usize>; 6],
    pub chains: Vec<ChainLine>,
    /// The referral insights (`ties stats`) as of `today`.
    pub stats: Stats,
}

impl fmt::Debug for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Data {{ {} contacts, {} agenda items }}",
            self.rows.len(),
            self.agenda.len()
        )
    }
}

/// Two loads are never "equal": compare identity.
impl PartialEq for Data {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Data {
    /// Computes every pane's content from `book` as of `today`: one assessment.
    pub fn build(book: Book, config: &Config, today: NaiveDate) -> Data {
        let assessed = book.assess_keeping(
            &config.scoring,
            &config.cadence,
            config.ask.asks_per_day as usize,
            today,
            LISTS,
        );
        let mut data = Data {
            book,
            assessed,
            today,
            rows: Vec::new(),
            haystacks: Haystacks::default(),
            archived: Vec::new(),
            archived_haystacks: Haystacks::default(),
            agenda: Vec::new(),
            agenda_today: 0,
            tomorrow: None,
            ask_now: Vec::new(),
            waiting: Vec::new(),
            columns: Default::default(),
            chains: Vec::new(),
            stats: crate::domain::stats::stats(&[], &HashMap::<i64, String>::new(), None, today),
        };
        data.build_rows();
        data.build_referrals(config);
        data.build_review(config);
        data
    }

    /// Puts fresh rows from the store in place after a write and re-derives only what
    /// they can change: the touched contacts' assessments and rows, the ranking and the
    /// review queue; names, the filter's text, the pipeline and the chains only when a
    /// contact or a referral changed. Gives what [`Data::build`] of the changed book gives.
    pub fn update(&mut self, changes: Vec<Change>, config: &Config) {
        let mut touched = Vec::new();
        let (mut contacts_changed, mut referrals_changed) = (false, false);
        for change in changes {
            contacts_changed |= matches!(change, Change::Contact(_));
            referrals_changed |= matches!(change, Change::Referral(_));
            touched.extend(self.book.apply(change));
        }
        touched.sort_unstable();
        touched.dedup();
        self.assessed.refresh(
            &self.book,
            &touched,
            &config.scoring,
            &config.cadence,
            config.ask.asks_per_day as usize,
        );
        if contacts_changed {
            self.build_rows();
        } else {
            // Only strengths moved: the rows keep their order and their text.
            for &id in &touched {
                let s = self.assessed.summary(&self.book, id);
                if let Some(row) = self.rows.iter_mut().find(|r| r.id == id) {
                    row.strength = s.strength;
                    row.band = s.band;
                    row.last_touch = s.last_touch;
                }
            }
        }
        if contacts_changed || referrals_changed {
            self.build_referrals(config);
        }
        self.build_review(config);
    }

    /// Contacts sorted by name, with their strength, and the filter's text: the active
    /// ones and, apart, the archived ones.
    fn build_rows(&mut self) {
        let (rows, haystacks) = self.rows_where(false);
        self.rows = rows;
        self.haystacks = haystacks;
        let (rows, haystacks) = self.rows_where(true);
        self.archived = rows;
        self.archived_haystacks = haystacks;
    }

    fn rows_where(&self, archived: bool) -> (Vec<ContactRow>, Haystacks) {
        let (book, assessed) = (&self.book, &self.assessed);
        // Each row beside its contact (the summaries are in the book's order), so
        // neither is looked up again by id.
        let mut rows: Vec<(ContactRow, &crate::domain::contact::Contact)> = book
            .contacts
            .iter()
            .zip(&assessed.summaries)
            .filter(|(c, _)| c.archived_on.is_some() == archived)
            .map(|(c, s)| {
                let row = ContactRow {
                    id: c.id,
                    name: c.name.clone(),
                    strength: s.strength,
                    band: s.band,
                    last_touch: s.last_touch,
                };
                (row, c)
            })
            .collect();
        rows.sort_by_cached_key(|(r, _)| (r.name.to_lowercase(), r.id));
        let mut haystacks = Haystacks::default();
        let mut text = String::new();
        for (r, c) in &rows {
            text.clear();
            text.push_str(&r.name);
            for part in c.company.iter().chain(c.tags.iter()) {
                text.push(' ');
                text.push_str(part);
            }
            haystacks.push(&text);
        }
        let rows = rows.into_iter().map(|(r, _)| r).collect();
        (rows, haystacks)
    }

    /// The pipeline columns, the chain lines and the insights.
    fn build_referrals(&mut self, config: &Config) {
        self.stats =
            crate::domain::stats::stats(&self.book.referrals, &self.book, None, self.today);
        let book = &self.book;
        let mut columns: [Vec<usize>; 6] = Default::default();
        for (i, r) in book.referrals.iter().enumerate() {
            let col = COLUMNS
                .iter()
                .position(|s| *s == r.status)
                .unwrap_or(COLUMNS.len() - 1);
            columns[col].push(i);
        }
        for col in &mut columns {
            col.sort_by_key(|&i| {
                let r = &book.referrals[i];
                (std::cmp::Reverse(r.last_change()), std::cmp::Reverse(r.id))
            });
        }
        self.chains = chain_lines(&all_chains(&book.referrals, book), &config.display.currency);
        self.columns = columns;
    }

    /// The review queue (and tomorrow's first item when today's is empty), the ask cards
    /// and who is waiting, all from the one ranking.
    fn build_review(&mut self, config: &Config) {
        let (book, assessed, today) = (&self.book, &self.assessed, self.today);
        let lead = config.review.occasion_lead_days;
        let day = plan(
            book.agenda(assessed, false, lead),
            config.review.items_per_day as usize,
            book.done_on(today),
        );
        self.agenda_today = day.items.len();
        self.agenda = day.all();
        self.tomorrow = if self.agenda.is_empty() {
            today.succ_opt().and_then(|t| {
                let next = book.assess_keeping(
                    &config.scoring,
                    &config.cadence,
                    config.ask.asks_per_day as usize,
                    t,
                    LISTS,
                );
                book.agenda(&next, false, lead).into_iter().next()
            })
        } else {
            None
        };
        // Ask now: only today's offered asks (at most `asks_per_day`), less the snoozed
        // ones, exactly as Today lists them; ready people past that limit wait for
        // another day, listed first among the waiting.
        self.ask_now = assessed
            .ranking
            .iter()
            .enumerate()
            .filter(|(_, s)| s.status == AskStatus::AskNow && s.offered)
            .filter(|(_, s)| !is_snoozed(&format!("ask:c{}", s.id), &book.snoozes, today))
            .map(|(i, s)| ask_card(book, config, today, i, s))
            .collect();
        self.waiting = assessed
            .ranking
            .iter()
            .enumerate()
            .filter(|(_, s)| match s.status {
                AskStatus::AskNow => !s.offered,
                AskStatus::NotSuitable => false,
                _ => true,
            })
            .map(|(i, _)| i)
            .collect();
    }

    pub fn name(&self, id: i64) -> &str {
        self.book.contact(id).map_or("?", |c| c.name.as_str())
    }

    pub fn referral(&self, id: i64) -> Option<&Referral> {
        self.book.referrals.iter().find(|r| r.id == id)
    }

    /// "Dana Hart ← Sam Lee" (received) / "Dana Hart → Lee Park" (given).
    pub fn describe(&self, r: &Referral) -> String {
        match (r.referrer_id, r.recipient_id) {
            (Some(by), _) => format!("{} referred by {}", self.name(r.person_id), self.name(by)),
            (None, Some(to)) => format!("{} referred to {}", self.name(r.person_id), self.name(to)),
            (None, None) => self.name(r.person_id).to_string(),
        }
    }
}

fn ask_card(book: &Book, config: &Config, today: NaiveDate, i: usize, s: &Suggestion) -> AskCard {
    let words = config.ask.words(praise_days(config));
    let w = ask_words(book, s.id, &s.name, &words, today);
    AskCard {
        suggestion: i,
        script: w.script,
        channel: w.channel,
        channel_why: w.channel_why,
    }
}

/// Praise this recent makes the ask open with thanks for it.
fn praise_days(config: &Config) -> u32 {
    config.scoring.ask.praise_window_days.clamp(0, 3650) as u32
}

/// A snoozed item as the snoozed list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SnoozedRow {
    pub key: String,
    pub until: NaiveDate,
    /// What it is and with whom, from its key ("thank Sam Lee (referral #7)").
    pub what: String,
}

impl Data {
    /// The snoozes in effect on `today`, soonest back first.
    pub fn snoozed(&self, today: NaiveDate) -> Vec<SnoozedRow> {
        let mut rows: Vec<SnoozedRow> = self
            .book
            .snoozes
            .iter()
            .filter(|(_, until)| **until > today)
            .map(|(key, until)| SnoozedRow {
                key: key.clone(),
                until: *until,
                what: self.describe_key(key),
            })
            .collect();
        rows.sort_by(|a, b| a.until.cmp(&b.until).then_with(|| a.key.cmp(&b.key)));
        rows
    }

    /// A review key in words: its kind and the contact it is about.
    fn describe_key(&self, key: &str) -> String {
        let (kind, rest) = key.split_once(':').unwrap_or((key, ""));
        let id_after = |p: char| {
            rest.strip_prefix(p)
                .map(|r| r.split(':').next().unwrap_or(r))
                .and_then(|r| r.parse::<i64>().ok())
        };
        let kind = kind.replace('_', " ");
        if let Some(c) = id_after('c') {
            return format!("{kind} {}", self.name(c));
        }
        if let Some(r) = id_after('r').and_then(|id| self.referral(id)) {
            let who = match kind.as_str() {
                "follow up" => r.recipient_id.unwrap_or(r.person_id),
                _ => r.referrer_id.unwrap_or(r.person_id),
            };
            return format!("{kind} {} (referral #{})", self.name(who), r.id);
        }
        if let Some(c) = id_after('i').and_then(|i| self.book.interactions.owner_of(i)) {
            return format!("{kind} {}", self.name(c));
        }
        key.to_string()
    }

    /// What the review card of `item` shows: its referral, script, reward, draft, how
    /// to reach them. Computed for the one item on screen.
    pub fn card(&self, item: &AgendaItem, config: &Config) -> Card {
        let mut it = item.clone();
        let words = config.ask.words(praise_days(config));
        fill_card(
            &mut it,
            &self.book,
            self.book.contact(item.contact_id),
            &words,
            &config.display.currency,
            self.today,
        );
        it.card.map(|c| *c).unwrap_or_default()
    }
}

/// The chain trees as lines (the domain's renderer), each with the referral it shows.
fn chain_lines(trees: &[ChainTree], currency: &str) -> Vec<ChainLine> {
    let mut out = Vec::new();
    for tree in trees {
        for (i, line) in render(tree, None, currency).into_iter().enumerate() {
            out.push(ChainLine {
                text: line.text,
                referral_id: line.node.and_then(|n| n.referral_id),
                // A "… N more" line stands for the people below its referrer.
                contact_id: line.node.map_or(tree.root.contact_id, |n| n.contact_id),
                root: i == 0,
            });
        }
    }
    out
}
