//! The parts of a person's page that list their further e-mail addresses and phone numbers and
//! their mailing addresses, each added with a small form and removed with its own button. Every
//! change answers with the person as now stored, which the page shows with its timeline.

use leptos::prelude::*;

use crm_core::people::contacts::{
    ADDRESS_FIELDS, AddressFields, AddressKind, COUNTRY_MAX_CHARS, ContactType, PLACE_MAX_CHARS,
    POSTAL_CODE_MAX_CHARS, PersonList, STREET_MAX_CHARS,
};

use crm_core::error::AppError;
use crm_core::people::{Person, PersonRecord};
use crm_core::records::TimelineEntry;

use super::api::{add_person_address, add_person_contact, remove_person_item};
use crate::form::FieldError;
use crate::layout::{focus_by_id, use_hydrated};

/// The error of `AppError::Validation` for `field`, or any other error's text (for the form's
/// first field when it is not about one).
fn problem_of(error: &AppError) -> (Option<String>, String) {
    match error {
        AppError::Validation { field, message } => (Some(field.clone()), message.clone()),
        other => (None, other.to_string()),
    }
}

/// A line under a list saying what was just added or removed, for screen readers as well.
#[component]
fn ChangeNews(news: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <p class="person__news" role="status" aria-live="polite">{move || news.get()}</p>
    }
}

/// One of the lists on a person's page, and what its section shows while it changes.
#[derive(Clone, Copy)]
struct ListSection {
    person: RwSignal<Person>,
    list: PersonList,
    busy: RwSignal<bool>,
    news: RwSignal<Option<String>>,
    apply: Callback<PersonRecord>,
    /// The id of the input of the section's form, which has the focus after a removal.
    focus: &'static str,
}

impl ListSection {
    /// Removes an item (`described` as the timeline says it) and says so.
    fn remove(self, item: String, described: String) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        let id = self.person.with_untracked(|p| p.id.to_string());
        leptos::task::spawn_local(async move {
            match remove_person_item(id, self.list, item).await {
                Ok(record) => {
                    self.apply.run(record);
                    self.news.set(Some(format!("Removed {described}.")));
                    request_animation_frame(move || focus_by_id(self.focus));
                }
                Err(problem) => self.news.set(Some(problem.to_string())),
            }
            self.busy.set(false);
        });
    }
}

/// "Further e-mail addresses and phone numbers": each with its type and a Remove button, and a
/// form to add one.
#[component]
pub fn PersonContacts(person: RwSignal<Person>, apply: Callback<PersonRecord>) -> impl IntoView {
    let ready = use_hydrated();
    let busy = RwSignal::new(false);
    let kind = RwSignal::new(ContactType::WorkEmail);
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let news = RwSignal::new(None::<String>);
    let id = move || person.with_untracked(|p| p.id.to_string());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (kind, typed) = (kind.get_untracked(), value.get_untracked());
        if let Err(message) = kind.check(&typed) {
            error.set(Some(message));
            focus_by_id("person-contact-value");
            return;
        }
        busy.set(true);
        error.set(None);
        let id = id();
        leptos::task::spawn_local(async move {
            match add_person_contact(id, kind, typed.clone()).await {
                Ok(record) => {
                    let added = record.person.contacts.last().map(|c| c.describe());
                    apply.run(record);
                    value.set(String::new());
                    news.set(added.map(|added| format!("Added {added}.")));
                    request_animation_frame(|| focus_by_id("person-contact-value"));
                }
                Err(problem) => {
                    error.set(Some(problem_of(&problem).1));
                    request_animation_frame(|| focus_by_id("person-contact-value"));
                }
            }
            busy.set(false);
        });
    };
    let section = ListSection {
        person,
        list: PersonList::Contacts,
        busy,
        news,
        apply,
        focus: "person-contact-value",
    };
    let remove = move |item: String, described: String| section.remove(item, described);
    let hint = move || match kind.get().channel() {
        crm_core::people::contacts::Channel::Email => "For example ada@example.com.",
        crm_core::people::contacts::Channel::Phone => {
            "As dialled in the workspace's country, or with the country code: +44 20 7946 0958."
        }
    };
    view! {
        <section aria-labelledby="contacts-title" class="person__contacts">
            <h2 id="contacts-title">"Further e-mail addresses and phone numbers"</h2>
            {move || {
                let contacts = person.with(|p| p.contacts.clone());
                if contacts.is_empty() {
                    view! { <p class="record__empty">"None beyond the main e-mail address and phone number."</p> }.into_any()
                } else {
                    view! {
                        <ul class="person__contact-list">
                            {contacts.into_iter().map(|contact| {
                                let item = contact.id.to_string();
                                let described = contact.describe();
                                let label = format!("Remove the {} {}", contact.kind.label().to_lowercase(), contact.value);
                                view! {
                                    <li>
                                        <span class="person__item-type">{contact.kind.label()}</span>
                                        " "
                                        <span class="person__item-value">{contact.value}</span>
                                        " "
                                        <button
                                            type="button"
                                            class="button button--small button--quiet"
                                            aria-label=label
                                            disabled=move || busy.get() || !ready.get()
                                            on:click=move |_| remove(item.clone(), described.clone())
                                        >
                                            "Remove"
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
            <ChangeNews news/>
            <form class="person__add-contact" on:submit=add novalidate>
                <div class="field">
                    <label for="person-contact-type">"Type"</label>
                    <select
                        id="person-contact-type"
                        on:change:target=move |ev| {
                            if let Some(chosen) = ContactType::parse(&ev.target().value()) {
                                kind.set(chosen);
                            }
                        }
                    >
                        {ContactType::ALL.into_iter().map(|option| view! {
                            <option value=option.as_str() selected=move || kind.get() == option>
                                {option.label()}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field" class:field--invalid=move || error.with(Option::is_some)>
                    <label for="person-contact-value">"E-mail address or phone number"</label>
                    <input
                        id="person-contact-value"
                        type="text"
                        autocomplete="off"
                        maxlength="254"
                        prop:value=move || value.get()
                        on:input:target=move |ev| value.set(ev.target().value())
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        aria-describedby=move || {
                            if error.with(Option::is_some) {
                                "person-contact-hint person-contact-error"
                            } else {
                                "person-contact-hint"
                            }
                        }
                    />
                    <p id="person-contact-hint" class="field__hint">{hint}</p>
                    {move || error.get().map(|message| view! {
                        <FieldError id="person-contact-error".to_owned() message live=true/>
                    })}
                </div>
                <button type="submit" class="button" disabled=move || busy.get() || !ready.get()>"Add"</button>
            </form>
        </section>
    }
}

/// The id of an address form's input.
fn address_input(name: &str) -> String {
    format!("person-address-{}", name.replace('_', "-"))
}

/// "Mailing addresses": each as a letter shows it, with a Remove button, and a form to add one.
#[component]
pub fn PersonAddresses(person: RwSignal<Person>, apply: Callback<PersonRecord>) -> impl IntoView {
    let ready = use_hydrated();
    let busy = RwSignal::new(false);
    let fields = RwSignal::new(AddressFields {
        kind: AddressKind::Work.as_str().to_owned(),
        ..AddressFields::default()
    });
    // (field name, what to fix), in the form's order.
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let news = RwSignal::new(None::<String>);
    let id = move || person.with_untracked(|p| p.id.to_string());
    let show_problems = move |problems: Vec<(String, String)>| {
        let first = problems.first().map(|(field, _)| address_input(field));
        errors.set(problems);
        if let Some(first) = first {
            request_animation_frame(move || focus_by_id(&first));
        }
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let typed = fields.get_untracked();
        let problems: Vec<(String, String)> = typed
            .problems()
            .into_iter()
            .map(|(field, message)| (field.to_owned(), message))
            .collect();
        if !problems.is_empty() {
            show_problems(problems);
            return;
        }
        busy.set(true);
        errors.set(Vec::new());
        let id = id();
        leptos::task::spawn_local(async move {
            match add_person_address(id, typed).await {
                Ok(record) => {
                    let added = record.person.addresses.last().map(|a| a.describe());
                    apply.run(record);
                    fields.set(AddressFields {
                        kind: AddressKind::Work.as_str().to_owned(),
                        ..AddressFields::default()
                    });
                    news.set(added.map(|added| format!("Added {added}.")));
                    request_animation_frame(|| focus_by_id(&address_input("street")));
                }
                Err(problem) => {
                    let (field, message) = problem_of(&problem);
                    show_problems(vec![(
                        field.unwrap_or_else(|| "street".to_owned()),
                        message,
                    )]);
                }
            }
            busy.set(false);
        });
    };
    let section = ListSection {
        person,
        list: PersonList::Addresses,
        busy,
        news,
        apply,
        focus: "person-address-street",
    };
    let remove = move |item: String, described: String| section.remove(item, described);
    let error_of = move |name: &'static str| {
        errors.with(|errors| {
            errors
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, message)| message.clone())
        })
    };
    let input = move |name: &'static str, label: &'static str| {
        let input_id = address_input(name);
        let error_id = format!("{input_id}-error");
        let required = matches!(name, "street" | "city" | "country");
        let (autocomplete, max) = match name {
            "street" => ("street-address", STREET_MAX_CHARS),
            "city" => ("address-level2", PLACE_MAX_CHARS),
            "region" => ("address-level1", PLACE_MAX_CHARS),
            "postal_code" => ("postal-code", POSTAL_CODE_MAX_CHARS),
            _ => ("country-name", COUNTRY_MAX_CHARS),
        };
        let described = error_id.clone();
        view! {
            <div class="field" class:field--invalid=move || error_of(name).is_some()>
                <label for=input_id.clone()>
                    {label}
                    {(!required).then(|| view! { <span class="field__optional">" (optional)"</span> })}
                </label>
                <input
                    id=input_id
                    type="text"
                    autocomplete=autocomplete
                    maxlength=max.to_string()
                    aria-required=required.then_some("true")
                    prop:value=move || fields.with(|f| f.value(name).to_owned())
                    on:input:target=move |ev| fields.update(|f| f.set(name, ev.target().value()))
                    aria-invalid=move || error_of(name).is_some().then_some("true")
                    aria-describedby=move || error_of(name).is_some().then(|| described.clone())
                />
                {move || error_of(name).map(|message| view! {
                    <FieldError id=error_id.clone() message live=true/>
                })}
            </div>
        }
    };
    view! {
        <section aria-labelledby="addresses-title" class="person__addresses">
            <h2 id="addresses-title">"Mailing addresses"</h2>
            {move || {
                let addresses = person.with(|p| p.addresses.clone());
                if addresses.is_empty() {
                    view! { <p class="record__empty">"No mailing address yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="person__address-list">
                            {addresses.into_iter().map(|address| {
                                let item = address.id.to_string();
                                let described = address.describe();
                                let label = format!("Remove the {} address {}", address.kind.label().to_lowercase(), address.lines().join(", "));
                                view! {
                                    <li>
                                        <span class="person__item-type">{address.kind.label()}</span>
                                        <address>
                                            {address.lines().into_iter().map(|line| view! { <span>{line}</span> }).collect_view()}
                                        </address>
                                        <button
                                            type="button"
                                            class="button button--small button--quiet"
                                            aria-label=label
                                            disabled=move || busy.get() || !ready.get()
                                            on:click=move |_| remove(item.clone(), described.clone())
                                        >
                                            "Remove"
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
            <ChangeNews news/>
            <form class="person__add-address" on:submit=add novalidate>
                <fieldset>
                    <legend>"Add a mailing address"</legend>
                    <div class="field" class:field--invalid=move || error_of("kind").is_some()>
                        <label for="person-address-kind">"Type"</label>
                        <select
                            id="person-address-kind"
                            aria-invalid=move || error_of("kind").is_some().then_some("true")
                            aria-describedby=move || error_of("kind").is_some().then_some("person-address-kind-error")
                            on:change:target=move |ev| fields.update(|f| f.kind = ev.target().value())
                        >
                            {AddressKind::ALL.into_iter().map(|option| view! {
                                <option
                                    value=option.as_str()
                                    selected=move || fields.with(|f| f.kind == option.as_str())
                                >
                                    {option.label()}
                                </option>
                            }).collect_view()}
                        </select>
                        {move || error_of("kind").map(|message| view! {
                            <FieldError id="person-address-kind-error".to_owned() message live=true/>
                        })}
                    </div>
                    {ADDRESS_FIELDS.into_iter().map(|(name, label)| input(name, label)).collect_view()}
                    <button type="submit" class="button" disabled=move || busy.get() || !ready.get()>"Add address"</button>
                </fieldset>
            </form>
        </section>
    }
}

/// Keeps a person's page in step with their record as the server answered it.
pub fn applier(
    person: RwSignal<Person>,
    timeline: RwSignal<Vec<TimelineEntry>>,
) -> Callback<PersonRecord> {
    Callback::new(move |record: PersonRecord| {
        person.set(record.person);
        timeline.set(record.timeline);
    })
}
