//! `/demo` and `/demo/thanks`.

use leptos::html;
use leptos::prelude::*;
use leptos_meta::Meta;

use super::api::{DemoFormState, DemoReply, FormNotice, demo_form, request_demo};
use super::model::{DemoField, DemoFields, DemoRequest, FieldError, TeamSize};
use crate::layout::{PageMeta, focus_by_id, loaded, textarea_text};

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

/// `/demo/thanks`: where the plain form POST lands after a request was accepted.
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
            <DemoThanks heading_level=1/>
        </div>
    }
}

#[component]
fn DemoThanks(heading_level: u8) -> impl IntoView {
    let heading = "Thanks for your interest.";
    view! {
        <div id="demo-thanks" class="demo__thanks" tabindex="-1">
            {if heading_level == 1 {
                view! { <h1>{heading}</h1> }.into_any()
            } else {
                view! { <h2>{heading}</h2> }.into_any()
            }}
            <p>"A product specialist will contact you soon."</p>
            <p>
                "Until then, read how we handle the details you sent in our "
                <a href="/privacy">"privacy policy"</a>"."
            </p>
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

/// The form's live state in the browser: what is typed and what is wrong.
#[derive(Clone, Copy)]
struct Form {
    fields: RwSignal<DemoFields>,
    errors: RwSignal<Vec<FieldError>>,
}

impl Form {
    fn error(self, field: DemoField) -> Option<String> {
        self.errors.with(|errors| {
            errors
                .iter()
                .find(|error| error.field == field)
                .map(|error| error.message.clone())
        })
    }

    /// Checks one field again with the server's own rules and shows or clears its error.
    fn check(self, field: DemoField) {
        let message = self.fields.with_untracked(|fields| field.check(fields));
        self.errors.update(|errors| {
            errors.retain(|error| error.field != field);
            if let Some(message) = message {
                errors.push(FieldError { field, message });
                errors.sort_by_key(|error| DemoField::ALL.iter().position(|f| *f == error.field));
            }
        });
    }

    /// Stores what was typed; a field showing an error is checked again as its value changes.
    fn input(self, field: DemoField, value: String) {
        self.fields.update(|fields| match field {
            DemoField::Name => fields.name = value,
            DemoField::Email => fields.email = value,
            DemoField::Company => fields.company = value,
            DemoField::Phone => fields.phone = value,
            DemoField::TeamSize => fields.team_size = value,
            DemoField::Message => fields.message = value,
        });
        if self
            .errors
            .with_untracked(|errors| errors.iter().any(|e| e.field == field))
        {
            self.check(field);
        }
    }

    /// Leaving a field checks it, unless it is still empty (an untouched field is not an error
    /// until the form is sent).
    fn leave(self, field: DemoField) {
        if !self
            .fields
            .with_untracked(|fields| fields.value(field).trim().is_empty())
        {
            self.check(field);
        }
    }

    fn described_by(self, field: DemoField, hint: Option<&str>) -> Option<String> {
        let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
        if self.error(field).is_some() {
            ids.push(field.error_id());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

#[component]
fn DemoForm(state: DemoFormState) -> impl IntoView {
    let DemoFormState {
        stamp,
        policy_version,
        fields,
        errors,
        notice,
    } = state;
    let initial = StoredValue::new(fields.clone());
    // Without JavaScript, focus goes where the visitor has work to do: the first invalid field,
    // or the notice when the whole form was refused.
    let first_invalid = errors.first().map(|error| error.field);
    let notice_autofocus = first_invalid.is_none() && notice.is_some();
    let form = Form {
        fields: RwSignal::new(fields),
        errors: RwSignal::new(errors),
    };
    let notice = RwSignal::new(notice.map(|n| notice_text(n).to_owned()));
    let stamp = RwSignal::new(stamp);
    let sent = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let trap = NodeRef::<html::Input>::new();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let fields = form.fields.get_untracked();
        notice.set(None);
        if let Err(problems) = DemoRequest::parse(&fields) {
            let first = problems[0].field.input_id();
            form.errors.set(problems);
            focus_by_id(&first);
            return;
        }
        form.errors.set(Vec::new());
        pending.set(true);
        let honeypot = trap
            .get_untracked()
            .map(|input| input.value())
            .unwrap_or_default();
        leptos::task::spawn_local(async move {
            let reply = request_demo(fields, stamp.get_untracked(), policy_version, honeypot).await;
            pending.set(false);
            match reply {
                Ok(DemoReply::Sent) => {
                    sent.set(true);
                    request_animation_frame(|| focus_by_id("demo-thanks"));
                }
                Ok(DemoReply::Invalid(problems)) => {
                    if let Some(first) = problems.first() {
                        let id = first.field.input_id();
                        request_animation_frame(move || focus_by_id(&id));
                    }
                    form.errors.set(problems);
                }
                Ok(DemoReply::Notice(kind)) => {
                    if kind == FormNotice::Stale
                        && let Ok(fresh) = demo_form().await
                    {
                        stamp.set(fresh.stamp);
                    }
                    notice.set(Some(notice_text(kind).to_owned()));
                    request_animation_frame(|| focus_by_id("demo-notice"));
                }
                Err(_) => {
                    notice.set(Some(notice_text(FormNotice::Unavailable).to_owned()));
                    request_animation_frame(|| focus_by_id("demo-notice"));
                }
            }
        });
    };

    let input_row = move |field: DemoField,
                          label: &'static str,
                          kind: &'static str,
                          autocomplete: &'static str,
                          required: bool| {
        view! {
            <div class="field" class:field--invalid=move || form.error(field).is_some()>
                <label for=field.input_id()>
                    {label}
                    {(!required).then(|| view! { <span class="field__optional">" (optional)"</span> })}
                </label>
                <input
                    id=field.input_id()
                    name=field.name()
                    type=kind
                    autocomplete=autocomplete
                    required=required
                    maxlength=if field == DemoField::Email { "254" } else { "100" }
                    value=initial.with_value(|f| f.value(field).to_owned())
                    autofocus=first_invalid == Some(field)
                    aria-invalid=move || form.error(field).is_some().then_some("true")
                    aria-describedby=move || form.described_by(field, None)
                    on:input:target=move |ev| form.input(field, ev.target().value())
                    on:blur=move |_| form.leave(field)
                />
                <FieldMessage form field/>
            </div>
        }
    };

    let form_view = move || {
        view! {
            <form
                class="demo__form"
                method="post"
                action="/demo"
                novalidate
                aria-labelledby="demo-form-title"
                on:submit=on_submit
            >
                <h2 id="demo-form-title" class="demo__form-title">"Tell us about your team"</h2>
                <p class="demo__required-note">"All fields are required unless marked optional."</p>
                {move || notice.get().map(|text| view! {
                    <p id="demo-notice" class="form-notice form-notice--error" role="alert" tabindex="-1" autofocus=notice_autofocus>
                        {text}
                    </p>
                })}
                <ErrorSummary form/>
                {input_row(DemoField::Name, "Your name", "text", "name", true)}
                {input_row(DemoField::Email, "Work e-mail", "email", "email", true)}
                {input_row(DemoField::Company, "Company", "text", "organization", true)}
                {input_row(DemoField::Phone, "Phone", "tel", "tel", false)}
                <div class="field" class:field--invalid=move || form.error(DemoField::TeamSize).is_some()>
                    <label for=DemoField::TeamSize.input_id()>"Team size"</label>
                    <select
                        id=DemoField::TeamSize.input_id()
                        name=DemoField::TeamSize.name()
                        required
                        autofocus=first_invalid == Some(DemoField::TeamSize)
                        aria-invalid=move || form.error(DemoField::TeamSize).is_some().then_some("true")
                        aria-describedby=move || form.described_by(DemoField::TeamSize, None)
                        on:change:target=move |ev| {
                            form.input(DemoField::TeamSize, ev.target().value());
                            form.check(DemoField::TeamSize);
                        }
                    >
                        <option value="" selected=initial.with_value(|f| f.team_size.is_empty())>"Choose…"</option>
                        {TeamSize::ALL
                            .into_iter()
                            .map(|size| view! {
                                <option value=size.as_str() selected=initial.with_value(|f| f.team_size == size.as_str())>
                                    {size.label()}
                                </option>
                            })
                            .collect_view()}
                    </select>
                    <FieldMessage form field=DemoField::TeamSize/>
                </div>
                <div class="field" class:field--invalid=move || form.error(DemoField::Message).is_some()>
                    <label for=DemoField::Message.input_id()>
                        "What would you like to see?"
                        <span class="field__optional">" (optional)"</span>
                    </label>
                    <textarea
                        id=DemoField::Message.input_id()
                        name=DemoField::Message.name()
                        rows="4"
                        autofocus=first_invalid == Some(DemoField::Message)
                        aria-invalid=move || form.error(DemoField::Message).is_some().then_some("true")
                        aria-describedby=move || form.described_by(DemoField::Message, Some("demo-message-hint"))
                        on:input:target=move |ev| form.input(DemoField::Message, ev.target().value())
                        on:blur=move |_| form.leave(DemoField::Message)
                    >
                        {initial.with_value(|f| textarea_text(&f.message))}
                    </textarea>
                    <p id="demo-message-hint" class="field__hint">
                        {format!("Up to {} characters.", super::model::MESSAGE_MAX_CHARS)}
                    </p>
                    <FieldMessage form field=DemoField::Message/>
                </div>
                <div class="field field--checkbox">
                    <input
                        id="demo-marketing"
                        name="marketing"
                        type="checkbox"
                        checked=initial.with_value(DemoFields::wants_marketing)
                        on:change:target=move |ev| {
                            let ticked = ev.target().checked();
                            form.fields.update(|f| f.marketing = ticked.then(|| "on".to_owned()));
                        }
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
                    <input id="demo-website" name="website" type="text" tabindex="-1" autocomplete="off" node_ref=trap/>
                </div>
                <input type="hidden" name="stamp" value=move || stamp.get()/>
                {policy_version.map(|version| view! {
                    <input type="hidden" name="policy_version" value=version.to_string()/>
                })}
                <p>
                    <button type="submit" class="button" aria-disabled=move || pending.get().then_some("true")>
                        {move || if pending.get() { "Sending…" } else { "Request a demo" }}
                    </button>
                </p>
            </form>
        }
    };

    view! {
        <Show when=move || sent.get() fallback=form_view>
            <DemoThanks heading_level=2/>
        </Show>
    }
}

/// A field's error, tied to its input by `aria-describedby`.
#[component]
fn FieldMessage(form: Form, field: DemoField) -> impl IntoView {
    move || {
        form.error(field).map(|message| {
            view! {
                <p id=field.error_id() class="field__error">
                    <span class="visually-hidden">"Error: "</span>
                    {message}
                </p>
            }
        })
    }
}

/// Every problem at the top of the form, each linking to its field.
#[component]
fn ErrorSummary(form: Form) -> impl IntoView {
    move || {
        let errors = form.errors.get();
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
}
