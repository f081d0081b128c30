//! After the data changed (a reload, a write put in place): the view finds its places
//! again by id (the selected contact, the review item, the referral card), the filter
//! runs again, and the contact read whole is read again.
//!
//! Pure: may import the app's own modules.

use super::{App, clamp, referrals, selected_referral};

/// What the view shows by id, to find again in fresh data: the selected contact, the
/// review item and the referral card.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Anchor {
    contact: Option<i64>,
    item: Option<String>,
    card: Option<i64>,
}

/// After the data changed: the view finds its places again, and the contact read whole
/// is read again.
pub(super) fn settle(app: &mut App, anchor: Anchor) {
    app.contacts.record = None;
    data_changed(app, anchor.contact);
    app.follow_item(anchor.item);
    referrals::follow(app, anchor.card);
}

impl Anchor {
    pub(super) fn of(app: &App) -> Anchor {
        Anchor {
            contact: app.selected_contact().map(|r| r.id),
            item: app.today_key(),
            card: selected_referral(app).map(|r| r.id),
        }
    }
}

/// After new data: the filter, the selections and review mode follow it.
pub(super) fn data_changed(app: &mut App, keep: Option<i64>) {
    app.refilter(keep);
    let len = app.today_items().len();
    app.today.selected = clamp(app.today.selected, len);
    if let Some(pos) = app.today.review
        && pos >= len
    {
        app.today.review = None;
        let waiting = app.data.agenda.len() - app.data.agenda_today;
        if waiting > 0 && !app.today.all {
            app.say(format!(
                "Review finished. {waiting} more wait for another day (w shows them)."
            ));
        } else {
            app.say("Review finished: nothing left in today's queue.");
        }
    }
    referrals::clamp_referrals(app);
    app.ask = clamp(app.ask, app.data.ask_now.len() + app.data.waiting.len());
    app.insights = clamp(app.insights, app.data.stats.by_referrer.len());
}
