//! The pieces every form is made of: labelled fields with their errors tied to them, the list of
//! problems at the top, and the form's notice. Rendered by the server, so they read the same with
//! and without JavaScript; the first field to fix gets focus when the page loads. And what a form
//! POST that needs fixing gives back to its page ([`PostedForm`]).

use leptos::prelude::*;

use crm_core::forms::FormState;

/// The outcome of a form POST that needs fixing, provided as context while the server renders
/// the answer, so the page shows what was typed and what is wrong.
#[derive(Clone, Debug, Default)]
pub struct PostedForm(pub FormState);

/// What was posted and what is wrong, while the server renders the answer to a refused POST;
/// an empty form otherwise.
pub fn posted_form() -> FormState {
    use_context::<PostedForm>()
        .map(|posted| posted.0)
        .unwrap_or_default()
}

/// The id of a field's input in a form: `<form id>-<field name>`.
pub fn input_id(form: &str, field: &str) -> String {
    format!("{form}-{}", field.replace('_', "-"))
}

fn error_id(form: &str, field: &str) -> String {
    format!("{}-error", input_id(form, field))
}

/// A text-like input with its label, optional hint and error.
#[component]
pub fn TextField(
    /// The form's id, which prefixes the input's id.
    form_id: &'static str,
    state: FormState,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = 100)] maxlength: usize,
) -> impl IntoView {
    let id = input_id(form_id, name);
    let error = state.error(name);
    let invalid = error.is_some();
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let described_by = {
        let mut ids: Vec<String> = hint_id.iter().cloned().collect();
        if invalid {
            ids.push(error_id(form_id, name));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let first_invalid = state.errors.first().is_some_and(|p| p.field == name);
    // Passwords are never sent back to the page.
    let value = (kind != "password").then(|| state.value(name));
    view! {
        <div class="field" class:field--invalid=invalid>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=true
                maxlength=maxlength.to_string()
                value=value
                autofocus=first_invalid
                aria-invalid=invalid.then_some("true")
                aria-describedby=described_by
            />
            {hint.map(|text| view! { <p id=hint_id.clone() class="field__hint">{text}</p> })}
            {error.map(|message| view! { <FieldError id=error_id(form_id, name) message/> })}
        </div>
    }
}

/// A country chosen from the full list, or none: `chosen` is the code selected when the form
/// was not posted back ("GB", from the browser's languages), or empty.
#[component]
pub fn CountryField(
    form_id: &'static str,
    state: FormState,
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    chosen: String,
) -> impl IntoView {
    use crm_core::country::COUNTRIES;
    let id = input_id(form_id, name);
    let error = state.error(name);
    let invalid = error.is_some();
    let hint_id = format!("{id}-hint");
    let described_by = if invalid {
        format!("{hint_id} {}", error_id(form_id, name))
    } else {
        hint_id.clone()
    };
    let first_invalid = state.errors.first().is_some_and(|p| p.field == name);
    // What was posted back wins over the guess.
    let selected = if state.values.iter().any(|(field, _)| field == name) {
        state.value(name)
    } else {
        chosen
    };
    let options = COUNTRIES
        .iter()
        .map(|(code, country)| {
            view! { <option value=*code selected=selected.eq_ignore_ascii_case(code)>{*country}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:field--invalid=invalid>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                autocomplete="country"
                autofocus=first_invalid
                aria-invalid=invalid.then_some("true")
                aria-describedby=described_by
            >
                <option value="" selected=selected.is_empty()>"None (numbers need their country code)"</option>
                {options}
            </select>
            <p id=hint_id class="field__hint">{hint}</p>
            {error.map(|message| view! { <FieldError id=error_id(form_id, name) message/> })}
        </div>
    }
}

/// A box the person must tick, with its label and error.
#[component]
pub fn RequiredCheckbox(
    form_id: &'static str,
    state: FormState,
    name: &'static str,
    children: Children,
) -> impl IntoView {
    let id = input_id(form_id, name);
    let error = state.error(name);
    let invalid = error.is_some();
    let first_invalid = state.errors.first().is_some_and(|p| p.field == name);
    let checked = !state.value(name).is_empty();
    view! {
        <div class="field field--checkbox" class:field--invalid=invalid>
            <input
                id=id.clone()
                name=name
                type="checkbox"
                required=true
                checked=checked
                autofocus=first_invalid
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then(|| error_id(form_id, name))
            />
            <label for=id>{children()}</label>
            {error.map(|message| view! { <FieldError id=error_id(form_id, name) message/> })}
        </div>
    }
}

#[component]
pub fn FieldError(
    id: String,
    message: String,
    /// Said at once by screen readers: for an error shown without a page load.
    #[prop(optional)]
    live: bool,
) -> impl IntoView {
    view! {
        <p id=id class="field__error" role=live.then_some("alert")>
            <span class="visually-hidden">"Error: "</span>
            {message}
        </p>
    }
}

/// Every problem at the top of the form, each linking to its field; and the form's notice. A
/// notice with no field errors takes focus, so it is read out first.
#[component]
pub fn FormMessages(form_id: &'static str, state: FormState) -> impl IntoView {
    let summary = (!state.errors.is_empty()).then(|| {
        let title = match state.errors.len() {
            1 => "There is 1 problem to fix".to_owned(),
            n => format!("There are {n} problems to fix"),
        };
        let title_id = format!("{form_id}-summary-title");
        let labelled_by = title_id.clone();
        view! {
            <div class="form-summary" aria-labelledby=labelled_by>
                <h2 id=title_id>{title}</h2>
                <ul>
                    {state
                        .errors
                        .iter()
                        .map(|problem| view! {
                            <li><a href=format!("#{}", input_id(form_id, &problem.field))>{problem.message.clone()}</a></li>
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    });
    let focus_notice = state.errors.is_empty();
    let notice = state.notice.map(|notice| {
        let class = if notice.is_error {
            "form-notice form-notice--error"
        } else {
            "form-notice form-notice--ok"
        };
        view! {
            <p
                id=format!("{form_id}-notice")
                class=class
                role=if notice.is_error { "alert" } else { "status" }
                tabindex="-1"
                autofocus=focus_notice
            >
                {notice.message}
            </p>
        }
    });
    view! { {notice} {summary} }
}

/// The new member's time zone and language, which only the browser knows, as two hidden fields
/// of a form that creates an account: the page fills in the browser's zone (and its language,
/// when the server did not already choose one from `Accept-Language`) once it runs. Without
/// JavaScript the zone stays empty: the member's times are then in UTC until they choose a zone
/// in their profile, which says so.
#[component]
pub fn BrowserClockFields(
    /// The zone the form was posted back with, or empty.
    time_zone: String,
    /// The language tag chosen on the server ("en-US"), or empty.
    language: String,
) -> impl IntoView {
    let zone_input = NodeRef::<leptos::html::Input>::new();
    let language_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let (Some(input), Some(zone)) = (zone_input.get(), crate::layout::browser_time_zone()) {
            input.set_value(&zone);
        }
        if let (Some(input), Some(languages)) =
            (language_input.get(), crate::layout::browser_languages())
            && input.value().is_empty()
        {
            input.set_value(crm_core::time::Locale::from_accept_language(&languages).tag());
        }
    });
    view! {
        <input type="hidden" name="time_zone" node_ref=zone_input value=time_zone/>
        <input type="hidden" name="language" node_ref=language_input value=language/>
    }
}
