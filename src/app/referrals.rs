//! The Referrals room: the pipeline columns and the chain lines, the selection in each,
//! and what its keys do (move a status, thank, inform). Mirrors `ui/referrals.rs`.
//!
//! Pure: may import `domain` and the app's own modules.

use chrono::NaiveDate;

use super::effect::{Effect, Write};
use super::form::Form;
use super::{Action, App, Overlay, clamp, step, write};
use crate::domain::interaction::{InteractionKind, NewInteraction};
use crate::domain::referral::{Referral, Status, StatusChange, validate_change};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferralsState {
    /// Chain view instead of the pipeline.
    pub chains: bool,
    pub column: usize,
    pub rows: [usize; 6],
    pub line: usize,
}

pub(super) fn clamp_referrals(app: &mut App) {
    let s = &mut app.referrals;
    for (i, col) in app.data.columns.iter().enumerate() {
        s.rows[i] = clamp(s.rows[i], col.len());
    }
    s.line = clamp(s.line, app.data.chains.len());
}

/// After new data the pipeline's selection follows the card with `id` to the column it
/// moved to (a `>` puts the cursor on the card in its new column).
pub(super) fn follow(app: &mut App, id: Option<i64>) {
    let Some(id) = id else { return };
    if app.referrals.chains {
        return;
    }
    let referrals = &app.data.book.referrals;
    for (c, col) in app.data.columns.iter().enumerate() {
        if let Some(row) = col
            .iter()
            .position(|&i| referrals.get(i).is_some_and(|r| r.id == id))
        {
            app.referrals.column = c;
            app.referrals.rows[c] = row;
            return;
        }
    }
}

/// The referral under the cursor in the Referrals pane.
pub fn selected_referral(app: &App) -> Option<&Referral> {
    let s = &app.referrals;
    let id = if s.chains {
        app.data.chains.get(s.line).and_then(|l| l.referral_id)?
    } else {
        let i = *app.data.columns.get(s.column)?.get(s.rows[s.column])?;
        app.data.book.referrals.get(i)?.id
    };
    app.data.referral(id)
}

pub(super) fn action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    let current = selected_referral(app).cloned();
    match action {
        Action::ImportMail => {
            if app.read_only {
                app.warn("This book is read-only: nothing can be imported into it.");
            } else {
                app.overlay = Some(super::Overlay::ImportPath(super::TextField::default()));
            }
        }
        Action::Pipeline => app.referrals.chains = false,
        Action::Chains => app.referrals.chains = true,
        Action::Left if !app.referrals.chains => {
            app.referrals.column = app.referrals.column.saturating_sub(1);
        }
        Action::Right if !app.referrals.chains => {
            app.referrals.column = (app.referrals.column + 1).min(app.data.columns.len() - 1);
        }
        Action::OpenContact => {
            let id = if app.referrals.chains {
                app.data
                    .chains
                    .get(app.referrals.line)
                    .map(|l| l.contact_id)
            } else {
                current.as_ref().map(|r| r.person_id)
            };
            if let Some(id) = id {
                app.open_contact(id);
            }
        }
        Action::StatusForward | Action::StatusBack | Action::MarkLost | Action::MarkDormant => {
            let Some(r) = current else {
                app.say("No referral selected.");
                return Vec::new();
            };
            let to = match action {
                Action::StatusForward => r.status.next(),
                Action::StatusBack => r.status.prev(),
                Action::MarkDormant => Some(Status::Dormant),
                _ => Some(Status::Lost),
            };
            let Some(to) = to else {
                // Only `new` has no step back; only a closed referral has none forward.
                app.warn(if matches!(action, Action::StatusBack) {
                    format!(
                        "#{} is new: there is no step before it; > moves it on",
                        r.id
                    )
                } else {
                    format!(
                        "#{} is {}: there is no next step; < reopens it",
                        r.id, r.status
                    )
                });
                return Vec::new();
            };
            if matches!(to, Status::Won | Status::Lost) {
                let describe = app.data.describe(&r);
                app.overlay = Some(Overlay::Form(Form::status(&r, to, &describe)));
                return Vec::new();
            }
            let change = StatusChange {
                to,
                on: today,
                value: None,
                reason: None,
                reopen: r.status.is_closed(),
            };
            if let Err(e) = validate_change(&r, &change, today) {
                app.warn(e.to_string());
                return Vec::new();
            }
            let done = format!(
                "#{} {} is now {}.",
                r.id,
                app.data.describe(&r),
                to.phrase()
            );
            if r.status.is_closed() {
                // Leaving won or lost undoes a decision: it waits for a yes.
                let was = match (r.status, r.value) {
                    (Status::Won, Some(v)) => format!(
                        "won, {}",
                        crate::domain::chain::format_money(v, &app.config.display.currency)
                    ),
                    (s, _) => s.as_str().to_string(),
                };
                app.overlay = Some(Overlay::Confirm {
                    question: format!("Reopen #{} ({was}) as {to}?", r.id),
                    detail: if r.status == Status::Won {
                        format!(
                            "{} · the value is kept for when it is won again · z undoes it",
                            app.data.describe(&r)
                        )
                    } else {
                        format!("{} · z undoes it afterwards", app.data.describe(&r))
                    },
                    write: Box::new(Write::ChangeStatus(r.id, change)),
                    done,
                });
                return Vec::new();
            }
            return write(Write::ChangeStatus(r.id, change), done);
        }
        Action::Thank | Action::Inform => {
            let Some(r) = current else {
                app.say("No referral selected.");
                return Vec::new();
            };
            let Some(by) = r.referrer_id else {
                app.warn(format!(
                    "#{} is a referral you gave: there is no referrer to thank or inform",
                    r.id
                ));
                return Vec::new();
            };
            let kind = if action == Action::Thank {
                InteractionKind::Thanks
            } else {
                InteractionKind::Update
            };
            let mut i = NewInteraction::new(by, today, kind);
            i.referral_id = Some(r.id);
            let done = if kind == InteractionKind::Thanks {
                format!(
                    "Thanked {} for referring {}.",
                    app.data.name(by),
                    app.data.name(r.person_id)
                )
            } else {
                format!(
                    "Told {} how it is going with {} ({}).",
                    app.data.name(by),
                    app.data.name(r.person_id),
                    r.status
                )
            };
            return write(Write::Interaction(i), done);
        }
        other => {
            let page = app.page();
            let s = &mut app.referrals;
            if s.chains {
                step(&mut s.line, app.data.chains.len(), &other, page);
            } else {
                let len = app.data.columns[s.column].len();
                step(&mut s.rows[s.column], len, &other, page);
            }
        }
    }
    Vec::new()
}
