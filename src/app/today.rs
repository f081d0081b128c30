//! The Today room: the day's bounded review (or everything due), its selection and
//! review mode, and what its keys do (done with its choices, snooze, let go, the
//! snoozed list, open the contact). Mirrors `ui/today.rs`.
//!
//! Pure: may import `domain` and the app's own modules.

use chrono::NaiveDate;

use super::effect::{Effect, Write};
use super::{Action, App, Overlay, step, write};
use crate::domain::agenda::{AgendaItem, AgendaKind};
use crate::domain::interaction::{Channel, InteractionKind, Reward};
use crate::domain::review::{DoneChoices, done_interaction, done_summary};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TodayState {
    pub selected: usize,
    /// Review mode: the position in the queue.
    pub review: Option<usize>,
    /// Everything due, the waiting items too (not only the day's review).
    pub all: bool,
}

/// One way to do an item, offered by `d`: the first is the default on Enter.
#[derive(Debug, Clone, PartialEq)]
pub struct DoneOption {
    pub label: String,
    pub choices: DoneChoices,
}

impl App {
    /// The items the Today pane lists: the day's review, or with `w` everything due.
    pub fn today_items(&self) -> &[AgendaItem] {
        let all = &self.data.agenda;
        if self.today.all {
            all
        } else {
            &all[..self.data.agenda_today.min(all.len())]
        }
    }
}

/// The ways `d` offers to do `item`, the card's suggestion first. One way only (an
/// update, an extra, a gift): no choice to make.
pub fn done_options(app: &App, item: &AgendaItem) -> Vec<DoneOption> {
    let with = |label: &str, choices: DoneChoices| DoneOption {
        label: label.to_string(),
        choices,
    };
    let kind = |k: InteractionKind| DoneChoices {
        kind: Some(k),
        ..DoneChoices::default()
    };
    match item.kind {
        AgendaKind::Thank => {
            let card = app.data.card(item, &app.config);
            let mut rewards = vec![
                Reward::Note,
                Reward::Call,
                Reward::Gift,
                Reward::Meal,
                Reward::Fee,
                Reward::ReferralBack,
            ];
            if let Some(s) = card.suggested_reward {
                rewards.retain(|r| *r != s);
                rewards.insert(0, s);
            }
            rewards
                .into_iter()
                .map(|r| {
                    with(
                        &format!("thanks: {}", r.as_str().replace('_', " ")),
                        DoneChoices {
                            reward: Some(r),
                            ..DoneChoices::default()
                        },
                    )
                })
                .collect()
        }
        AgendaKind::Ask => {
            let card = app.data.card(item, &app.config);
            let mut channels = vec![
                Channel::InPerson,
                Channel::Call,
                Channel::Video,
                Channel::Message,
            ];
            if let Some(c) = card.channel {
                channels.retain(|x| *x != c);
                channels.insert(0, c);
            }
            channels
                .into_iter()
                .map(|c| {
                    with(
                        &match c {
                            Channel::InPerson => "ask in person".to_string(),
                            other => format!("ask by {}", other.as_str()),
                        },
                        DoneChoices {
                            channel: Some(c),
                            ..DoneChoices::default()
                        },
                    )
                })
                .collect()
        }
        AgendaKind::KeepInTouch => vec![
            with("a call", kind(InteractionKind::Call)),
            with("a meeting", kind(InteractionKind::Meeting)),
            with("a message", kind(InteractionKind::Message)),
        ],
        AgendaKind::FollowUp | AgendaKind::Occasion => vec![
            with("a message", kind(InteractionKind::Message)),
            with("a call", kind(InteractionKind::Call)),
            with("a meeting", kind(InteractionKind::Meeting)),
        ],
        AgendaKind::Inform | AgendaKind::OverDeliver | AgendaKind::GiveBack => {
            vec![with("record it", DoneChoices::default())]
        }
    }
}

/// The write that does the item with `key` (looked up now: acting by key, never by a
/// position that may have moved) with `choices`; a message when it is no longer due.
pub fn do_item(app: &mut App, key: &str, choices: &DoneChoices, today: NaiveDate) -> Vec<Effect> {
    let Some(it) = app.data.agenda.iter().find(|i| i.key == key).cloned() else {
        app.warn("That item is no longer due: nothing was recorded.");
        return Vec::new();
    };
    let made = done_interaction(&it, today, choices)
        .map_err(|e| e.0)
        .and_then(|i| i.validated(today).map_err(|e| e.to_string()));
    match made {
        Ok(i) => {
            let done = format!(
                "Done: logged {}.",
                done_summary(&it, &i, &app.config.display.currency)
            );
            write(
                Write::Done {
                    key: it.key.clone(),
                    interaction: i,
                },
                done,
            )
        }
        Err(e) => {
            app.warn(e);
            Vec::new()
        }
    }
}

pub(super) fn action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    let len = app.today_items().len();
    let pos = app.today.review.unwrap_or(app.today.selected);
    let item = app.today_items().get(pos).cloned();
    match action {
        Action::Review => {
            if len == 0 {
                app.say("All clear: nothing to review today.");
            } else {
                app.today.review = Some(app.today.selected);
            }
        }
        Action::ExitReview => app.today.review = None,
        Action::Skip => {
            if let Some(p) = app.today.review {
                if p + 1 >= len {
                    app.today.review = None;
                    app.say("Review finished.");
                } else {
                    app.today.review = Some(p + 1);
                    app.today.selected = p + 1;
                }
            }
        }
        Action::ShowAll => {
            app.today.all = !app.today.all;
            app.today.review = None;
            app.today.selected = 0;
            let waiting = app.data.agenda.len() - app.data.agenda_today;
            if app.today.all {
                app.say(format!(
                    "Everything due: {} today and {waiting} waiting.",
                    app.data.agenda_today
                ));
            } else {
                app.say("Today's review only.");
            }
        }
        Action::Snoozes => {
            if app.data.book.snoozes.values().any(|u| *u > today) {
                app.overlay = Some(Overlay::Snoozes { index: 0 });
            } else {
                app.say("Nothing is snoozed.");
            }
        }
        Action::OpenContact => {
            if let Some(it) = item {
                app.open_contact(it.contact_id);
            }
        }
        Action::Done => {
            if let Some(it) = item {
                let options = done_options(app, &it);
                if options.len() == 1 {
                    return do_item(app, &it.key, &options[0].choices, today);
                }
                app.overlay = Some(Overlay::Done {
                    key: it.key.clone(),
                    label: format!("{}: {}", it.kind.heading(), it.contact),
                    options,
                    index: 0,
                });
            }
        }
        Action::LetGo => {
            if let Some(it) = item {
                if !it.stale {
                    app.say("Only a stale item can be let go: do it (d) or snooze it (s).");
                } else {
                    let done = format!(
                        "Let go: {} for {}; back only if something new happens.",
                        it.kind.heading().to_lowercase(),
                        it.contact
                    );
                    return write(
                        Write::LetGo {
                            key: it.key.clone(),
                            due: it.due,
                        },
                        done,
                    );
                }
            }
        }
        Action::Snooze => {
            if let Some(it) = item {
                app.overlay = Some(Overlay::Snooze {
                    key: it.key.clone(),
                    label: format!("{}: {}", it.kind.heading(), it.contact),
                    index: 0,
                });
            }
        }
        other => {
            if app.today.review.is_none() {
                let page = app.page();
                step(&mut app.today.selected, len, &other, page);
            }
        }
    }
    Vec::new()
}
