//! Referral commands: refer, referral list / status, thank, inform.

use anyhow::Result;
use serde_json::json;

use super::args::{InformArgs, ReferArgs, ReferralCommand, StatusArgs, ThankArgs};
use super::output::{self, describe_referral, print_json, referral_json};
use super::{Ctx, resolution_error};
use crate::domain::contact::{self, Circle, NameEntry, NewContact, Resolution, validate_name};
use crate::domain::interaction::{InteractionKind, NewInteraction, validate_amount};
use crate::domain::referral::{
    NewReferral, Quality, Referral, Side, StatusChange, validate_change,
};
use crate::error::UsageError;
use crate::store::ReferralPerson;
use crate::text::sanitize;

pub fn refer(ctx: &mut Ctx, a: ReferArgs) -> Result<()> {
    let on = ctx.past_date(a.on.as_deref())?;
    let side = match (&a.by, &a.to) {
        (Some(by), None) => Side::ReceivedFrom(ctx.resolve(by)?),
        (None, Some(to)) => Side::GivenTo(ctx.resolve(to)?),
        _ => return Err(UsageError::new("give exactly one of --by REFERRER (they referred PERSON to you) or --to RECIPIENT (you referred PERSON to them)").into()),
    };
    // PERSON: an existing contact only by id, exact name, email or phone; a new one when
    // nothing matches. A fragment of someone else's name is not them.
    let entries = ctx.store.name_entries()?;
    let person = match exact_person(ctx, &a.person, &entries)? {
        Some(Resolution::Found(id)) if !a.new => ReferralPerson::Existing(id),
        Some(ambiguous @ Resolution::Ambiguous(_)) if !a.new => {
            return Err(resolution_error(&a.person, ambiguous));
        }
        _ => {
            if !a.new {
                let near = contact::resolve(&a.person, &entries);
                if matches!(near, Resolution::Found(_) | Resolution::Ambiguous(_)) {
                    return Err(fragment_is_not_them(&a.person, near, &entries));
                }
            }
            new_person(&a.person, side)?
        }
    };
    // A new person cannot be the referrer or recipient, so only an existing one needs
    // the self-referral check; the store fills in a new person's id.
    let new = NewReferral {
        side,
        person_id: match &person {
            ReferralPerson::Existing(id) => *id,
            ReferralPerson::New(_) => 0,
        },
        quality: a.quality.unwrap_or(Quality::NameOnly),
        referred_on: on,
        note: a.note.as_deref().and_then(contact::optional_text),
    }
    .validated(ctx.today)
    .map_err(UsageError::from)?;
    let created = matches!(person, ReferralPerson::New(_));
    let (person_id, id) = ctx.store.insert_referral_for(&person, &new, ctx.today)?;
    let r = ctx
        .store
        .referral(id)?
        .ok_or_else(|| anyhow::anyhow!("referral #{id} was not found right after it was saved"))?;
    if ctx.json {
        let mut v = referral_json(&r);
        v["person_created"] = json!(created);
        return print_json(&v);
    }
    let names = output::names(ctx)?;
    if created {
        outln!(
            "Created contact #{person_id} {} (no existing contact matched).",
            sanitize(names.get(&person_id).map_or("", |s| s))
        );
    }
    outln!(
        "Recorded referral #{id}: {} on {on} ({}).",
        sanitize(&describe_referral(&r, &names)),
        r.quality
    );
    if r.is_received() {
        outln!("Thank them now: `ties thank {id}`.");
    }
    Ok(())
}

pub fn referral(ctx: &mut Ctx, cmd: ReferralCommand) -> Result<()> {
    match cmd {
        ReferralCommand::List { open } => list(ctx, open),
        ReferralCommand::Status(a) => status(ctx, a),
        ReferralCommand::Delete { id } => delete(ctx, id),
    }
}

fn delete(ctx: &mut Ctx, id: i64) -> Result<()> {
    let r = ctx.store.delete_referral(id)?;
    if ctx.json {
        return print_json(&serde_json::json!({"id": id, "deleted": referral_json(&r)}));
    }
    let names = output::names(ctx)?;
    outln!(
        "Deleted referral #{id} ({}); its thanks and updates stay on the timeline.",
        sanitize(&output::describe_referral(&r, &names))
    );
    Ok(())
}

fn list(ctx: &mut Ctx, open: bool) -> Result<()> {
    let mut refs: Vec<Referral> = ctx.store.referrals()?;
    refs.retain(|r| !open || !r.status.is_closed());
    refs.reverse(); // newest first
    if ctx.json {
        return print_json(&refs.iter().map(referral_json).collect::<Vec<_>>());
    }
    if refs.is_empty() {
        outln!(
            "No referrals{}. Record one with `ties refer PERSON --by REFERRER`.",
            if open { " open" } else { "" }
        );
        return Ok(());
    }
    let names = output::names(ctx)?;
    for r in &refs {
        let value = r
            .value
            .map(|v| {
                format!(
                    " {}",
                    crate::domain::chain::format_money(v, &ctx.config.display.currency)
                )
            })
            .unwrap_or_default();
        let reason = r
            .reason
            .as_deref()
            .map(|x| format!(" ({})", sanitize(x)))
            .unwrap_or_default();
        outln!(
            "#{:<4} {}  {:<9}{}{}  {} · {} · last change {}",
            r.id,
            r.referred_on,
            r.status.as_str(),
            value,
            reason,
            sanitize(&describe_referral(r, &names)),
            r.quality.words(),
            r.last_change()
        );
    }
    Ok(())
}

fn load(ctx: &Ctx, id: i64) -> Result<Referral> {
    Ok(ctx.store.referral(id)?.ok_or_else(|| {
        UsageError::new(format!(
            "referral #{id} does not exist; see `ties referral list`"
        ))
    })?)
}

fn status(ctx: &mut Ctx, a: StatusArgs) -> Result<()> {
    let r = load(ctx, a.id)?;
    let change = StatusChange {
        to: a.status,
        on: ctx.past_date(a.on.as_deref())?,
        value: a.value,
        reason: a.reason.as_deref().and_then(contact::optional_text),
        reopen: a.reopen,
    };
    validate_change(&r, &change, ctx.today).map_err(UsageError::from)?;
    let touched = ctx.store.change_status(a.id, &change)?;
    let r = load(ctx, a.id)?;
    if ctx.json {
        return print_json(&referral_json(&r));
    }
    let names = output::names(ctx)?;
    outln!(
        "Referral #{} ({}) is now {} as of {}.",
        r.id,
        sanitize(&describe_referral(&r, &names)),
        r.status,
        change.on
    );
    if let (Some(person), Some((kind, _))) = (touched, change.to.pipeline_touch()) {
        outln!(
            "Logged a {kind} with {} on {}.",
            sanitize(names.get(&person).map_or("them", String::as_str)),
            change.on
        );
    }
    if let Side::ReceivedFrom(_) = r.side() {
        outln!(
            "Close the loop: `ties inform {}` once you have told the referrer.",
            r.id
        );
    }
    Ok(())
}

/// The contact PERSON names exactly: `#id` (or a bare id), the exact name (any case),
/// or an email or phone of theirs. `None` when it names nobody exactly.
fn exact_person(ctx: &Ctx, person: &str, entries: &[NameEntry]) -> Result<Option<Resolution>> {
    let q = person.trim();
    let digits = q.strip_prefix('#').unwrap_or(q);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match contact::resolve(q, entries) {
            found @ Resolution::Found(_) => Ok(Some(found)),
            _ if q.starts_with('#') => Err(UsageError::new(format!(
                "no contact has id {}; see `ties list`",
                sanitize(q)
            ))
            .into()),
            _ => Ok(None),
        };
    }
    let pick = |ids: Vec<&NameEntry>| -> Option<Resolution> {
        let active: Vec<&NameEntry> = ids.iter().copied().filter(|e| !e.archived).collect();
        let pool = if active.is_empty() { ids } else { active };
        match pool.as_slice() {
            [] => None,
            [one] => Some(Resolution::Found(one.id)),
            many => Some(Resolution::Ambiguous(
                many.iter().map(|e| (*e).clone()).collect(),
            )),
        }
    };
    let lower = q.to_lowercase();
    let by_name: Vec<&NameEntry> = entries
        .iter()
        .filter(|e| e.name.to_lowercase() == lower)
        .collect();
    if let Some(r) = pick(by_name) {
        return Ok(Some(r));
    }
    let ids = ctx.store.contacts_with_field(q)?;
    let by_field: Vec<&NameEntry> = entries.iter().filter(|e| ids.contains(&e.id)).collect();
    Ok(pick(by_field))
}

/// PERSON is only part of someone's name: refused, naming who it would have been and
/// how to say either.
fn fragment_is_not_them(person: &str, r: Resolution, entries: &[NameEntry]) -> anyhow::Error {
    let ids: Vec<i64> = match r {
        Resolution::Found(id) => vec![id],
        Resolution::Ambiguous(c) => c.iter().map(|e| e.id).collect(),
        Resolution::NotFound(_) => Vec::new(),
    };
    let named: Vec<String> = entries
        .iter()
        .filter(|e| ids.contains(&e.id))
        .take(5)
        .map(|e| format!("\"{}\" (#{})", sanitize(&e.name), e.id))
        .collect();
    UsageError::new(format!(
        "\"{}\" is part of {}, not their name; give the full name or #id to mean them, or add --new to record \"{}\" as a new person",
        sanitize(person.trim()),
        named.join(", "),
        sanitize(person.trim())
    ))
    .into()
}

/// A new contact for PERSON: a prospect when they were referred to you.
fn new_person(person: &str, side: Side) -> Result<ReferralPerson> {
    let name = validate_name(person).map_err(UsageError::from)?;
    Ok(ReferralPerson::New(Box::new(NewContact {
        name,
        circle: Some(match side {
            Side::ReceivedFrom(_) => Circle::Prospect,
            Side::GivenTo(_) => Circle::Other,
        }),
        ..NewContact::default()
    })))
}

/// The referrer of a received referral: the contact to thank or inform.
fn referrer_of(r: &Referral, verb: &str) -> Result<i64> {
    match r.side() {
        Side::ReceivedFrom(by) => Ok(by),
        Side::GivenTo(_) => Err(UsageError::new(format!(
            "referral #{} is one you gave, so there is no referrer to {verb}; log it on a contact with `ties log`",
            r.id
        ))
        .into()),
    }
}

/// The date of a thanks or an update for a referral: in the past, and not before the
/// referral was made (it would clear the review item for something that did not happen).
fn date_for(ctx: &Ctx, r: &Referral, on: Option<&str>, what: &str) -> Result<chrono::NaiveDate> {
    let day = ctx.past_date(on)?;
    if day < r.referred_on {
        return Err(UsageError::new(format!(
            "referral #{} was made on {}; {what} on {day} would come before it, so give a date on or after that",
            r.id, r.referred_on
        ))
        .into());
    }
    Ok(day)
}

pub fn thank(ctx: &mut Ctx, a: ThankArgs) -> Result<()> {
    let r = load(ctx, a.id)?;
    let by = referrer_of(&r, "thank")?;
    let on = date_for(ctx, &r, a.on.as_deref(), "a thanks")?;
    let mut i = NewInteraction::new(by, on, InteractionKind::Thanks);
    i.referral_id = Some(r.id);
    i.reward = a.reward;
    i.amount = a
        .amount
        .map(validate_amount)
        .transpose()
        .map_err(UsageError::from)?;
    let i = i.validated(ctx.today).map_err(UsageError::from)?;
    let id = ctx.store.insert_interaction(&i)?;
    if ctx.json {
        return print_json(&ctx.store.interaction(id)?);
    }
    let names = output::names(ctx)?;
    let with = i.reward.map(|w| format!(" with a {w}")).unwrap_or_default();
    outln!(
        "Thanked {}{with} for referring {} (referral #{}).",
        sanitize(names.get(&by).map_or("", |s| s)),
        sanitize(names.get(&r.person_id).map_or("", |s| s)),
        r.id
    );
    Ok(())
}

pub fn inform(ctx: &mut Ctx, a: InformArgs) -> Result<()> {
    let r = load(ctx, a.id)?;
    let by = referrer_of(&r, "inform")?;
    let on = date_for(ctx, &r, a.on.as_deref(), "an update")?;
    let mut i = NewInteraction::new(by, on, InteractionKind::Update);
    i.referral_id = Some(r.id);
    i.note = a.note.as_deref().and_then(contact::optional_text);
    let i = i.validated(ctx.today).map_err(UsageError::from)?;
    let id = ctx.store.insert_interaction(&i)?;
    if ctx.json {
        return print_json(&ctx.store.interaction(id)?);
    }
    let names = output::names(ctx)?;
    outln!(
        "Told {} how it is going with {} ({}), referral #{}.",
        sanitize(names.get(&by).map_or("", |s| s)),
        sanitize(names.get(&r.person_id).map_or("", |s| s)),
        r.status,
        r.id
    );
    Ok(())
}
