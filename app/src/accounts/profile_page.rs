//! `/app/settings/profile`: the member's details, edited in the page (checked as you type, saved
//! without a reload, unsaved edits kept as a draft in local storage), their e-mail address and
//! their password. Without JavaScript the same forms are plain POSTs.

use gloo_storage::Storage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crm_core::accounts::profile::{DraftConflict, ProfileField, ProfileFields, TIME_ZONES};
use crm_core::error::AppError;
use crm_core::forms::{FieldProblem, FormState};
use crm_core::ids::MemberId;
use crm_core::storage::PROFILE_DRAFT_KEY;
use crm_core::time::{Locale, zones};

use super::api::{ProfilePageState, load_profile, save_profile};
use crate::form::{FormMessages, TextField};
use crate::layout::{clock_setter, focus_by_id, loaded, loading, textarea_text};

/// Unsaved edits, kept in local storage under [`PROFILE_DRAFT_KEY`].
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Draft {
    member: MemberId,
    fields: ProfileFields,
    /// The profile as stored when the edits started (absent from drafts kept before it was).
    #[serde(default)]
    base: Option<ProfileFields>,
}

fn read_draft() -> Option<Draft> {
    gloo_storage::LocalStorage::get::<Draft>(PROFILE_DRAFT_KEY).ok()
}

fn write_draft(draft: &Draft) {
    // A full or disabled storage only means no draft: the page works on.
    let _ = gloo_storage::LocalStorage::set(PROFILE_DRAFT_KEY, draft);
}

fn discard_draft() {
    gloo_storage::LocalStorage::delete(PROFILE_DRAFT_KEY);
}

/// A value in quotation marks, or "an empty value".
fn quoted(value: &str) -> String {
    if value.is_empty() {
        "an empty value".to_owned()
    } else {
        format!("\u{201c}{value}\u{201d}")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum SaveStatus {
    Idle,
    Saving,
    Saved,
    Failed(String),
}

/// `/app/settings/profile`.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let data = Resource::new_blocking(
        || (),
        |()| async {
            load_profile()
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    let query = use_query_map();
    let flag = move || query.with(|q| q.get("saved").unwrap_or_default());
    view! {
        <Title text="Your profile"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow account profile">
            <h1>"Your profile"</h1>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let flag = flag();
                    loaded(data.await, |state| view! { <Profile state flag/> }.into_any())
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Profile(state: ProfilePageState, flag: String) -> impl IntoView {
    let ProfilePageState {
        member_id,
        details,
        saved,
        details_errors,
        details_notice,
        email,
        email_verified,
        email_form,
        password_form,
    } = state;
    let flash = match flag.as_str() {
        "email" => Some(
            "We sent a link to your new address. Your account keeps its current address until you follow it.",
        ),
        "password" => Some("Password changed. Every other session of your account has ended."),
        _ => None,
    };
    view! {
        {flash.map(|message| view! {
            <p class="form-notice form-notice--ok" role="status" tabindex="-1" autofocus=true>{message}</p>
        })}
        <DetailsForm
            member=member_id
            details
            saved
            errors=details_errors
            notice=details_notice
            just_saved=flag == "details"
        />
        <EmailForm email verified=email_verified form=email_form/>
        <PasswordForm form=password_form/>
    }
}

#[component]
fn DetailsForm(
    member: MemberId,
    details: ProfileFields,
    saved: ProfileFields,
    errors: Vec<FieldProblem>,
    notice: Option<String>,
    just_saved: bool,
) -> impl IntoView {
    let initial = StoredValue::new(details.clone());
    let first_invalid = errors.first().and_then(|p| ProfileField::parse(&p.field));
    let fields = RwSignal::new(details);
    let saved = RwSignal::new(saved);
    let errors = RwSignal::new(errors);
    let status = RwSignal::new(match (just_saved, notice) {
        (_, Some(message)) => SaveStatus::Failed(message),
        (true, None) => SaveStatus::Saved,
        (false, None) => SaveStatus::Idle,
    });
    let restored = RwSignal::new(false);
    let conflicts = RwSignal::new(Vec::<DraftConflict>::new());

    // In the browser, once: bring back edits a reload or a closed tab would have lost.
    Effect::new(move |_| {
        let Some(draft) = read_draft() else {
            return;
        };
        let stored = saved.get_untracked();
        if draft.member != member || draft.fields.same_values(&stored) {
            discard_draft();
            return;
        }
        // Changes saved elsewhere since the draft was started are kept; a field changed in both
        // places is shown with both values before anything is saved.
        let (merged, found) =
            ProfileFields::merge_draft(&draft.fields, draft.base.as_ref(), &stored);
        fields.set(merged);
        conflicts.set(found);
        errors.set(fields.with_untracked(ProfileFields::problems));
        restored.set(true);
        status.set(SaveStatus::Idle);
    });

    let error_of = move |field: ProfileField| {
        errors.with(|errors| {
            errors
                .iter()
                .find(|e| e.field == field.name())
                .map(|e| e.message.clone())
        })
    };

    // As you type: the field is checked with the server's rules, and the edits are kept as a
    // draft until they are saved.
    let input = move |field: ProfileField, value: String| {
        fields.update(|f| field.set(f, value));
        let message = fields.with_untracked(|f| field.check(f));
        errors.update(|errors| {
            errors.retain(|e| e.field != field.name());
            if let Some(message) = message {
                errors.push(FieldProblem::new(field.name(), message));
                errors.sort_by_key(|e| {
                    ProfileField::parse(&e.field)
                        .map(|f| ProfileField::ALL.iter().position(|g| *g == f))
                });
            }
        });
        if status.get_untracked() != SaveStatus::Saving {
            status.set(SaveStatus::Idle);
        }
        let current = fields.get_untracked();
        if current.same_values(&saved.get_untracked()) {
            discard_draft();
        } else {
            write_draft(&Draft {
                member,
                fields: current,
                base: Some(saved.get_untracked()),
            });
        }
    };

    let discard = move |_| {
        fields.set(saved.get_untracked());
        errors.set(Vec::new());
        discard_draft();
        restored.set(false);
        conflicts.set(Vec::new());
        request_animation_frame(|| focus_by_id(&ProfileField::Name.input_id()));
    };

    let set_clock = clock_setter();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if status.get_untracked() == SaveStatus::Saving {
            return;
        }
        let current = fields.get_untracked();
        let problems = current.problems();
        if let Some(first) = problems.first().and_then(|p| ProfileField::parse(&p.field)) {
            errors.set(problems);
            focus_by_id(&first.input_id());
            return;
        }
        status.set(SaveStatus::Saving);
        leptos::task::spawn_local(async move {
            match save_profile(current).await {
                Ok(answer) => {
                    let stored = answer.fields;
                    set_clock(answer.clock);
                    saved.set(stored.clone());
                    fields.set(stored);
                    errors.set(Vec::new());
                    discard_draft();
                    restored.set(false);
                    conflicts.set(Vec::new());
                    status.set(SaveStatus::Saved);
                }
                Err(AppError::Validation { field, message }) => {
                    let focus = ProfileField::parse(&field).map(ProfileField::input_id);
                    errors.set(vec![FieldProblem { field, message }]);
                    status.set(SaveStatus::Idle);
                    if let Some(id) = focus {
                        request_animation_frame(move || focus_by_id(&id));
                    }
                }
                // The draft stays: nothing typed is lost.
                Err(error) => status.set(SaveStatus::Failed(error.to_string())),
            }
        });
    };

    let described_by = move |field: ProfileField, hint: Option<&'static str>| {
        let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
        if error_of(field).is_some() {
            ids.push(field.error_id());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let field_error = move |field: ProfileField| {
        move || {
            error_of(field).map(|message| {
                view! {
                    <p id=field.error_id() class="field__error">
                        <span class="visually-hidden">"Error: "</span>
                        {message}
                    </p>
                }
            })
        }
    };
    let value_of = move |field: ProfileField| move || fields.with(|f| field.value(f).to_owned());
    let initial_of = move |field: ProfileField| initial.with_value(|f| field.value(f).to_owned());

    let text_row = move |field: ProfileField,
                         label: &'static str,
                         kind: &'static str,
                         autocomplete: &'static str,
                         optional: bool| {
        view! {
            <div class="field" class:field--invalid=move || error_of(field).is_some()>
                <label for=field.input_id()>
                    {label}
                    {optional.then(|| view! { <span class="field__optional">" (optional)"</span> })}
                </label>
                <input
                    id=field.input_id()
                    name=field.name()
                    type=kind
                    autocomplete=autocomplete
                    required=!optional
                    maxlength="100"
                    value=initial_of(field)
                    prop:value=value_of(field)
                    autofocus=first_invalid == Some(field)
                    aria-invalid=move || error_of(field).is_some().then_some("true")
                    aria-describedby=move || described_by(field, None)
                    on:input:target=move |ev| input(field, ev.target().value())
                />
                {field_error(field)}
            </div>
        }
    };
    let select_row = move |field: ProfileField,
                           label: &'static str,
                           unset: &'static str,
                           options: Vec<(&'static str, String)>,
                           hint: (&'static str, &'static str)| {
        let chosen = initial_of(field);
        let (hint_id, hint_text) = hint;
        view! {
            <div class="field" class:field--invalid=move || error_of(field).is_some()>
                <label for=field.input_id()>
                    {label}
                    <span class="field__optional">" (optional)"</span>
                </label>
                <select
                    id=field.input_id()
                    name=field.name()
                    prop:value=value_of(field)
                    autofocus=first_invalid == Some(field)
                    aria-invalid=move || error_of(field).is_some().then_some("true")
                    aria-describedby=move || described_by(field, Some(hint_id))
                    on:change:target=move |ev| input(field, ev.target().value())
                >
                    <option value="" selected=chosen.is_empty()>{unset}</option>
                    {options
                        .into_iter()
                        .map(|(value, text)| view! {
                            <option value=value selected=chosen == value>{text}</option>
                        })
                        .collect_view()}
                </select>
                <p id=hint_id class="field__hint">{hint_text}</p>
                {field_error(field)}
            </div>
        }
    };

    view! {
        <section aria-labelledby="details-title">
            <h2 id="details-title">"Your details"</h2>
            <form
                id="profile"
                class="account__form"
                method="post"
                action="/app/settings/profile"
                novalidate
                on:submit=on_submit
            >
                {move || restored.get().then(|| view! {
                    <div class="form-notice form-notice--warning profile__draft" role="status">
                        <p>"We brought back the changes you had not saved yet."</p>
                        {move || conflicts.with(|found| (!found.is_empty()).then(|| view! {
                            <p>"Since you made them, your profile was changed elsewhere too:"</p>
                            <ul class="profile__conflicts">
                                {found.iter().map(|conflict| view! {
                                    <li>{format!(
                                        "{}: now {}; yours, not saved yet, {}.",
                                        conflict.field.label(),
                                        quoted(&conflict.theirs),
                                        quoted(&conflict.yours),
                                    )}</li>
                                }).collect_view()}
                            </ul>
                            <p>"Saving keeps yours; discarding keeps what is stored now."</p>
                        }))}
                        <button type="button" class="button button--small button--quiet" on:click=discard>
                            "Discard these changes"
                        </button>
                    </div>
                })}
                <input type="hidden" name="form" value="details"/>
                <input
                    type="hidden"
                    name="version"
                    value=initial.with_value(|f| f.version.to_string())
                    prop:value=move || fields.with(|f| f.version.to_string())
                />
                {text_row(ProfileField::Name, "Name", "text", "name", false)}
                {text_row(ProfileField::JobTitle, "Job title", "text", "organization-title", true)}
                {text_row(ProfileField::Phone, "Phone", "tel", "tel", true)}
                <div class="field" class:field--invalid=move || error_of(ProfileField::MailingAddress).is_some()>
                    <label for=ProfileField::MailingAddress.input_id()>
                        "Mailing address"<span class="field__optional">" (optional)"</span>
                    </label>
                    <textarea
                        id=ProfileField::MailingAddress.input_id()
                        name=ProfileField::MailingAddress.name()
                        rows="3"
                        autocomplete="street-address"
                        prop:value=value_of(ProfileField::MailingAddress)
                        autofocus=first_invalid == Some(ProfileField::MailingAddress)
                        aria-invalid=move || error_of(ProfileField::MailingAddress).is_some().then_some("true")
                        aria-describedby=move || described_by(ProfileField::MailingAddress, None)
                        on:input:target=move |ev| input(ProfileField::MailingAddress, ev.target().value())
                    >
                        {textarea_text(&initial_of(ProfileField::MailingAddress))}
                    </textarea>
                    {field_error(ProfileField::MailingAddress)}
                </div>
                {select_row(
                    ProfileField::TimeZone,
                    "Time zone",
                    "Not set: UTC",
                    TIME_ZONES.iter().map(|zone| (*zone, zones::label(zone))).collect(),
                    (
                        "profile-time-zone-hint",
                        "Every time the CRM shows you is in this zone, and your \"today\", \"this week\" and \"overdue\" are its days.",
                    ),
                )}
                {select_row(
                    ProfileField::Language,
                    "Language",
                    "Not set: English (United Kingdom)",
                    Locale::ALL.into_iter().map(|locale| (locale.tag(), locale.name().to_owned())).collect(),
                    (
                        "profile-language-hint",
                        "How dates and times are written: 7 December 2026, 14:30 in the United Kingdom; December 7, 2026, 2:30 PM in the United States.",
                    ),
                )}
                <div class="profile__actions">
                    <button
                        type="submit"
                        class="button"
                        aria-disabled=move || (status.get() == SaveStatus::Saving).then_some("true")
                    >
                        "Save changes"
                    </button>
                    <p id="profile-status" class="profile__status" role="status">
                        {move || match status.get() {
                            SaveStatus::Saving => "Saving…",
                            SaveStatus::Saved => "Saved",
                            SaveStatus::Idle | SaveStatus::Failed(_) => "",
                        }}
                    </p>
                </div>
                <div role="alert" class="profile__failure">
                    {move || match status.get() {
                        SaveStatus::Failed(message) => Some(view! {
                            <p class="form-notice form-notice--error">
                                {message}" Your changes are kept on this device until you save them."
                            </p>
                        }),
                        _ => None,
                    }}
                </div>
            </form>
        </section>
    }
}

#[component]
fn EmailForm(email: String, verified: bool, form: FormState) -> impl IntoView {
    const ID: &str = "email-change";
    view! {
        <section aria-labelledby="email-title">
            <h2 id="email-title">"E-mail address"</h2>
            <p>
                {format!("Your address is {email}")}
                {if verified { " (confirmed)." } else { " (not confirmed yet)." }}
                " A new address is used once you follow the link we send to it; we also tell your current address."
            </p>
            <form id=ID class="account__form" method="post" action="/app/settings/profile/email" novalidate>
                <FormMessages form_id=ID state=form.clone()/>
                <input type="hidden" name="form" value="email"/>
                <TextField form_id=ID state=form.clone() name="new_email" label="New e-mail address" kind="email" autocomplete="email" maxlength=254/>
                <TextField form_id=ID state=form name="current_password" label="Current password" kind="password" autocomplete="current-password" maxlength=256/>
                <p><button type="submit" class="button">"Send confirmation link"</button></p>
            </form>
        </section>
    }
}

#[component]
fn PasswordForm(form: FormState) -> impl IntoView {
    const ID: &str = "password-change";
    view! {
        <section aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <p>"Changing your password logs you out on every other device."</p>
            <form id=ID class="account__form" method="post" action="/app/settings/profile/password" novalidate>
                <FormMessages form_id=ID state=form.clone()/>
                <input type="hidden" name="form" value="password"/>
                <TextField form_id=ID state=form.clone() name="current_password" label="Current password" kind="password" autocomplete="current-password" maxlength=256/>
                <TextField
                    form_id=ID
                    state=form
                    name="new_password"
                    label="New password"
                    kind="password"
                    autocomplete="new-password"
                    maxlength=256
                    hint="At least 12 characters. A few unrelated words make a strong password that is easy to remember."
                />
                <p><button type="submit" class="button">"Change password"</button></p>
            </form>
        </section>
    }
}
