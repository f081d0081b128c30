//! The Today room: the review queue's selection and review mode, and what its keys do
//! (done, snooze, review, open the contact). Mirrors `ui/today.rs`.
//!
//! Pure: may import `domain` and the app's own modules.

use chrono::NaiveDate;

use super::effect::{Effect, Write};
use super::{Action, App, Overlay, step, write};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TodayState {
    pub selected: usize,
    /// Review mode: the position in the queue.
    pub review: Option<usize>,
}

pub(super) fn action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    let len = app.data.agenda.len();
    let pos = app.today.review.unwrap_or(app.today.selected);
    let item = app.data.agenda.get(pos).cloned();
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
        Action::OpenContact => {
            if let Some(it) = item {
                app.open_contact(it.contact_id);
            }
        }
        Action::Done => {
            if let Some(it) = item {
                let i = it.done_interaction(today);
                let done = format!(
                    "Done: {} — logged a {} with {}.",
                    it.reason, i.kind, it.contact
                );
                return write(Write::Interaction(i), done);
            }
        }
        Action::Snooze => {
            if let Some(it) = item {
                app.overlay = Some(Overlay::Snooze {
                    key: it.key.clone(),
                    label: format!("{}: {}", it.contact, it.reason),
                    index: 0,
                });
            }
        }
        other => {
            if app.today.review.is_none() {
                step(&mut app.today.selected, len, &other);
            }
        }
    }
    Vec::new()
}
