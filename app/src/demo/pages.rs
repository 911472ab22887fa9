//! `/demo` and `/demo/thanks`, rendered by the server only (public pages are never hydrated; see
//! `crate::routes`). The form is a plain POST to `/demo`; `public/site.js` checks it as the
//! visitor types (asking `/demo/check`) and sends it without a reload, taking the problems and
//! the answer from the pages rendered here.

use leptos::prelude::*;
use leptos_meta::Meta;

use crm_core::demo::{DemoField, FieldError, MESSAGE_MAX_CHARS, TeamSize};

use super::api::{DemoFormState, FormNotice, demo_form};
use crate::layout::{PageMeta, loaded, textarea_text};

/// `/demo`: the Request a Demo form.
#[component]
pub fn DemoPage() -> impl IntoView {
    let form = Resource::new_blocking(|| (), |()| demo_form());
    view! {
        <PageMeta
            title="Request a demo"
            description="See Candor CRM with a product specialist: thirty minutes on your team's contacts, pipeline and privacy questions."
            path="/demo"
        />
        <div class="page demo">
            <section class="demo__intro" aria-labelledby="demo-title">
                <h1 id="demo-title">"Request a demo"</h1>
                <p class="demo__lead">
                    "See Candor CRM with a product specialist: thirty minutes, your questions, and the way your team works."
                </p>
                <ul class="demo__points">
                    <li>"Contacts, companies and a pipeline board, with your kind of data"</li>
                    <li>"Importing from spreadsheets and other CRMs"</li>
                    <li>"How consent, unsubscribe and privacy requests work for your customers"</li>
                </ul>
            </section>
            <Suspense fallback=|| view! { <p class="demo__loading">"Loading the form…"</p> }>
                {move || Suspend::new(async move {
                    loaded(form.await, |state| view! { <DemoForm state/> }.into_any())
                })}
            </Suspense>
        </div>
    }
}

/// `/demo/thanks`: where the form lands once a request was accepted.
#[component]
pub fn DemoThanksPage() -> impl IntoView {
    view! {
        <PageMeta
            title="Thanks for your interest"
            description="Your demo request has reached our product specialists."
            path="/demo/thanks"
        />
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow">
            // The page script shows this in the form's place, its heading one level down.
            <div id="demo-thanks" class="demo__thanks" tabindex="-1">
                <h1>"Thanks for your interest."</h1>
                <p>"A product specialist will contact you soon."</p>
                <p>
                    "Until then, read how we handle the details you sent in our "
                    <a href="/privacy">"privacy policy"</a>"."
                </p>
            </div>
        </div>
    }
}

fn notice_text(notice: FormNotice) -> &'static str {
    match notice {
        FormNotice::TooFast => {
            "That was quick! To keep out automated spam we could not accept the form yet. Please check your details and send it again."
        }
        FormNotice::Stale => {
            "This form was open for a long time and has expired. Your details are still here: please send it again."
        }
        FormNotice::Unavailable => {
            "We could not send your request just now. Your details are still here: please try again in a moment."
        }
        FormNotice::RateLimited => {
            "We have received several requests from your network in the last few minutes. Your details are still here: please wait 15 minutes and send the form again."
        }
    }
}

/// The form with what was typed, each problem beside its field and all of them above the form.
#[component]
fn DemoForm(state: DemoFormState) -> impl IntoView {
    let DemoFormState {
        stamp,
        policy_version,
        fields,
        errors,
        notice,
    } = state;
    // Focus goes where the visitor has work to do: the first invalid field, or the notice when
    // the whole form was refused.
    let first_invalid = errors.first().map(|error| error.field);
    let notice_autofocus = first_invalid.is_none() && notice.is_some();
    let field = |which: DemoField| FieldState {
        which,
        value: fields.value(which).to_owned(),
        error: errors
            .iter()
            .find(|error| error.field == which)
            .map(|error| error.message.clone()),
        autofocus: first_invalid == Some(which),
    };
    let message = field(DemoField::Message);
    let team_size = field(DemoField::TeamSize);
    view! {
        <form
            class="demo__form"
            method="post"
            action="/demo"
            novalidate
            aria-labelledby="demo-form-title"
            data-unavailable=notice_text(FormNotice::Unavailable)
        >
            <h2 id="demo-form-title" class="demo__form-title">"Tell us about your team"</h2>
            <p class="demo__required-note">"All fields are required unless marked optional."</p>
            {notice.map(|notice| view! {
                <p id="demo-notice" class="form-notice form-notice--error" role="alert" tabindex="-1" autofocus=notice_autofocus>
                    {notice_text(notice)}
                </p>
            })}
            <ErrorSummary errors=errors.clone()/>
            <InputField field=field(DemoField::Name) label="Your name" kind="text" autocomplete="name" required=true/>
            <InputField field=field(DemoField::Email) label="Work e-mail" kind="email" autocomplete="email" required=true/>
            <InputField field=field(DemoField::Company) label="Company" kind="text" autocomplete="organization" required=true/>
            <InputField field=field(DemoField::Phone) label="Phone" kind="tel" autocomplete="tel" required=false/>
            <div class=team_size.class()>
                <label for=DemoField::TeamSize.input_id()>"Team size"</label>
                <select
                    id=DemoField::TeamSize.input_id()
                    name=DemoField::TeamSize.name()
                    required
                    autofocus=team_size.autofocus
                    aria-invalid=team_size.invalid()
                    aria-describedby=team_size.described_by(None)
                >
                    <option value="" selected=team_size.value.is_empty()>"Choose…"</option>
                    {TeamSize::ALL
                        .into_iter()
                        .map(|size| view! {
                            <option value=size.as_str() selected=team_size.value == size.as_str()>
                                {size.label()}
                            </option>
                        })
                        .collect_view()}
                </select>
                {team_size.message()}
            </div>
            <div class=message.class()>
                <label for=DemoField::Message.input_id()>
                    "What would you like to see?"
                    <span class="field__optional">" (optional)"</span>
                </label>
                <textarea
                    id=DemoField::Message.input_id()
                    name=DemoField::Message.name()
                    rows="4"
                    autofocus=message.autofocus
                    aria-invalid=message.invalid()
                    aria-describedby=message.described_by(Some("demo-message-hint"))
                >
                    {textarea_text(&message.value)}
                </textarea>
                <p id="demo-message-hint" class="field__hint">
                    {format!("Up to {MESSAGE_MAX_CHARS} characters.")}
                </p>
                {message.message()}
            </div>
            <div class="field field--checkbox">
                <input
                    id="demo-marketing"
                    name="marketing"
                    type="checkbox"
                    checked=fields.wants_marketing()
                />
                <label for="demo-marketing">
                    "Send me occasional product news by e-mail. I can unsubscribe at any time."
                </label>
            </div>
            <p class="demo__privacy">
                "We use your details to arrange and follow up on the demo, as our "
                <a href="/privacy">"privacy policy"</a>
                " explains."
            </p>
            // People never see or fill this field; bots that fill every field give themselves away.
            <div class="demo__trap" aria-hidden="true">
                <label for="demo-website">"Leave this field empty"</label>
                <input id="demo-website" name="website" type="text" tabindex="-1" autocomplete="off"/>
            </div>
            <input type="hidden" name="stamp" value=stamp/>
            {policy_version.map(|version| view! {
                <input type="hidden" name="policy_version" value=version.to_string()/>
            })}
            <p>
                <button type="submit" class="button">"Request a demo"</button>
            </p>
        </form>
    }
}

/// One field as rendered: what was typed and what is wrong with it.
struct FieldState {
    which: DemoField,
    value: String,
    error: Option<String>,
    autofocus: bool,
}

impl FieldState {
    fn class(&self) -> &'static str {
        if self.error.is_some() {
            "field field--invalid"
        } else {
            "field"
        }
    }

    fn invalid(&self) -> Option<&'static str> {
        self.error.is_some().then_some("true")
    }

    /// The hint (if any) and the error (if any) that describe the field.
    fn described_by(&self, hint: Option<&str>) -> Option<String> {
        let error = self.error.as_ref().map(|_| self.which.error_id());
        let ids: Vec<String> = hint.map(str::to_owned).into_iter().chain(error).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// The field's error, tied to its input by `aria-describedby`.
    fn message(&self) -> Option<impl IntoView + use<>> {
        self.error.clone().map(|message| {
            view! {
                <p id=self.which.error_id() class="field__error">
                    <span class="visually-hidden">"Error: "</span>
                    {message}
                </p>
            }
        })
    }
}

#[component]
fn InputField(
    field: FieldState,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    required: bool,
) -> impl IntoView {
    let which = field.which;
    view! {
        <div class=field.class()>
            <label for=which.input_id()>
                {label}
                {(!required).then(|| view! { <span class="field__optional">" (optional)"</span> })}
            </label>
            <input
                id=which.input_id()
                name=which.name()
                type=kind
                autocomplete=autocomplete
                required=required
                maxlength=if which == DemoField::Email { "254" } else { "100" }
                value=field.value.clone()
                autofocus=field.autofocus
                aria-invalid=field.invalid()
                aria-describedby=field.described_by(None)
            />
            {field.message()}
        </div>
    }
}

/// Every problem at the top of the form, each linking to its field.
#[component]
fn ErrorSummary(errors: Vec<FieldError>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        let title = match errors.len() {
            1 => "There is 1 problem with the form".to_owned(),
            n => format!("There are {n} problems with the form"),
        };
        view! {
            <div class="form-summary" aria-labelledby="demo-summary-title">
                <h3 id="demo-summary-title">{title}</h3>
                <ul>
                    {errors
                        .into_iter()
                        .map(|error| view! {
                            <li><a href=format!("#{}", error.field.input_id())>{error.message}</a></li>
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}
