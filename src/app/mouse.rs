//! The mouse: what is drawn where ([`HitMap`], written by the renderer on every frame,
//! the only state drawing writes) and what a click or the wheel does there.
//!
//! Pure: positions are plain terminal cells; no terminal library.

use super::{Action, App, Pane};

/// Something a click can land on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Tab(Pane),
    /// An item of the Today list (its index among the items shown).
    TodayItem(usize),
    /// A row of the Contacts list (its index among the visible rows).
    ContactRow(usize),
    /// The selected contact's detail and timeline (the wheel scrolls it).
    Timeline,
    AskRow(usize),
    /// A pipeline column, and a card in it.
    Column(usize),
    Card {
        column: usize,
        row: usize,
    },
    /// Under an overlay: clicks do nothing there, the wheel scrolls the overlay.
    Covered,
}

/// Regions of the last frame, later ones on top.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HitMap {
    regions: Vec<(u16, u16, u16, u16, Hit)>,
    /// Rows of the list the pane shows (what PgUp/PgDn move by); 0 before a frame.
    pub page: usize,
    /// Timeline entries the detail showed whole (what J and K move by); 0 before a frame.
    pub timeline_page: usize,
}

impl HitMap {
    pub fn clear(&mut self) {
        self.regions.clear();
        self.page = 0;
        self.timeline_page = 0;
    }

    /// `w` × `h` cells from (`x`, `y`).
    pub fn add(&mut self, x: u16, y: u16, w: u16, h: u16, hit: Hit) {
        self.regions.push((x, y, w, h, hit));
    }

    /// What is at a cell: the region drawn last that covers it.
    pub fn at(&self, col: u16, row: u16) -> Option<Hit> {
        self.regions
            .iter()
            .rev()
            .find(|(x, y, w, h, _)| col >= *x && col < x + w && row >= *y && row < y + h)
            .map(|r| r.4)
    }
}

/// A left click on `hit`: select it; on what is already selected, open it (as Enter).
/// Returns the action it amounts to, if any, for `update` to apply.
pub(super) fn click(app: &mut App, hit: Hit) -> Option<Action> {
    match hit {
        Hit::Tab(p) => {
            app.pane = p;
            app.today.review = None;
            None
        }
        Hit::TodayItem(i) => {
            if app.today.selected == i {
                return Some(Action::OpenContact);
            }
            app.today.selected = i;
            None
        }
        Hit::ContactRow(i) => {
            if i < app.contacts.visible.len() {
                app.contacts.selected = i;
                app.refresh_detail(false);
            }
            None
        }
        // Selecting only: recording an ask is a write, and a click is too easy to make.
        Hit::AskRow(i) => {
            app.ask = i;
            None
        }
        Hit::Column(c) => {
            app.referrals.column = c;
            None
        }
        Hit::Card { column, row } => {
            let again =
                app.referrals.column == column && app.referrals.rows.get(column) == Some(&row);
            app.referrals.column = column;
            if let Some(r) = app.referrals.rows.get_mut(column) {
                *r = row;
            }
            again.then_some(Action::OpenContact)
        }
        Hit::Timeline | Hit::Covered => None,
    }
}

/// The wheel over `hit`: the timeline scrolls through its entries, anything else moves
/// the selection of the list under it.
pub(super) fn wheel(hit: Option<Hit>, down: bool) -> Action {
    match (hit, down) {
        (Some(Hit::Timeline), true) => Action::TimelineOlder,
        (Some(Hit::Timeline), false) => Action::TimelineNewer,
        (_, true) => Action::Down,
        (_, false) => Action::Up,
    }
}
