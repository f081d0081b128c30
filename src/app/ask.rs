//! The Ask room: today's offered asks and what its keys do (record the ask). Mirrors
//! `ui/ask.rs`.
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
                app.say("Nobody to ask right now.");
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
            if let Some(card) = card {
                let id = app.data.assessed.ranking[card.suggestion].id;
                app.open_contact(id);
            }
        }
        other => {
            step(&mut app.ask, app.data.ask_now.len(), &other);
        }
    }
    Vec::new()
}
