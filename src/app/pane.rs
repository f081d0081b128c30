//! The panes: which one is on screen, the keys each room handles, and moving a
//! selection through a list.

use chrono::NaiveDate;

use super::action::Action;
use super::effect::{Effect, Write};
use super::{App, ask, contacts, referrals, today};

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr)]
pub enum Pane {
    Today,
    Contacts,
    Referrals,
    Ask,
    Insights,
}

impl Pane {
    pub const ALL: &'static [Pane] = <Pane as strum::VariantArray>::VARIANTS;

    /// The tab's title: the variant's name.
    pub fn title(self) -> &'static str {
        self.into()
    }
}

pub(super) fn clamp(i: usize, len: usize) -> usize {
    i.min(len.saturating_sub(1))
}

/// Moves a selection within `len` rows, PgUp/PgDn by `page` rows (the list's height on
/// screen); false when the action is not a movement.
pub(super) fn step(sel: &mut usize, len: usize, action: &Action, page: usize) -> bool {
    let page = page.max(1);
    let last = len.saturating_sub(1);
    *sel = match action {
        Action::Up => sel.saturating_sub(1),
        Action::Down => (*sel + 1).min(last),
        Action::PageUp => sel.saturating_sub(page),
        Action::PageDown => (*sel + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    true
}

/// What a key does in the pane on screen: each room handles its own.
pub(super) fn pane_action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    match app.pane {
        Pane::Today => today::action(app, action, today),
        Pane::Contacts => contacts::action(app, action, today),
        Pane::Referrals => referrals::action(app, action, today),
        Pane::Ask => ask::action(app, action, today),
        Pane::Insights => {
            match action {
                Action::OpenContact => {
                    if let Some(r) = app.data.stats.by_referrer.get(app.insights) {
                        let id = r.id;
                        app.open_contact(id);
                    }
                }
                other => {
                    let page = app.page();
                    step(
                        &mut app.insights,
                        app.data.stats.by_referrer.len(),
                        &other,
                        page,
                    );
                }
            }
            Vec::new()
        }
    }
}

/// A write, with the message the status bar shows once it is saved.
pub(super) fn write(write: Write, done: String) -> Vec<Effect> {
    vec![Effect::Write { write, done }]
}
