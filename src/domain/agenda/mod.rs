//! The daily review queue (`ties today`): asks, thanks, loop-closing updates,
//! follow-ups, over-delivery, giving back and keeping in touch, computed in one pass
//! from history, snoozes and `today`. Pure: std, chrono, serde and the domain types only.
//!
//! Keys are stable strings that `ties snooze KEY DAYS` takes:
//!
//! | kind | key | on contact | due |
//! |---|---|---|---|
//! | ask | `ask:c{contact}` | the contact | today |
//! | thank (received) | `thank:r{referral}` | the referrer | the referral date |
//! | thank (won, reward due) | `reward:r{referral}` | the referrer | the win date |
//! | inform | `inform:r{referral}` | the referrer | the status change date, or 30 days after the last update |
//! | follow_up | `follow_up:r{referral}` | received: the referred person; given: the recipient | 2 days after a `new` referral, or 14 days after the last activity |
//! | over_deliver | `over_deliver:i{job interaction}` | the client | the job date |
//! | give_back | `give_back:c{contact}` | the referrer | the latest referral received |
//! | keep_in_touch | `keep_in_touch:c{contact}` | the contact | last live touch + cadence |
//!
//! A won referral that was never thanked shows only its `reward:` item (one thanks
//! clears both). A snooze hides an item while `until > today` (see [`snooze_until`]).
//! "Done" records [`AgendaItem::done_interaction`], which makes the item's condition false.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use super::ask::Suggestion;
use super::contact::Contact;
use super::date::days_between;
use super::histories::Histories;
use super::history::NameLookup;
use super::referral::Referral;

mod item;
mod own;
mod referral;

pub use item::{AgendaItem, AgendaKind};
pub use own::contact_items;
pub use referral::won_on;

/// Days after which a `new` received referral needs a first follow-up.
pub const FIRST_FOLLOW_UP_DAYS: i64 = 2;
/// Days without activity after which an open referral needs a follow-up.
pub const FOLLOW_UP_DAYS: i64 = 14;
/// Days without a linked update after which an open received referral needs one.
pub const INFORM_DAYS: i64 = 30;
/// A job this recent with nothing extra since asks for over-delivery.
pub const OVER_DELIVER_DAYS: i64 = 30;

/// An item this many days past due is stale: offered with a way out (let it go).
pub const STALE_DAYS: i64 = 90;
/// A keep-in-touch missed this many cadences running is stale.
pub const STALE_CADENCES: i64 = 3;

/// The day a snooze of `days` from `today` ends: the item is back on that day.
pub fn snooze_until(today: NaiveDate, days: u32) -> NaiveDate {
    today + Days::new(u64::from(days))
}

/// Hidden while the snooze ends after today.
pub fn is_snoozed(key: &str, snoozes: &HashMap<String, NaiveDate>, today: NaiveDate) -> bool {
    snoozes.get(key).is_some_and(|&until| until > today)
}

/// Everything the agenda is computed from: the book and its one assessment
/// (see [`super::book::Book::agenda`]).
#[derive(Debug, Clone, Copy)]
pub struct AgendaInput<'a> {
    /// All contacts (archived ones produce no items).
    pub contacts: &'a [Contact],
    /// Every contact ranked; the offered asks become today's ask items, in this order.
    pub ranking: &'a [Suggestion],
    /// All interactions, grouped by contact id.
    pub interactions: &'a Histories,
    /// All referrals.
    pub referrals: &'a [Referral],
    /// Item key → the day the snooze ends.
    pub snoozes: &'a HashMap<String, NaiveDate>,
    /// Item key → its due date when the user let it go.
    pub let_go: &'a HashMap<String, NaiveDate>,
    /// Days before a birthday its occasion item appears.
    pub occasion_lead_days: u32,
    pub today: NaiveDate,
}

/// Contacts ordered by id, looked up by binary search (no index to build per call).
struct ById<'a>(&'a [Contact]);

impl ById<'_> {
    fn get(&self, id: i64) -> Option<&Contact> {
        self.0
            .binary_search_by_key(&id, |c| c.id)
            .ok()
            .map(|i| &self.0[i])
    }
}

impl NameLookup for ById<'_> {
    fn name_of(&self, id: i64) -> Option<&str> {
        self.get(id).map(|c| c.name.as_str())
    }
}

/// When the referral items get their words (reason and summary): the key, due date and
/// weight decide the day, the words only what is shown.
#[derive(Clone, Copy)]
enum Words<'a> {
    /// Every item is worded as it is raised.
    Now,
    /// Referral items are raised without words ([`word`] fills those shown).
    Later,
    /// Only these referrals' items are raised, worded (what [`word`] runs).
    Only(&'a std::collections::HashSet<i64>),
}

struct Builder<'a> {
    today: NaiveDate,
    words: Words<'a>,
    contacts: ById<'a>,
    snoozes: &'a HashMap<String, NaiveDate>,
    let_go: &'a HashMap<String, NaiveDate>,
    items: Vec<AgendaItem>,
}

/// Hidden after the user let it go, until something new moves its due date past
/// the due date it had then (`let_go` holds that date by key).
pub fn is_let_go(item: &AgendaItem, let_go: &HashMap<String, NaiveDate>) -> bool {
    let_go.get(&item.key).is_some_and(|&due| item.due <= due)
}

/// Stale when long overdue; keep in touch has its own measure (missed cadences), and
/// an ask or an occasion is never stale.
pub(super) fn stale_by_age(kind: AgendaKind, late: i64) -> bool {
    !matches!(
        kind,
        AgendaKind::Ask | AgendaKind::Occasion | AgendaKind::KeepInTouch
    ) && late >= STALE_DAYS
}

impl Builder<'_> {
    /// Adds an item unless its contact is unknown or archived, or it is snoozed or let go.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        key: String,
        kind: AgendaKind,
        contact_id: i64,
        referral_id: Option<i64>,
        due: NaiveDate,
        words: impl FnOnce() -> (String, String),
        weight: f64,
    ) {
        let Some(c) = self.contacts.get(contact_id) else {
            return;
        };
        if c.archived_on.is_some() || is_snoozed(&key, self.snoozes, self.today) {
            return;
        }
        let later = matches!(self.words, Words::Later) && referral_id.is_some();
        let words = if later {
            (String::new(), String::new())
        } else {
            words()
        };
        let mut item = AgendaItem::new(key, kind, (c.id, &c.name), referral_id, due, words);
        item.weight = weight;
        item.stale = stale_by_age(kind, item.late(self.today));
        if !is_let_go(&item, self.let_go) {
            self.items.push(item);
        }
    }
}

/// The daily review queue, sorted by kind priority, due date, contact name, key.
/// The asks are the ranking's offered `ask_now` suggestions (at most `asks_per_day`);
/// a snoozed ask is hidden, not replaced, so `today` never shows an ask `suggest` did
/// not offer. `own` are the items each contact's own history raised ([`contact_items`]),
/// before snoozes.
pub fn agenda(
    input: &AgendaInput<'_>,
    own: impl IntoIterator<Item = AgendaItem>,
) -> Vec<AgendaItem> {
    agenda_with(input, own, Words::Now)
}

/// [`agenda`] with the referral items' words left empty (the same items in the same
/// order): a day shows a dozen of thousands, and [`word`] fills those it shows.
pub fn agenda_unworded(
    input: &AgendaInput<'_>,
    own: impl IntoIterator<Item = AgendaItem>,
) -> Vec<AgendaItem> {
    agenda_with(input, own, Words::Later)
}

/// Fills the reason and summary of the referral items [`agenda_unworded`] left without
/// them, as [`agenda`] would have worded them. `input` is the one they were raised
/// from (its ranking is not read).
pub fn word(input: &AgendaInput<'_>, items: &mut [AgendaItem]) {
    let unworded = |i: &AgendaItem| i.referral_id.is_some() && i.reason.is_empty();
    let ids: std::collections::HashSet<i64> = items
        .iter()
        .filter(|i| unworded(i))
        .filter_map(|i| i.referral_id)
        .collect();
    if ids.is_empty() {
        return;
    }
    // Raised again regardless of snoozes and let-gos: the items are already chosen.
    let none = HashMap::new();
    let mut b = Builder {
        today: input.today,
        words: Words::Only(&ids),
        contacts: ById(input.contacts),
        snoozes: &none,
        let_go: &none,
        items: Vec::new(),
    };
    referral::items(&mut b, input, &ById(input.contacts));
    let mut worded: HashMap<String, (String, String)> = b
        .items
        .into_iter()
        .map(|i| (i.key, (i.reason, i.summary)))
        .collect();
    for item in items.iter_mut().filter(|i| unworded(i)) {
        if let Some((reason, summary)) = worded.remove(&item.key) {
            item.reason = reason;
            item.summary = summary;
        }
    }
}

fn agenda_with(
    input: &AgendaInput<'_>,
    own: impl IntoIterator<Item = AgendaItem>,
    words: Words<'_>,
) -> Vec<AgendaItem> {
    let today = input.today;
    let names = ById(input.contacts);
    let mut b = Builder {
        today,
        words,
        contacts: ById(input.contacts),
        snoozes: input.snoozes,
        let_go: input.let_go,
        items: Vec::new(),
    };

    // Per contact: over-delivery, giving back, keeping in touch, as each contact's
    // assessment found them.
    for item in own {
        if !is_snoozed(&item.key, input.snoozes, today) && !is_let_go(&item, input.let_go) {
            b.items.push(item);
        }
    }

    // Occasions: a birthday on the day, and the lead days before it.
    for c in input.contacts {
        if let Some((on, years)) = c.birthday().and_then(|b| b.next_on_or_after(today)) {
            let until = days_between(today, on);
            if until > i64::from(input.occasion_lead_days) {
                continue;
            }
            let since = on - Days::new(u64::from(input.occasion_lead_days));
            let greeted = input
                .interactions
                .get(c.id)
                .iter()
                .any(|i| i.occurred_on >= since && i.occurred_on <= today);
            if greeted {
                continue;
            }
            let when = match until {
                0 => "today".to_string(),
                1 => "tomorrow".to_string(),
                n => format!("in {n} days ({})", on.format("%b %-d")),
            };
            let turns = years.map(|y| format!(", turning {y}")).unwrap_or_default();
            let reason = format!("{}'s birthday is {when}{turns}: send a note", c.name);
            let summary = format!("Send {} a note — birthday {when}{turns}", c.name);
            // On the day it weighs 1: the day keeps a place for it (see `review::plan`).
            b.push(
                format!("occasion:c{}:{on}", c.id),
                AgendaKind::Occasion,
                c.id,
                None,
                on,
                || (reason, summary),
                if until == 0 { 1.0 } else { 0.0 },
            );
        }
    }

    // Asks: the ranking's offered ask_now suggestions, weighted by rank.
    let offered = input.ranking.iter().filter(|s| s.offered);
    for (n, s) in offered.enumerate() {
        let why = s.reasons.first().map_or("Ready to ask", String::as_str);
        let reason = format!("{why}; readiness {}", s.readiness);
        let summary = format!("Ask {} for an introduction — {}", s.name, lower_first(why));
        b.push(
            format!("ask:c{}", s.id),
            AgendaKind::Ask,
            s.id,
            None,
            today,
            || (reason, summary),
            -(n as f64),
        );
    }

    referral::items(&mut b, input, &names);

    let mut items = b.items;
    // The order is total (keys are unique): an unstable sort gives the same one, faster.
    items.sort_unstable_by(display_order);
    items
}

/// The review's order: by kind, then fresh before stale, heavier first, older due
/// first, then contact name and key (a total order).
pub fn display_order(x: &AgendaItem, y: &AgendaItem) -> std::cmp::Ordering {
    x.kind
        .priority()
        .cmp(&y.kind.priority())
        .then_with(|| within_group(x, y))
}

/// Within a kind or a group of the day: fresh before stale, heavier first, older due
/// first, then contact name and key.
pub fn within_group(x: &AgendaItem, y: &AgendaItem) -> std::cmp::Ordering {
    x.stale
        .cmp(&y.stale)
        .then_with(|| y.weight.total_cmp(&x.weight))
        .then(x.due.cmp(&y.due))
        .then_with(|| x.contact.cmp(&y.contact))
        .then_with(|| x.key.cmp(&y.key))
}

/// How long ago, as a person says it: "today", "yesterday", "12 days ago", "3 weeks
/// ago", "5 months ago", "2 years ago".
pub fn time_ago(days: i64) -> String {
    match days {
        i64::MIN..=0 => "today".to_string(),
        1 => "yesterday".to_string(),
        _ => format!("{} ago", span(days)),
    }
}

/// A length of time in the unit a person would use: "12 days", "3 weeks", "5 months",
/// "2 years".
pub fn span(days: i64) -> String {
    let (n, unit) = match days {
        i64::MIN..=20 => (days.max(0), "day"),
        21..=59 => (days / 7, "week"),
        60..=729 => (days / 30, "month"),
        _ => (days / 365, "year"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// "Ready to ask" → "ready to ask": a reason placed after a dash.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if c.clone().next().is_some_and(char::is_lowercase) => {
            f.to_lowercase().chain(c).collect()
        }
        Some(f) => std::iter::once(f).chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::contact::Circle;
    use crate::domain::interaction::InteractionKind as K;
    use crate::domain::interaction::{Direction, Interaction};
    use crate::domain::params::{default_cadence, default_params};
    use crate::domain::referral::Status;
    use crate::domain::testkit::*;

    const SAM: i64 = 1;
    const LEE: i64 = 2;
    const DANA: i64 = 50;
    const PRIYA: i64 = 51;

    struct World {
        contacts: Vec<Contact>,
        ix: HashMap<i64, Vec<Interaction>>,
        refs: Vec<Referral>,
        snoozes: HashMap<String, NaiveDate>,
    }

    impl World {
        fn new() -> Self {
            let mut contacts = vec![
                contact(SAM, "Sam"),
                contact(LEE, "Lee"),
                contact(DANA, "Dana"),
                contact(PRIYA, "Priya"),
            ];
            // No cadence noise unless a test asks for it.
            for c in &mut contacts {
                c.circle = Circle::Other;
            }
            World {
                contacts,
                ix: HashMap::new(),
                refs: vec![],
                snoozes: HashMap::new(),
            }
        }
        fn with(mut self, h: Hist) -> Self {
            self.ix.entry(h.contact_id).or_default().extend(h.items);
            self
        }
        fn items(&self, today: NaiveDate) -> Vec<AgendaItem> {
            let (cadence, params) = (default_cadence(), default_params());
            // The book holds its contacts in id order.
            let mut contacts = self.contacts.clone();
            contacts.sort_by_key(|c| c.id);
            let book = crate::domain::book::Book {
                contacts,
                interactions: self.ix.clone().into(),
                referrals: self.refs.clone(),
                snoozes: self.snoozes.clone(),
                ..Default::default()
            };
            let assessed = book.assess(&params, &cadence, 3, today);
            let worded = book.agenda(&assessed, false, 3);
            // Every test's items also come out the same when worded later.
            let (mut later, _) = book.agenda_unworded_owned(assessed, false, 3);
            assert!(
                later
                    .iter()
                    .filter(|i| i.referral_id.is_some())
                    .all(|i| i.reason.is_empty() && i.summary.is_empty())
            );
            book.word(&mut later, today);
            assert_eq!(later, worded, "worded later as at once");
            worded
        }
        fn find(&self, key: &str, today: NaiveDate) -> Option<AgendaItem> {
            self.items(today).into_iter().find(|i| i.key == key)
        }
        fn record(&mut self, item: &AgendaItem, on: NaiveDate) {
            let n = item.done_interaction(on).validated(on).unwrap();
            let mut i = interaction(n.contact_id, n.kind, 0);
            i.occurred_on = n.occurred_on;
            i.direction = n.direction;
            i.referral_id = n.referral_id;
            self.ix.entry(n.contact_id).or_default().push(i);
        }
    }

    /// Present at `today` with the expected kind and contact, hidden while snoozed,
    /// back when the snooze ends, gone once its "done" interaction is recorded.
    #[track_caller]
    fn lifecycle(
        mut w: World,
        key: &str,
        kind: AgendaKind,
        contact_id: i64,
        due: NaiveDate,
    ) -> AgendaItem {
        let t = today();
        let item = w
            .find(key, t)
            .unwrap_or_else(|| panic!("{key} missing: {:#?}", w.items(t)));
        assert_eq!(
            (item.kind, item.contact_id, item.due),
            (kind, contact_id, due),
            "{item:?}"
        );
        w.snoozes.insert(key.to_string(), snooze_until(t, 3));
        assert!(w.find(key, t).is_none(), "{key} shows while snoozed");
        assert!(w.find(key, ago(-2)).is_none(), "{key} shows while snoozed");
        assert!(
            w.find(key, ago(-3)).is_some(),
            "{key} not back after the snooze"
        );
        w.snoozes.clear();
        w.record(&item, t);
        assert!(
            w.find(key, t).is_none(),
            "{key} still there after done: {:#?}",
            w.items(t)
        );
        item
    }

    #[test]
    fn ask_lifecycle() {
        let w = World::new().with(kitchen(SAM));
        let item = lifecycle(w, "ask:c1", AgendaKind::Ask, SAM, today());
        assert_eq!(
            item.reason,
            "Thanked you for the kitchen remodel 2 days ago; readiness 66"
        );
    }

    #[test]
    fn asks_are_capped_per_day() {
        let mut w = World::new();
        for id in 10..16 {
            w.contacts.push(contact(id, &format!("Client {id}")));
            w.contacts.last_mut().unwrap().circle = Circle::Other;
            w = w.with(kitchen(id));
        }
        let asks = w
            .items(today())
            .into_iter()
            .filter(|i| i.kind == AgendaKind::Ask)
            .count();
        assert_eq!(asks, 3);
    }

    #[test]
    fn thank_on_receipt_lifecycle() {
        let mut w = World::new();
        w.refs.push(received(7, SAM, DANA, 3));
        assert!(
            w.find("thank:r7", ago(4)).is_none(),
            "not before the referral"
        );
        let item = lifecycle(w, "thank:r7", AgendaKind::Thank, SAM, ago(3));
        assert_eq!(
            item.reason,
            "Sam referred Dana to you 3 days ago; thank Sam"
        );
        assert_eq!(item.referral_id, Some(7));
    }

    #[test]
    fn reward_when_won_lifecycle() {
        let mut w = World::new().with(Hist::new(SAM).linked(K::Thanks, 19, 7).linked(
            K::Update,
            10,
            7,
        ));
        w.refs.push(change(
            change(received(7, SAM, DANA, 20), Status::Met, 10, None),
            Status::Won,
            1,
            Some(5000.0),
        ));
        assert!(w.find("reward:r7", ago(2)).is_none(), "not before the win");
        let item = lifecycle(w, "reward:r7", AgendaKind::Thank, SAM, ago(1));
        assert_eq!(
            item.reason,
            format!(
                "Dana signed (won {}); thank Sam again with a reward",
                ago(1)
            )
        );
    }

    #[test]
    fn inform_on_status_change_lifecycle() {
        let mut w = World::new().with(Hist::new(SAM).linked(K::Thanks, 19, 7));
        w.refs.push(change(
            received(7, SAM, DANA, 20),
            Status::Won,
            1,
            Some(5000.0),
        ));
        let item = lifecycle(w, "inform:r7", AgendaKind::Inform, SAM, ago(1));
        assert_eq!(
            item.reason,
            format!("Dana signed (won {}); tell Sam", ago(1))
        );
    }

    #[test]
    fn inform_after_a_month_of_silence_lifecycle() {
        let mut w = World::new()
            .with(
                Hist::new(SAM)
                    .linked(K::Thanks, 39, 7)
                    .linked(K::Update, 34, 7),
            )
            .with(Hist::new(DANA).add(K::Meeting, &[5]));
        w.refs.push(change(
            received(7, SAM, DANA, 40),
            Status::Contacted,
            35,
            None,
        ));
        assert!(
            w.find("inform:r7", ago(5)).is_none(),
            "not within 30 days of the last update"
        );
        let item = lifecycle(w, "inform:r7", AgendaKind::Inform, SAM, ago(4));
        assert_eq!(
            item.reason,
            "Last told Sam about Dana 34 days ago; send an update"
        );
    }

    #[test]
    fn follow_up_new_referral_lifecycle() {
        let mut w = World::new().with(Hist::new(SAM).linked(K::Thanks, 3, 7));
        w.refs.push(received(7, SAM, DANA, 3));
        assert!(
            w.find("follow_up:r7", ago(2)).is_none(),
            "not on the day after"
        );
        let item = lifecycle(w, "follow_up:r7", AgendaKind::FollowUp, DANA, ago(1));
        assert_eq!(
            item.reason,
            "Sam referred Dana 3 days ago and you have not reached out; contact Dana"
        );
    }

    #[test]
    fn follow_up_quiet_referral_lifecycle() {
        let mut w = World::new()
            .with(
                Hist::new(SAM)
                    .linked(K::Thanks, 30, 7)
                    .linked(K::Update, 20, 7),
            )
            .with(Hist::new(DANA).add(K::Meeting, &[20]));
        w.refs
            .push(change(received(7, SAM, DANA, 30), Status::Met, 20, None));
        assert!(
            w.find("follow_up:r7", ago(7)).is_none(),
            "not within 14 days"
        );
        let item = lifecycle(w, "follow_up:r7", AgendaKind::FollowUp, DANA, ago(6));
        assert_eq!(
            item.reason,
            "Nothing with Dana for 20 days (met, referred by Sam); follow up"
        );
    }

    #[test]
    fn follow_up_given_referral_lifecycle() {
        let mut w = World::new();
        w.refs.push(given(8, LEE, PRIYA, 20));
        assert!(
            w.find("follow_up:r8", ago(7)).is_none(),
            "not within 14 days"
        );
        let item = lifecycle(w, "follow_up:r8", AgendaKind::FollowUp, LEE, ago(6));
        assert_eq!(
            item.reason,
            "You referred Priya to Lee 20 days ago; no news for 20 days: did they connect?"
        );
    }

    #[test]
    fn over_deliver_lifecycle() {
        let w = World::new().with(new_client(SAM));
        let job_id = w.ix[&SAM].iter().find(|i| i.kind == K::Job).unwrap().id;
        assert!(
            w.find(&format!("over_deliver:i{job_id}"), ago(-28))
                .is_none(),
            "only within 30 days of the job"
        );
        let item = lifecycle(
            w,
            &format!("over_deliver:i{job_id}"),
            AgendaKind::OverDeliver,
            SAM,
            ago(3),
        );
        assert_eq!(
            item.reason,
            "Delivered a job 3 days ago; nothing extra since: over-deliver"
        );
    }

    #[test]
    fn give_back_lifecycle() {
        let mut w = World::new().with(Hist::new(SAM).linked(K::Thanks, 50, 7).linked(
            K::Thanks,
            10,
            9,
        ));
        w.refs.push(received(7, SAM, DANA, 50));
        assert!(
            w.find("give_back:c1", today()).is_none(),
            "a deficit of 1 is fine"
        );
        w.refs.push(received(9, SAM, PRIYA, 10));
        let item = lifecycle(w, "give_back:c1", AgendaKind::GiveBack, SAM, ago(10));
        assert_eq!(
            item.reason,
            "Sam has sent you 2 referrals; you sent back 0: give back"
        );
    }

    #[test]
    fn keep_in_touch_lifecycle() {
        let mut w = World::new().with(
            Hist::new(LEE)
                .add(K::Call, &[61])
                .msg(Direction::Out, &[10]),
        );
        w.contacts[1].circle = Circle::Client; // 60 days
        assert!(
            w.find("keep_in_touch:c2", ago(2)).is_none(),
            "not on the cadence day itself"
        );
        let item = lifecycle(w, "keep_in_touch:c2", AgendaKind::KeepInTouch, LEE, ago(1));
        assert_eq!(
            item.reason,
            "Last real conversation 61 days ago; you keep in touch every 60 days"
        );
    }

    #[test]
    fn own_cadence_wins_and_archived_contacts_are_quiet() {
        let mut w = World::new().with(Hist::new(LEE).add(K::Call, &[8]));
        w.contacts[1].cadence_days = Some(7);
        assert!(w.find("keep_in_touch:c2", today()).is_some());
        w.contacts[1].archived_on = Some(ago(1));
        w.refs.push(given(8, LEE, PRIYA, 20));
        assert!(w.items(today()).iter().all(|i| i.contact_id != LEE));
    }

    #[test]
    fn queue_order_and_json_shape() {
        let mut w = World::new()
            .with(kitchen(SAM))
            .with(Hist::new(LEE).linked(K::Thanks, 3, 9));
        w.refs.push(received(7, SAM, DANA, 3));
        w.refs.push(received(9, LEE, PRIYA, 3));
        let items = w.items(today());
        let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
        // Sam must be thanked first, so no ask; thanks before follow-ups; Dana before Priya.
        let job = w.ix[&SAM].iter().find(|i| i.kind == K::Job).unwrap().id;
        assert_eq!(
            keys,
            vec![
                "thank:r7".to_string(),
                "follow_up:r7".into(),
                "follow_up:r9".into(),
                format!("over_deliver:i{job}")
            ]
        );
        let json = serde_json::to_value(&items[0]).unwrap();
        let mut k: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        k.sort();
        assert_eq!(
            k,
            [
                "card",
                "contact",
                "contact_id",
                "due",
                "key",
                "kind",
                "reason",
                "referral_id",
                "stale",
                "waiting",
            ]
        );
        assert_eq!(json["kind"], "thank");
        assert_eq!(json["due"], ago(3).to_string());
    }

    #[test]
    fn an_ask_done_never_promotes_another_the_same_day() {
        let mut w = World::new();
        for id in 10..16 {
            w.contacts.push(contact(id, &format!("Client {id}")));
            w.contacts.last_mut().unwrap().circle = Circle::Other;
            w = w.with(kitchen(id));
        }
        let asks = |w: &World| -> Vec<String> {
            w.items(today())
                .into_iter()
                .filter(|i| i.kind == AgendaKind::Ask)
                .map(|i| i.key)
                .collect()
        };
        let first = asks(&w);
        assert_eq!(first.len(), 3);
        let item = w.find(&first[0], today()).unwrap();
        w.record(&item, today());
        // The other two stay, in the same order; nobody new is offered today.
        assert_eq!(asks(&w), first[1..].to_vec());
        // Tomorrow the day has three again.
        assert_eq!(asks_on(&w, ago(-1)), 3);
    }

    fn asks_on(w: &World, day: NaiveDate) -> usize {
        w.items(day)
            .iter()
            .filter(|i| i.kind == AgendaKind::Ask)
            .count()
    }

    #[test]
    fn a_let_go_item_stays_gone_until_something_new_happens() {
        let mut w = World::new().with(Hist::new(SAM).linked(K::Thanks, 199, 7));
        w.refs
            .push(change(received(7, SAM, DANA, 200), Status::Lost, 180, None));
        let item = w.find("inform:r7", today()).unwrap();
        assert!(item.stale, "{item:?}");
        let mut let_go = HashMap::new();
        let_go.insert("inform:r7".to_string(), item.due);
        let (cadence, params) = (default_cadence(), default_params());
        let book = |w: &World, let_go: &HashMap<String, NaiveDate>| {
            let mut contacts = w.contacts.clone();
            contacts.sort_by_key(|c| c.id);
            crate::domain::book::Book {
                contacts,
                interactions: w.ix.clone().into(),
                referrals: w.refs.clone(),
                let_go: let_go.clone(),
                ..Default::default()
            }
        };
        let b = book(&w, &let_go);
        let a = b.assess(&params, &cadence, 3, today());
        assert!(b.agenda(&a, true, 3).iter().all(|i| i.key != "inform:r7"));
        // Reopened and moved on: a new change to tell Sam about.
        w.refs[0] = change(w.refs[0].clone(), Status::Met, 0, None);
        let b = book(&w, &let_go);
        let a = b.assess(&params, &cadence, 3, today());
        let back = b.agenda(&a, true, 3);
        let item = back.iter().find(|i| i.key == "inform:r7").unwrap();
        assert!(!item.stale);
    }

    #[test]
    fn a_keep_in_touch_missed_three_cadences_is_stale() {
        let w = World::new().with(Hist::new(LEE).add(K::Call, &[100]));
        let mut w = w;
        w.contacts[1].cadence_days = Some(30);
        assert!(w.find("keep_in_touch:c2", today()).unwrap().stale);
        w.contacts[1].cadence_days = Some(40);
        assert!(!w.find("keep_in_touch:c2", today()).unwrap().stale);
    }

    #[test]
    fn a_birthday_is_an_occasion_on_the_day_and_the_lead_days_before() {
        use crate::domain::contact::{Field, FieldKind};
        let mut w = World::new();
        let on = ago(-2);
        w.contacts[2].fields.push(Field {
            kind: FieldKind::Birthday,
            label: None,
            value: format!("1980-{}", on.format("%m-%d")),
        });
        let key = format!("occasion:c{DANA}:{on}");
        assert!(w.find(&key, ago(2)).is_none(), "not 4 days before");
        let item = w.find(&key, today()).unwrap();
        assert_eq!(item.kind, AgendaKind::Occasion);
        assert_eq!(item.due, on);
        assert!(item.reason.contains("in 2 days"), "{}", item.reason);
        assert!(w.find(&key, on).unwrap().reason.contains("today"));
        assert!(w.find(&key, ago(-3)).is_none(), "gone the day after");
        let mut done = w;
        done.record(&item, today());
        assert!(done.find(&key, today()).is_none(), "a note sent clears it");
    }
}
