//! Referral commands: refer, referral list / status, thank, inform.

use anyhow::Result;
use serde_json::json;

use super::args::{InformArgs, ReferArgs, ReferralCommand, StatusArgs, ThankArgs};
use super::output::{self, describe_referral, print_json, referral_json};
use super::{Ctx, resolution_error};
use crate::domain::contact::{self, Circle, NewContact, Resolution, validate_name};
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
    // PERSON: an existing contact, or a new one when nothing matches.
    let entries = ctx.store.name_entries()?;
    let person = match contact::resolve(&a.person, &entries) {
        Resolution::Found(id) => ReferralPerson::Existing(id),
        ambiguous @ Resolution::Ambiguous(_) => return Err(resolution_error(&a.person, ambiguous)),
        Resolution::NotFound(_) => {
            let name = validate_name(&a.person).map_err(UsageError::from)?;
            if name.starts_with('#') {
                return Err(
                    UsageError::new(format!("no contact has id {name}; see `ties list`")).into(),
                );
            }
            ReferralPerson::New(NewContact {
                name,
                circle: Some(match side {
                    Side::ReceivedFrom(_) => Circle::Prospect,
                    Side::GivenTo(_) => Circle::Other,
                }),
                ..NewContact::default()
            })
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
            .map(|v| format!(" {}{v}", ctx.config.display.currency))
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
            r.quality,
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
