//! Pane actions: moving the selection, and what each pane's keys do (done, snooze,
//! review; filter, forms, archive; status moves, thank, inform; record an ask).
//!
//! Pure: may import `domain` and the app's own modules.

use chrono::NaiveDate;

use super::effect::{Effect, Write};
use super::form::Form;
use super::{Action, App, Overlay, Pane, clamp, step};
use crate::domain::interaction::{InteractionKind, NewInteraction};
use crate::domain::referral::{Referral, Status, StatusChange, validate_change};

pub(super) fn clamp_referrals(app: &mut App) {
    let s = &mut app.referrals;
    for (i, col) in app.data.columns.iter().enumerate() {
        s.rows[i] = clamp(s.rows[i], col.len());
    }
    s.line = clamp(s.line, app.data.chains.len());
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

pub(super) fn pane_action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    match app.pane {
        Pane::Today => today_action(app, action, today),
        Pane::Contacts => contacts_action(app, action, today),
        Pane::Referrals => referrals_action(app, action, today),
        Pane::Ask => ask_action(app, action, today),
    }
}

fn write(write: Write, done: String) -> Vec<Effect> {
    vec![Effect::Write { write, done }]
}

fn today_action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
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

fn contacts_action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    let selected = app.selected_contact().map(|r| (r.id, r.name.clone()));
    match action {
        Action::Filter => app.contacts.filtering = true,
        Action::ClearFilter => {
            if !app.contacts.filter.value.is_empty() {
                app.contacts.filter = super::TextField::default();
                app.refilter(selected.map(|s| s.0));
            }
        }
        Action::AddContact => app.overlay = Some(Overlay::Form(Form::add_contact())),
        Action::EditContact => {
            if let Some(c) = selected.and_then(|(id, _)| app.data.book.contact(id)) {
                app.overlay = Some(Overlay::Form(Form::edit_contact(c)));
            }
        }
        Action::LogInteraction => {
            if let Some((id, name)) = selected {
                app.overlay = Some(Overlay::Form(Form::log(id, &name, today)));
            }
        }
        Action::RecordReferral => {
            let form = Form::referral(&app.data, selected.map(|s| s.0), today);
            app.overlay = Some(Overlay::Form(form));
        }
        Action::ArchiveContact => {
            if let Some((id, name)) = selected {
                app.overlay = Some(Overlay::ConfirmArchive { id, name });
            }
        }
        Action::TimelineOlder => {
            let len = app.contacts.detail.as_ref().map_or(0, |d| d.timeline.len());
            app.contacts.timeline_offset =
                (app.contacts.timeline_offset + 5).min(len.saturating_sub(1));
        }
        Action::TimelineNewer => {
            app.contacts.timeline_offset = app.contacts.timeline_offset.saturating_sub(5);
        }
        other => {
            if step(
                &mut app.contacts.selected,
                app.contacts.visible.len(),
                &other,
            ) {
                app.refresh_detail(false);
            }
        }
    }
    Vec::new()
}

fn referrals_action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    let current = selected_referral(app).cloned();
    match action {
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
        Action::StatusForward | Action::StatusBack | Action::MarkLost => {
            let Some(r) = current else {
                app.say("No referral selected.");
                return Vec::new();
            };
            let to = match action {
                Action::StatusForward => r.status.next(),
                Action::StatusBack => r.status.prev(),
                _ => Some(Status::Lost),
            };
            let Some(to) = to else {
                app.warn(format!(
                    "#{} is {}: there is no next step; < reopens it",
                    r.id, r.status
                ));
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
            let done = format!("#{} {} is now {to}.", r.id, app.data.describe(&r));
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
            let s = &mut app.referrals;
            if s.chains {
                step(&mut s.line, app.data.chains.len(), &other);
            } else {
                let len = app.data.columns[s.column].len();
                step(&mut s.rows[s.column], len, &other);
            }
        }
    }
    Vec::new()
}

fn ask_action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
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
