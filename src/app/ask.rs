//! The Ask room: today's offered asks, then the people waiting (one list to move
//! through: `app.ask` counts the asks first, then the waiting), and what its keys do
//! (record the ask; open the contact). Mirrors `ui/ask.rs`.
//!
//! Pure: may import `domain` and the app's own modules.

use chrono::NaiveDate;

use super::effect::{Effect, Write};
use super::{Action, App, step, write};
use crate::domain::interaction::{InteractionKind, NewInteraction};

pub(super) fn action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    let card = app.data.ask_now.get(app.ask).cloned();
    match action {
        Action::RecordAsk => {
            let Some(card) = card else {
                // On a waiting person there is no ask to record: Enter opens them.
                if let Some(&w) = app
                    .ask
                    .checked_sub(app.data.ask_now.len())
                    .and_then(|j| app.data.waiting.get(j))
                {
                    let id = app.data.assessed.ranking[w].id;
                    app.open_contact(id);
                } else {
                    app.say("Nobody to ask right now.");
                }
                return Vec::new();
            };
            let s = &app.data.assessed.ranking[card.suggestion];
            let mut i = NewInteraction::new(s.id, today, InteractionKind::Ask);
            i.channel = Some(card.channel);
            let done = format!(
                "Recorded an ask of {} ({}). Next ask after {} days.",
                s.name,
                card.channel.as_str().replace('_', " "),
                app.config.scoring.ask.ask_cooldown_days
            );
            return write(Write::Interaction(i), done);
        }
        Action::OpenContact => {
            let row = match card {
                Some(card) => Some(card.suggestion),
                None => app
                    .ask
                    .checked_sub(app.data.ask_now.len())
                    .and_then(|j| app.data.waiting.get(j).copied()),
            };
            if let Some(row) = row {
                let id = app.data.assessed.ranking[row].id;
                app.open_contact(id);
            }
        }
        other => {
            let page = app.page();
            let len = app.data.ask_now.len() + app.data.waiting.len();
            step(&mut app.ask, len, &other, page);
        }
    }
    Vec::new()
}
