//! The day's review (`ties today`): the agenda bounded to `[review] items_per_day`
//! items chosen by priority, the rest waiting; the card each item shows to act with;
//! the one-line glance (`ties today --brief`); and what "done" records, with the
//! choices it takes. Pure: std, chrono, serde and the domain types only.
//!
//! Priority groups, first to last: what you owe referrers (thank, close the loop),
//! open referrals (follow up), the day's asks (already capped by the ranking), then
//! relationship care (over-deliver, give back, occasions, keep in touch). Within a
//! group: fresh before stale, heavier first (a referral's value, an ask's rank, a
//! contact's strength), older due first.

use chrono::NaiveDate;

use super::agenda::{AgendaItem, AgendaKind, display_order, within_group};
use super::history::with_article;
use super::interaction::{Channel, Direction, InteractionKind, NewInteraction, Reward};

mod card;

pub use card::{AskWords, Card, Words, ask_words, draft_update, fill_card, suggested_reward};

/// The day's items (at most the budget) and those that wait, each in display order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Day {
    pub items: Vec<AgendaItem>,
    pub waiting: Vec<AgendaItem>,
}

/// The priority group of a kind: 0 owed to referrers, 1 open referrals, 2 asks,
/// 3 relationship care.
pub fn group(kind: AgendaKind) -> u8 {
    match kind {
        AgendaKind::Thank | AgendaKind::Inform => 0,
        AgendaKind::FollowUp => 1,
        AgendaKind::Ask => 2,
        AgendaKind::OverDeliver
        | AgendaKind::GiveBack
        | AgendaKind::Occasion
        | AgendaKind::KeepInTouch => 3,
    }
}

/// Bounds the agenda to `per_day` items chosen by priority, less the `done` items
/// already done in today's review (so a finished review stays finished); the rest
/// wait (marked `waiting`). Obligations are never crowded out by care: a group is
/// only reached when every group before it fits. The day's asks (at most
/// `asks_per_day`, chosen by the ranking) and the birthdays on the day (then or
/// never) always hold their place, so Today and the Ask pane list the same asks.
///
/// Stale items take at most a quarter of the day (at least one slot), so a backlog is
/// let go a few at a time while fresh work still flows; they come first in that
/// share, by group. The share is a quarter of `per_day`, not of what is left, so
/// doing one item never pushes another out of the day.
pub fn plan(mut all: Vec<AgendaItem>, per_day: usize, done: usize) -> Day {
    all.sort_by(|x, y| {
        group(x.kind)
            .cmp(&group(y.kind))
            .then_with(|| within_group(x, y))
    });
    let mut picked = vec![false; all.len()];
    // The day's asks are the Ask pane's (already capped by `asks_per_day`): they are
    // always in the day, so the two panes agree; they use the day's slots first, and
    // so does a birthday.
    let mut left = per_day.saturating_sub(done);
    for (i, it) in all.iter().enumerate() {
        // A birthday on the day (weight 1: see the agenda) is then or never.
        let on_the_day = it.kind == AgendaKind::Occasion && it.weight >= 1.0;
        if (it.kind == AgendaKind::Ask || on_the_day) && left > 0 {
            picked[i] = true;
            left -= 1;
        }
    }
    let stale_share = (per_day / 4).max(1).min(left);
    let mut stale_left = stale_share;
    for (i, it) in all.iter().enumerate() {
        if it.stale && !picked[i] && stale_left > 0 {
            picked[i] = true;
            stale_left -= 1;
        }
    }
    left -= stale_share - stale_left;
    for (i, it) in all.iter().enumerate() {
        if !it.stale && !picked[i] && left > 0 {
            picked[i] = true;
            left -= 1;
        }
    }
    // Room no fresh item took goes to more stale ones.
    for (i, it) in all.iter().enumerate() {
        if it.stale && !picked[i] && left > 0 {
            picked[i] = true;
            left -= 1;
        }
    }
    let (mut items, mut waiting) = (Vec::new(), Vec::new());
    for (mut it, p) in all.into_iter().zip(picked) {
        if p {
            items.push(it);
        } else {
            it.waiting = true;
            waiting.push(it);
        }
    }
    items.sort_by(display_order);
    waiting.sort_by(display_order);
    Day { items, waiting }
}

impl Day {
    /// Every item: the day's first, then those waiting.
    pub fn all(self) -> Vec<AgendaItem> {
        let mut v = self.items;
        v.extend(self.waiting);
        v
    }

    /// One line for a shell prompt: "ties: 2 thanks · 1 update · 1 ask · 3 more"
    /// (the day's referral work and asks by kind, the rest of the day as "more"),
    /// or "ties: all clear".
    pub fn brief(&self) -> String {
        if self.items.is_empty() {
            return "ties: all clear".to_string();
        }
        let count = |k: AgendaKind| self.items.iter().filter(|i| i.kind == k).count();
        let mut parts: Vec<String> = Vec::new();
        let named = [
            (AgendaKind::Thank, "thank-you", "thanks"),
            (AgendaKind::Inform, "update", "updates"),
            (AgendaKind::FollowUp, "follow-up", "follow-ups"),
            (AgendaKind::Ask, "ask", "asks"),
        ];
        let mut shown = 0;
        for (k, one, many) in named {
            let n = count(k);
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
                shown += n;
            }
        }
        let more = self.items.len() - shown;
        if more > 0 {
            parts.push(if shown == 0 {
                format!("{more} to do")
            } else {
                format!("{more} more")
            });
        }
        format!("ties: {}", parts.join(" · "))
    }
}

/// What was given or how it was asked, in words: "gift, $40", "in person"; `None`
/// when the interaction says neither. (A reward and a channel name in snake case.)
pub fn how_words(
    reward_or_channel: Option<&str>,
    amount: Option<f64>,
    currency: &str,
) -> Option<String> {
    let how: Vec<String> = [
        reward_or_channel.map(|w| w.replace('_', " ")),
        amount.map(|a| super::chain::format_money(a, currency)),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!how.is_empty()).then(|| how.join(", "))
}

/// What a done recorded, in a few words: "thanks (gift, $40) with Sam Lee".
pub fn done_summary(item: &AgendaItem, i: &NewInteraction, currency: &str) -> String {
    let what = i
        .reward
        .map(|r| r.as_str())
        .or(i.channel.map(|c| c.as_str()));
    let how = how_words(what, i.amount, currency).map_or(String::new(), |h| format!(" ({h})"));
    format!(
        "{}{how} with {}",
        with_article(i.kind.as_str()),
        item.contact
    )
}

/// The choices `done` takes beyond the date (`--note`, `--with`, `--amount`,
/// `--channel`, `--kind`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoneChoices {
    pub note: Option<String>,
    pub reward: Option<Reward>,
    pub amount: Option<f64>,
    pub channel: Option<Channel>,
    pub kind: Option<InteractionKind>,
}

/// Why a choice does not fit the item's kind: one sentence naming what does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoesNotFit(pub String);

/// The kinds a keep-in-touch (or a follow-up) can be done with: live touches.
pub const TOUCH_KINDS: [InteractionKind; 3] = [
    InteractionKind::Call,
    InteractionKind::Meeting,
    InteractionKind::Message,
];

/// The interaction that completes `item` on `on`, with the user's choices: thank →
/// `thanks` with reward and amount; ask → `ask` with channel; inform → `update` with
/// note; follow up → an outgoing message (or the live kind given); keep in touch →
/// the kind given (a call by default). A choice that does not fit the kind is refused.
pub fn done_interaction(
    item: &AgendaItem,
    on: NaiveDate,
    choices: &DoneChoices,
) -> Result<NewInteraction, DoesNotFit> {
    let kind_word = with_article(item.kind.as_str());
    let refuse = |flag: &str, fits: &str| {
        Err(DoesNotFit(format!(
            "{flag} does not fit {kind_word} item; it fits {fits}"
        )))
    };
    if choices.reward.is_some() && item.kind != AgendaKind::Thank {
        return refuse("--with", "a thank");
    }
    if choices.amount.is_some() && item.kind != AgendaKind::Thank {
        return refuse("--amount", "a thank (with --with gift, meal or fee)");
    }
    if choices.channel.is_some() && item.kind != AgendaKind::Ask {
        return refuse("--channel", "an ask");
    }
    let touch = matches!(
        item.kind,
        AgendaKind::KeepInTouch | AgendaKind::FollowUp | AgendaKind::Occasion
    );
    if let Some(k) = choices.kind
        && (!touch || !TOUCH_KINDS.contains(&k))
    {
        return if touch {
            Err(DoesNotFit(format!(
                "--kind {k} does not fit {kind_word} item; give call, meeting or message"
            )))
        } else {
            refuse("--kind", "keep_in_touch, follow_up and occasion items")
        };
    }
    let mut i = item.done_interaction(on);
    if let Some(k) = choices.kind {
        i.kind = k;
        i.direction = match k {
            InteractionKind::Message => Some(Direction::Out),
            _ => None,
        };
    }
    i.note = choices.note.clone();
    i.reward = choices.reward;
    i.amount = choices.amount;
    i.channel = match item.kind {
        AgendaKind::Ask => Some(choices.channel.unwrap_or(Channel::InPerson)),
        _ => None,
    };
    if item.kind == AgendaKind::Occasion && i.label.is_none() {
        i.label = Some("birthday".to_string());
    }
    Ok(i)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::book::Book;

    fn item(key: &str, kind: AgendaKind, due: NaiveDate, weight: f64) -> AgendaItem {
        let mut i = AgendaItem::new(
            key.into(),
            kind,
            (1, "Sam"),
            None,
            due,
            ("why".into(), "Sam — why".into()),
        );
        i.weight = weight;
        i
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn keys(v: &[AgendaItem]) -> Vec<&str> {
        v.iter().map(|i| i.key.as_str()).collect()
    }

    #[test]
    fn obligations_come_first_and_care_waits() {
        let mut all = Vec::new();
        for n in 0..10 {
            all.push(item(
                &format!("kit{n}"),
                AgendaKind::KeepInTouch,
                d(1),
                90.0,
            ));
        }
        all.push(item("ask1", AgendaKind::Ask, d(20), 0.0));
        all.push(item("fu", AgendaKind::FollowUp, d(10), 0.0));
        all.push(item("inform", AgendaKind::Inform, d(12), 0.0));
        all.push(item("thank", AgendaKind::Thank, d(15), 0.0));
        let day = plan(all.clone(), 5, 0);
        // Thank and inform (owed), the follow-up, the ask, then one keep-in-touch.
        assert_eq!(keys(&day.items), ["thank", "inform", "fu", "ask1", "kit0"]);
        assert_eq!(day.waiting.len(), 9);
        // A day too small for every obligation still holds the day's ask.
        let day = plan(all, 2, 0);
        assert_eq!(keys(&day.items), ["inform", "ask1"]);
        assert!(day.waiting.iter().all(|i| i.waiting));
        assert!(day.items.iter().all(|i| !i.waiting));
    }

    #[test]
    fn a_budget_of_obligations_leaves_no_room_for_care() {
        let mut all = vec![item("kit", AgendaKind::KeepInTouch, d(1), 100.0)];
        for n in 0..4 {
            all.push(item(&format!("t{n}"), AgendaKind::Thank, d(n + 1), 0.0));
        }
        let day = plan(all, 3, 0);
        assert_eq!(keys(&day.items), ["t0", "t1", "t2"]);
        assert_eq!(keys(&day.waiting), ["t3", "kit"]);
    }

    #[test]
    fn within_a_group_heavier_then_older_and_stale_last() {
        let mut stale = item("stale", AgendaKind::Thank, d(1), 9000.0);
        stale.stale = true;
        let all = vec![
            stale,
            item("small-old", AgendaKind::Thank, d(1), 100.0),
            item("small-new", AgendaKind::Thank, d(9), 100.0),
            item("big", AgendaKind::Thank, d(20), 5000.0),
        ];
        let day = plan(all.clone(), 3, 0);
        // One slot of three may go to a stale item; fresh ones fill the rest.
        assert_eq!(keys(&day.items), ["big", "small-old", "stale"]);
        assert_eq!(keys(&day.waiting), ["small-new"]);
        let day = plan(all, 8, 0);
        assert_eq!(keys(&day.items), ["big", "small-old", "small-new", "stale"]);
    }

    #[test]
    fn stale_items_take_a_quarter_of_the_day_and_fresh_work_still_flows() {
        let mut all = Vec::new();
        for n in 0..20 {
            let mut t = item(&format!("old{n:02}"), AgendaKind::Thank, d(1), 0.0);
            t.stale = true;
            all.push(t);
        }
        for n in 0..20 {
            all.push(item(
                &format!("kit{n:02}"),
                AgendaKind::KeepInTouch,
                d(2),
                0.0,
            ));
        }
        let day = plan(all, 12, 0);
        let stale = day.items.iter().filter(|i| i.stale).count();
        assert_eq!((day.items.len(), stale), (12, 3));
        assert_eq!(day.waiting.len(), 28);
    }

    #[test]
    fn the_brief_line_counts_the_day() {
        let mut all = vec![
            item("t1", AgendaKind::Thank, d(1), 0.0),
            item("t2", AgendaKind::Thank, d(1), 0.0),
            item("i", AgendaKind::Inform, d(1), 0.0),
            item("a", AgendaKind::Ask, d(1), 0.0),
        ];
        for n in 0..5 {
            all.push(item(&format!("k{n}"), AgendaKind::KeepInTouch, d(1), 0.0));
        }
        assert_eq!(
            plan(all.clone(), 7, 0).brief(),
            "ties: 2 thanks · 1 update · 1 ask · 3 more"
        );
        assert_eq!(plan(vec![], 7, 0).brief(), "ties: all clear");
        assert_eq!(plan(all.split_off(4), 2, 0).brief(), "ties: 2 to do");
    }

    #[test]
    fn done_records_the_choices_that_fit_and_refuses_the_rest() {
        let on = d(30);
        let mut thank = item("thank:r7", AgendaKind::Thank, d(1), 0.0);
        thank.referral_id = Some(7);
        let c = DoneChoices {
            reward: Some(Reward::Gift),
            amount: Some(80.0),
            note: Some("wine".into()),
            ..DoneChoices::default()
        };
        let i = done_interaction(&thank, on, &c).unwrap();
        assert_eq!(
            (i.kind, i.reward, i.amount, i.referral_id, i.note.as_deref()),
            (
                InteractionKind::Thanks,
                Some(Reward::Gift),
                Some(80.0),
                Some(7),
                Some("wine")
            )
        );
        let ask = item("ask:c1", AgendaKind::Ask, d(1), 0.0);
        let i = done_interaction(&ask, on, &DoneChoices::default()).unwrap();
        assert_eq!(
            (i.kind, i.channel),
            (InteractionKind::Ask, Some(Channel::InPerson))
        );
        let video = DoneChoices {
            channel: Some(Channel::Video),
            ..DoneChoices::default()
        };
        assert_eq!(
            done_interaction(&ask, on, &video).unwrap().channel,
            Some(Channel::Video)
        );
        assert!(done_interaction(&thank, on, &video).is_err());
        let kit = item("keep_in_touch:c1", AgendaKind::KeepInTouch, d(1), 0.0);
        let meet = DoneChoices {
            kind: Some(InteractionKind::Meeting),
            ..DoneChoices::default()
        };
        assert_eq!(
            done_interaction(&kit, on, &meet).unwrap().kind,
            InteractionKind::Meeting
        );
        assert_eq!(
            done_interaction(&kit, on, &DoneChoices::default())
                .unwrap()
                .kind,
            InteractionKind::Call
        );
        let praise = DoneChoices {
            kind: Some(InteractionKind::Praise),
            ..DoneChoices::default()
        };
        let e = done_interaction(&kit, on, &praise).unwrap_err();
        assert!(e.0.contains("call, meeting or message"), "{}", e.0);
        assert!(done_interaction(&ask, on, &meet).is_err());
        assert!(done_interaction(&kit, on, &c).is_err());
    }

    #[test]
    fn doing_an_item_never_pushes_another_out_of_the_day() {
        let mut all = Vec::new();
        for n in 0..6 {
            let mut t = item(&format!("old{n}"), AgendaKind::Inform, d(1), 0.0);
            t.stale = true;
            all.push(t);
        }
        for n in 0..6 {
            all.push(item(&format!("fu{n}"), AgendaKind::FollowUp, d(n + 2), 0.0));
        }
        for n in 0..10 {
            all.push(item(&format!("kit{n}"), AgendaKind::KeepInTouch, d(3), 0.0));
        }
        all.push(item("bday", AgendaKind::Occasion, d(30), 1.0));
        let day = plan(all.clone(), 12, 0);
        assert!(
            keys(&day.items).contains(&"bday"),
            "a birthday holds its place"
        );
        for done in keys(&day.items) {
            let rest: Vec<AgendaItem> = all.iter().filter(|i| i.key != done).cloned().collect();
            let after = plan(rest, 12, 1);
            let mut want = keys(&day.items);
            want.retain(|k| *k != done);
            if !done.starts_with("old") {
                assert_eq!(keys(&after.items), want, "after doing {done}");
            }
        }
    }

    #[test]
    fn the_script_after_praise_thanks_them_for_their_words() {
        use crate::domain::interaction::InteractionKind as K;
        use crate::domain::testkit::{Hist, contact, today};
        let words = Words {
            ideal_referral: "needs a roof",
            script: "Hi {name}, about the {label}: anyone who {ideal_referral}?",
            script_after_praise: "Thanks for your kind words, {name}! Anyone who {ideal_referral}?",
            praise_days: 14,
        };
        let book = |h: Hist| Book {
            contacts: vec![contact(1, "Sam Lee")],
            interactions: [(1, h.items)].into_iter().collect(),
            ..Default::default()
        };
        let praised = book(Hist::new(1).labelled(K::Job, 20, "roof").labelled(
            K::Praise,
            3,
            "roof",
        ));
        let w = ask_words(&praised, 1, "Sam Lee", &words, today());
        assert_eq!(
            w.script,
            "Thanks for your kind words, Sam! Anyone who needs a roof?"
        );
        let long_ago = book(Hist::new(1).labelled(K::Job, 60, "roof").labelled(
            K::Praise,
            40,
            "roof",
        ));
        let w = ask_words(&long_ago, 1, "Sam Lee", &words, today());
        assert_eq!(w.script, "Hi Sam, about the roof: anyone who needs a roof?");
        assert_eq!(w.channel, Channel::Call);
    }
}
