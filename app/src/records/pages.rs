//! What every record page shows the same way: a field edited in place (with its unsaved edit kept
//! as a local draft) and the activity timeline.

use std::future::Future;

use gloo_storage::Storage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crm_core::records::{
    ConversionRole, EditableRecord, FieldInput, Kind, MemberOption, NOTE_MAX_CHARS, PageLinks,
    RecordField, TimelineEntry, TimelineEvent, check_note, list_field_phrase, may_delete_note,
    may_edit_note,
};

use crm_core::duplicates::MergeNotice;
use crm_core::error::AppError;
use crm_core::forms::FormState;
use crm_core::ids::{MemberId, NoteId};
use crm_core::time::Wallclock;

use super::remote::RecordApi;
use super::selection::{BulkActions, Selection, TickAllCell};
use crate::form::TextField;
use crate::layout::{
    error_alert, focus_by_id, loaded, loading, use_clock, use_hydrated, use_viewer,
};

/// An edit not yet saved, kept in local storage so a reload does not lose it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "F: RecordField")]
struct FieldDraft<F> {
    /// The member who typed it: a draft is shown to no one else on a shared browser. Drafts kept
    /// before drafts were the member's have none, and are shown to nobody.
    #[serde(default)]
    member: Option<MemberId>,
    /// The record's id (`person` in drafts kept before companies had pages).
    #[serde(alias = "person")]
    record: String,
    field: F,
    value: String,
    /// The field's value when the edit started: if the record says otherwise when the draft
    /// comes back, someone changed it since, and the page says so before anything is saved.
    base: String,
}

fn read_drafts<R: EditableRecord>() -> Vec<FieldDraft<R::Field>> {
    gloo_storage::LocalStorage::get::<Vec<FieldDraft<R::Field>>>(R::DRAFT_KEY).unwrap_or_default()
}

/// What a restored draft says when the record changed since it was started: their value, and
/// the one typed.
fn draft_conflict_message(label: &str, theirs: &str, yours: &str) -> String {
    let quoted = |value: &str| {
        if value.is_empty() {
            "an empty value".to_owned()
        } else {
            format!("\u{201c}{value}\u{201d}")
        }
    };
    format!(
        "Since you started this edit, someone else changed {} to {}. Yours, not saved yet, is {}: \
         save to replace their value, or press Cancel to keep it.",
        label.to_lowercase(),
        quoted(theirs),
        quoted(yours)
    )
}

fn write_draft<R: EditableRecord>(draft: FieldDraft<R::Field>) {
    let mut drafts = read_drafts::<R>();
    drafts.retain(|d| !(d.record == draft.record && d.field == draft.field));
    drafts.push(draft);
    // A full or disabled storage only means no draft: the page works on.
    let _ = gloo_storage::LocalStorage::set(R::DRAFT_KEY, drafts);
}

fn discard_draft<R: EditableRecord>(record: &str, field: R::Field) {
    let mut drafts = read_drafts::<R>();
    drafts.retain(|d| !(d.record == record && d.field == field));
    if drafts.is_empty() {
        gloo_storage::LocalStorage::delete(R::DRAFT_KEY);
    } else {
        let _ = gloo_storage::LocalStorage::set(R::DRAFT_KEY, drafts);
    }
}

/// The frame of a record's page (`/app/people/{id}` and the others): loads the record the URL's
/// `id` names and shows it with `show(record, created)` (`created` when the URL says it was just
/// added), or says it was not found, with that status.
///
/// On the server, `Suspense` may run `show` again while the record settles and dispose the
/// earlier run, on another thread, under load. What `show` builds must not need its owner once
/// it is gone: the page's title is a [`RecordTitle`], and links in record pages and lists are
/// plain `<a>` elements (the router follows them all the same), not `<A>`, which looks the router
/// up in its owner and panicked once in about 40,000 requests when that owner was gone.
#[component]
pub fn RecordPage<T, Fut, V>(
    /// The page's class ("person").
    class: &'static str,
    /// The list's URL and its name ("people").
    list_href: &'static str,
    list_name: &'static str,
    /// The heading when there is no such record ("Person not found").
    not_found: &'static str,
    load: fn(String) -> Fut,
    show: fn(T, bool) -> V,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let data = Resource::new_blocking(
        move || id.get(),
        move |id| async move { load(id).await.inspect_err(AppError::set_response_status) },
    );
    let url = use_query_map();
    let created = move || url.with(|q| q.get("created").is_some());
    view! {
        <Meta name="robots" content="noindex"/>
        <div class=format!("page {class}")>
            <p><a href=list_href>{format!("Back to {list_name}")}</a></p>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let created = created();
                    match data.await {
                        Ok(record) => show(record, created).into_any(),
                        Err(error) => view! {
                            <Title text=not_found/>
                            <h1>{not_found}</h1>
                            {error_alert(&error)}
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// A record page's `<Title>`, which follows the record as it is edited in the page.
///
/// On the server the page's head is written after its body, when the reactive owner of a signal
/// made inside [`RecordPage`]'s `Suspend` may already be gone: `Suspense` walks its children again
/// while resources settle (on another thread, under load) and disposes the earlier run, whose
/// `<Title>` stays registered. A title that read the record through its `RwSignal` then panicked
/// ("a reactive value that has already been disposed", or "no Arena is active") in about one
/// record page in ten at 16 requests at once. This title holds the signal's shared value itself,
/// which lives as long as the title does, whichever owner goes first.
#[component]
pub fn RecordTitle<T>(
    /// The record the page shows.
    record: RwSignal<T>,
    /// The title's text for it (a person's full name).
    text: fn(&T) -> String,
) -> impl IntoView
where
    T: Send + Sync + 'static,
{
    let record = ArcRwSignal::from(record);
    view! { <Title text=move || record.with(text)/> }
}

/// The search box of a list (`{prefix}-q`), with its hint and, when part of the query could not
/// be used, the message `ListNotices` shows.
#[component]
pub fn ListSearch(
    /// The start of its element ids ("people").
    prefix: &'static str,
    value: String,
    hint: &'static str,
    problem: bool,
) -> impl IntoView {
    let input_id = format!("{prefix}-q");
    let hint_id = format!("{prefix}-q-hint");
    let described_by = if problem {
        format!("{hint_id} {prefix}-problem")
    } else {
        hint_id.clone()
    };
    view! {
        <div class="field list__search">
            <label for=input_id.clone()>"Search"</label>
            // The attribute is for the page as the server draws it; the property keeps the box in
            // step with the URL when the list is drawn again in place (back, forward, a link).
            <input
                id=input_id
                name="q"
                type="search"
                value=value.clone()
                prop:value=value
                maxlength="100"
                aria-describedby=described_by
            />
            <p id=hint_id class="field__hint">{hint}</p>
        </div>
    }
}

/// One of a list's filters (`{prefix}-{name}`), sent with its search: a choice among `choices`
/// (value and label), showing `chosen`.
#[component]
pub fn ListFilter(
    prefix: &'static str,
    name: &'static str,
    label: &'static str,
    choices: Vec<(String, String)>,
    chosen: String,
) -> impl IntoView {
    let id = format!("{prefix}-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            // The chosen option is marked for the page as the server draws it; the property keeps
            // the control in step with the URL when the list is drawn again in place (back,
            // forward, a link), where a choice changed by hand would otherwise stay.
            <select id=id name=name prop:value=chosen.clone()>
                {choices.into_iter().map(|(value, text)| {
                    let selected = value == chosen;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A filter's choices written out: value and label.
pub fn fixed_choices(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(value, label)| ((*value).to_owned(), (*label).to_owned()))
        .collect()
}

/// The choices of a list's owner filter: anyone, or one of the members.
pub fn owner_choices(members: Vec<MemberOption>) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Anyone".to_owned()))
        .chain(members.into_iter().map(|m| (m.id.to_string(), m.name)))
        .collect()
}

/// The choices of a list's tag filter: any tag, or one of the tags in use.
pub fn tag_choices(tags: Vec<String>) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Any tag".to_owned()))
        .chain(tags.into_iter().map(|tag| (tag.clone(), tag)))
        .collect()
}

/// What a list says above its rows: why part of the query was not used (`{prefix}-problem`), and
/// a way back to the whole list when it is searched or filtered.
#[component]
pub fn ListNotices(
    prefix: &'static str,
    problem: Option<String>,
    /// How a short search was read: which records the list shows for it.
    note: Option<String>,
    /// The unfiltered list's URL, when the list is searched or filtered.
    clear_href: Option<&'static str>,
) -> impl IntoView {
    view! {
        {problem.map(|message| view! {
            <p id=format!("{prefix}-problem") class="form-notice form-notice--error" role="alert">{message}</p>
        })}
        {note.map(|message| view! {
            <p id=format!("{prefix}-search-note") class="form-notice" role="status">{message}</p>
        })}
        {clear_href.map(|href| view! { <p><a href=href>"Clear the search and filters"</a></p> })}
    }
}

/// A list's rows, or `empty` when there are none: a table captioned `caption` (`{prefix}-caption`)
/// with a column per header, its body the `children` rows, scrolling sideways on its own on narrow
/// screens.
#[component]
pub fn ListTable(
    prefix: &'static str,
    /// What the rows are and in which order.
    #[prop(into)]
    caption: String,
    headers: &'static [&'static str],
    /// What the list says when it has no rows.
    empty: Option<&'static str>,
    /// Rows that can be ticked and changed at once: the actions above the table and the box that
    /// ticks them all (each row starts with its own [`TickCell`]).
    #[prop(optional)]
    selection: Option<Selection>,
    children: Children,
) -> impl IntoView {
    if let Some(message) = empty {
        return view! { <p class="list__empty" role="status">{message}</p> }.into_any();
    }
    let caption_id = format!("{prefix}-caption");
    let labelled_by = caption_id.clone();
    let (actions, tick_all) = selection
        .map(|s| {
            (
                view! { <BulkActions kind=s.kind selected=s.selected on_page=s.on_page.clone() members=s.members on_done=s.on_done all_matching=s.all_matching/> }
                    .into_any(),
                view! { <TickAllCell kind=s.kind selected=s.selected on_page=s.on_page/> }
                    .into_any(),
            )
        })
        .unzip();
    view! {
        {actions}
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby=labelled_by>
            <table class="list__table">
                <caption id=caption_id>{caption}</caption>
                <thead>
                    <tr>
                        {tick_all}
                        {headers.iter().map(|header| view! { <th scope="col">{*header}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The frame of an "Add" page (`/app/people/new` and the others): a back link, the heading, and
/// `form(state)`, the page's plain form with what was posted and what to fix after a refusal.
#[component]
pub fn NewRecordPage<V>(
    /// The heading and title ("Add a person").
    title: &'static str,
    /// The page's class ("people-new").
    class: &'static str,
    /// The list's URL and its name ("people").
    list_href: &'static str,
    list_name: &'static str,
    form: fn(FormState) -> V,
) -> impl IntoView
where
    V: IntoView + 'static,
{
    let data = Resource::new_blocking(
        || (),
        |()| async {
            super::api::new_record_form()
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    view! {
        <Title text=title/>
        <Meta name="robots" content="noindex"/>
        <div class=format!("page page--narrow {class}")>
            <p><a href=list_href>{format!("Back to {list_name}")}</a></p>
            <h1>{title}</h1>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, move |state| form(state).into_any())
                })}
            </Suspense>
        </div>
    }
}

/// The records already in the workspace that may be the one an "Add" form describes, found by
/// the server before it stored anything: each named with a link to it and what it shares ("Ada
/// Lovelace at Analytical Engines already exists: the same e-mail address."). Takes the focus,
/// so it is read out first, unless fields have problems (then the form's summary comes first).
#[component]
pub fn ExistingRecords(
    form_id: &'static str,
    state: FormState,
    /// "this person": what the form adds, for the sentence that says what to do.
    noun: &'static str,
) -> impl IntoView {
    let may_add = state.errors.is_empty();
    (!state.existing.is_empty()).then(|| {
        let title_id = format!("{form_id}-existing-title");
        let labelled_by = title_id.clone();
        let heading = if state.existing.len() == 1 {
            "This may already be in the workspace"
        } else {
            "These may already be in the workspace"
        };
        let advice = if may_add {
            format!("Open it to add what is new there, or add {noun} anyway.")
        } else {
            "Open it, or change what is said below.".to_owned()
        };
        view! {
            <section
                id=format!("{form_id}-existing")
                class="form-existing"
                aria-labelledby=labelled_by
                tabindex="-1"
                autofocus=may_add
            >
                <h2 id=title_id>{heading}</h2>
                <ul>
                    {state
                        .existing
                        .into_iter()
                        .map(|existing| view! {
                            <li>
                                <a href=existing.href>{existing.title}</a>
                                {format!(" already exists: {}.", existing.why)}
                            </li>
                        })
                        .collect_view()}
                </ul>
                <p>{advice}</p>
            </section>
        }
    })
}

/// The button of an "Add" form ("Add this person"). After the server showed records that may
/// already be this one, it reads "Add this person anyway" and sends back their ids (and those
/// shown before), so that those are not asked about again.
#[component]
pub fn AddButton(state: FormState, label: &'static str) -> impl IntoView {
    let anyway = !state.existing.is_empty() && state.errors.is_empty();
    let seen = anyway.then(|| {
        let mut ids: Vec<String> = state
            .value("add_anyway")
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        ids.extend(state.existing.iter().map(|existing| existing.id.clone()));
        view! { <input type="hidden" name="add_anyway" value=ids.join(" ")/> }
    });
    view! {
        {seen}
        <button type="submit" class="button">
            {if anyway { format!("{label} anyway") } else { label.to_owned() }}
        </button>
    }
}

/// The phone number field of an "Add" form.
#[component]
pub fn PhoneField(form_id: &'static str, state: FormState) -> impl IntoView {
    view! {
        <TextField
            form_id
            state
            name="phone"
            label="Phone (optional)"
            kind="tel"
            autocomplete="off"
            hint="As dialled in the workspace's country, or with the country code: +44 20 7946 0958."
            maxlength=30
        />
    }
}

/// The tags field of an "Add" form.
#[component]
pub fn TagsField(form_id: &'static str, state: FormState) -> impl IntoView {
    view! {
        <TextField
            form_id
            state
            name="tags"
            label="Tags (optional)"
            autocomplete="off"
            hint="Separate tags with commas."
            maxlength=500
        />
    }
}

/// Where the page stands in the list ("Showing 1–50 of 12,408"), and "First page", "Previous
/// page" and "Next page" under it, when there are such pages.
#[component]
pub fn ListPages(links: PageLinks, summary: String) -> impl IntoView {
    let PageLinks {
        first,
        previous,
        next,
    } = links;
    view! {
        <nav class="list__pages" aria-label="Pages of the list">
            {(!summary.is_empty()).then(|| view! { <p class="list__count">{format!("Showing {summary}")}</p> })}
            {first.map(|href| view! { <a href=href>"First page"</a> })}
            {previous.map(|href| view! { <a href=href rel="prev">"Previous page"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
        </nav>
    }
}

/// "Add a note": written into the record's timeline without leaving the page (one server
/// function for every kind of record, which answers with the timeline).
#[component]
pub fn AddNote(kind: Kind, id: String, timeline: RwSignal<Vec<TimelineEntry>>) -> impl IntoView {
    let id = StoredValue::new(id);
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let added = RwSignal::new(false);
    let ready = use_hydrated();
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let typed = body.get_untracked();
        if let Err(message) = check_note(&typed) {
            error.set(Some(message));
            focus_by_id("note-body");
            return;
        }
        busy.set(true);
        error.set(None);
        added.set(false);
        leptos::task::spawn_local(async move {
            match super::api::add_note(kind, id.get_value(), typed).await {
                Ok(entries) => {
                    timeline.set(entries);
                    body.set(String::new());
                    added.set(true);
                }
                Err(problem) => {
                    error.set(Some(problem.to_string()));
                    focus_by_id("note-body");
                }
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="note-title" class="record__note js-only">
            <h2 id="note-title">"Add a note"</h2>
            <form on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }>
                <div class="field">
                    <label for="note-body">"Note"</label>
                    <textarea
                        id="note-body"
                        rows="3"
                        disabled=move || !ready.get()
                        maxlength=NOTE_MAX_CHARS.to_string()
                        aria-describedby=move || {
                            if error.with(Option::is_some) { "note-hint note-error" } else { "note-hint" }
                        }
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        prop:value=move || body.get()
                        on:input:target=move |ev| {
                            body.set(ev.target().value());
                            added.set(false);
                        }
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                                ev.prevent_default();
                                submit();
                            }
                        }
                    ></textarea>
                    <p id="note-hint" class="field__hint">"Ctrl+Enter adds the note too."</p>
                    {move || error.get().map(|message| view! {
                        <p id="note-error" class="field__error" role="alert">
                            <span class="visually-hidden">"Error: "</span>
                            {message}
                        </p>
                    })}
                </div>
                <button type="submit" class="button" disabled=move || busy.get() || !ready.get()>
                    "Add note"
                </button>
                " "
                <span role="status">{move || added.get().then_some("Note added to the activity.")}</span>
            </form>
        </section>
    }
}

/// "We brought back an edit you had not saved", shown while `restored` is true.
#[component]
pub fn RestoredNotice(restored: RwSignal<bool>) -> impl IntoView {
    move || {
        restored.get().then(|| {
            view! {
                <p class="form-notice form-notice--warning" role="status">
                    "We brought back an edit you had not saved. Save it, or press Cancel to discard it."
                </p>
            }
        })
    }
}

/// A record's activity, newest first. `label` names a field from its stored name; `noun` is
/// what was added ("this person").
#[component]
pub fn Timeline(
    timeline: RwSignal<Vec<TimelineEntry>>,
    label: fn(&str) -> Option<&'static str>,
    noun: &'static str,
) -> impl IntoView {
    // What the last change to a note did, said once to screen readers and shown beside the
    // heading.
    let said = RwSignal::new(None::<&'static str>);
    view! {
        <section aria-labelledby="timeline-title" class="record__timeline">
            // Focused when the note that had the focus is deleted.
            <h2 id="timeline-title" tabindex="-1">"Activity"</h2>
            <p class="timeline__said" role="status">{move || said.get()}</p>
            {move || timeline.with(Vec::is_empty).then(|| view! {
                <p class="record__empty">"No activity recorded yet."</p>
            })}
            <ol class="timeline">
                <For each=move || timeline.get() key=|entry| (entry.at, format!("{:?}", entry.event)) let:entry>
                    <TimelineItem entry label noun timeline said/>
                </For>
            </ol>
        </section>
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum EditState {
    Showing,
    Editing,
    Saving,
}

/// One field of a record: shown, and editable in place. Enter (or Save) stores it, Escape (or
/// Cancel) leaves it as it was; the new value shows at once and goes back if the server refuses,
/// with the reason beside the field.
#[component]
pub fn EditableField<R: RecordApi>(
    /// The record's id.
    id: String,
    field: R::Field,
    record: RwSignal<R>,
    timeline: RwSignal<Vec<TimelineEntry>>,
    members: StoredValue<Vec<MemberOption>>,
    /// Set when an unsaved edit came back from local storage.
    restored: RwSignal<bool>,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let state = RwSignal::new(EditState::Showing);
    // "Edit" works through the page's code: it is disabled until that code has taken over.
    let ready = use_hydrated();
    let value = RwSignal::new(String::new());
    let base = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let input_id = format!("{}-{}", R::KIND, field.name());
    let edit_button_id = format!("{}-{}-edit", R::KIND, field.name());
    let error_id = format!("{}-{}-error", R::KIND, field.name());
    let hint_id = format!("{}-{}-hint", R::KIND, field.name());

    // In the browser, once: an edit a reload would have lost comes back, to the member who typed
    // it; if the field changed since it was started, the page shows both values first.
    {
        let input_id = input_id.clone();
        let viewer = use_viewer();
        Effect::new(move |_| {
            let Some(member) = viewer.with_untracked(|v| v.as_ref().map(|v| v.member_id)) else {
                return;
            };
            if let Some(draft) = read_drafts::<R>().into_iter().find(|d| {
                d.member == Some(member) && id.with_value(|id| d.record == *id) && d.field == field
            }) {
                let theirs = record.with_untracked(|r| r.value(field));
                if theirs != draft.base {
                    error.set(Some(draft_conflict_message(
                        field.label(),
                        &theirs,
                        &draft.value,
                    )));
                }
                // Saving now replaces what is stored, knowingly: the base is what the page shows.
                base.set(theirs);
                value.set(draft.value);
                state.set(EditState::Editing);
                restored.set(true);
                let input_id = input_id.clone();
                request_animation_frame(move || focus_by_id(&input_id));
            }
        });
    }

    let start = {
        let input_id = input_id.clone();
        move |_| {
            let current = record.with_untracked(|r| r.value(field));
            value.set(current.clone());
            base.set(current);
            error.set(None);
            state.set(EditState::Editing);
            let input_id = input_id.clone();
            request_animation_frame(move || focus_by_id(&input_id));
        }
    };
    let finish = {
        let edit_button_id = edit_button_id.clone();
        move || {
            state.set(EditState::Showing);
            error.set(None);
            id.with_value(|id| discard_draft::<R>(id, field));
            let edit_button_id = edit_button_id.clone();
            request_animation_frame(move || focus_by_id(&edit_button_id));
        }
    };
    let cancel = {
        let finish = finish.clone();
        move || finish()
    };
    let save = {
        let finish = finish.clone();
        let input_id = input_id.clone();
        move || {
            if state.get_untracked() == EditState::Saving {
                return;
            }
            let typed = value.get_untracked();
            if let Err(message) = field.check(&typed) {
                error.set(Some(message));
                focus_by_id(&input_id);
                return;
            }
            let before = record.get_untracked();
            // Shown at once; put back if the server refuses.
            record.update(|r| {
                members.with_value(|members| r.set(field, typed.trim().to_owned(), members));
            });
            state.set(EditState::Saving);
            let finish = finish.clone();
            let input_id = input_id.clone();
            leptos::task::spawn_local(async move {
                let result = R::save(
                    id.get_value(),
                    field,
                    typed.clone(),
                    base.get_untracked(),
                    before.version(),
                )
                .await;
                match result {
                    Ok(saved) => {
                        record.set(saved.record);
                        timeline.set(saved.timeline);
                        restored.set(false);
                        finish();
                    }
                    Err(problem) => {
                        record.set(before);
                        if let AppError::Conflict(_) = problem {
                            // Their value is now the one to replace, knowingly.
                            if let Ok(saved) = R::reload(id.get_value()).await {
                                base.set(saved.record.value(field));
                                record.set(saved.record);
                                timeline.set(saved.timeline);
                            }
                        }
                        error.set(Some(problem.to_string()));
                        state.set(EditState::Editing);
                        focus_by_id(&input_id);
                    }
                }
            });
        }
    };
    let on_key = {
        let save = save.clone();
        let cancel = cancel.clone();
        move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                save();
            }
            "Escape" => {
                ev.prevent_default();
                cancel();
            }
            _ => {}
        }
    };
    let typist = use_viewer();
    let on_input = move |new: String| {
        value.set(new.clone());
        error.set(None);
        write_draft::<R>(FieldDraft {
            member: typist.with_untracked(|v| v.as_ref().map(|v| v.member_id)),
            record: id.get_value(),
            field,
            value: new,
            base: base.get_untracked(),
        });
    };
    let described_by = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if field.hint().is_some() {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };

    let label_id = format!("{}-{}-label", R::KIND, field.name());
    let input = {
        let input_id = input_id.clone();
        let label_id = label_id.clone();
        move || {
            let input_id = input_id.clone();
            let label_id = label_id.clone();
            let on_key = on_key.clone();
            let described_by = described_by.clone();
            match field.input() {
                FieldInput::Text {
                    kind,
                    autocomplete,
                    max_chars,
                } => view! {
                    <input
                        id=input_id
                        aria-labelledby=label_id
                        name=field.name()
                        type=kind
                        autocomplete=autocomplete
                        maxlength=max_chars.to_string()
                        prop:value=move || value.get()
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        aria-describedby=described_by
                        on:input:target=move |ev| on_input(ev.target().value())
                        on:keydown=on_key
                    />
                }
                .into_any(),
                choice => {
                    // Fixed choices, or the workspace's members: (stored value, label).
                    let options: Vec<(String, String)> = match choice {
                        FieldInput::Choice(options) => options
                            .iter()
                            .map(|(stored, label)| ((*stored).to_owned(), (*label).to_owned()))
                            .collect(),
                        _ => std::iter::once((String::new(), "Nobody".to_owned()))
                            .chain(
                                members
                                    .get_value()
                                    .into_iter()
                                    .map(|m| (m.id.to_string(), m.name)),
                            )
                            .collect(),
                    };
                    view! {
                    <select
                        id=input_id
                        aria-labelledby=label_id
                        name=field.name()
                        prop:value=move || value.get()
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        aria-describedby=described_by
                        on:change:target=move |ev| on_input(ev.target().value())
                        on:keydown=on_key
                    >
                        {options.into_iter().map(|(stored, label)| {
                            let chosen = stored.clone();
                            view! { <option value=stored selected=move || value.get() == chosen>{label}</option> }
                        }).collect_view()}
                    </select>
                }
                .into_any()
                }
            }
        }
    };
    let clock = StoredValue::new(use_clock());
    let display = move || {
        let shown = clock.with_value(|clock| record.with(|r| r.shown(field, clock)));
        if shown.is_empty() {
            view! { <span class="record__empty">"Not set"</span> }.into_any()
        } else {
            view! { <span>{shown}</span> }.into_any()
        }
    };
    // A memo: the switch between shown and edited re-renders only when it flips, not while saving.
    let editing = Memo::new(move |_| state.get() != EditState::Showing);
    let saving = move || state.get() == EditState::Saving;
    let shower = move || {
        let start = start.clone();
        view! {
            <span class="record__value">{display}</span>
            " "
            <button
                type="button"
                id=edit_button_id.clone()
                class="button button--small button--quiet"
                aria-label=format!("Edit {}", field.label().to_lowercase())
                disabled=move || !ready.get()
                on:click=start
            >
                "Edit"
            </button>
        }
        .into_any()
    };
    let editor = move || {
        let save = save.clone();
        let cancel = cancel.clone();
        let error_id = error_id.clone();
        view! {
            {input()}
            {field.hint().map(|hint| view! { <p id=hint_id.clone() class="field__hint">{hint}</p> })}
            <span class="record__actions">
                <button type="button" class="button button--small" disabled=saving on:click=move |_| save()>
                    {move || if saving() { "Saving\u{2026}" } else { "Save" }}
                </button>
                <button type="button" class="button button--small button--quiet" on:click=move |_| cancel()>
                    "Cancel"
                </button>
            </span>
            {move || error.get().map(|message| view! {
                <p id=error_id.clone() class="field__error" role="alert">
                    <span class="visually-hidden">"Error: "</span>
                    {message}
                </p>
            })}
        }
        .into_any()
    };
    view! {
        <div class="record__field" class:record__field--editing=editing>
            <dt id=label_id>{field.label()}</dt>
            <dd>{move || if editing.get() { editor() } else { shower() }}</dd>
        </div>
    }
}

#[component]
fn TimelineItem(
    entry: TimelineEntry,
    label: fn(&str) -> Option<&'static str>,
    noun: &'static str,
    timeline: RwSignal<Vec<TimelineEntry>>,
    said: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let who = entry.actor.unwrap_or_else(|| "A former member".to_owned());
    if let TimelineEvent::Note {
        id,
        body,
        author,
        edited_at,
    } = entry.event
    {
        let note = WrittenNote {
            id,
            body,
            who,
            author,
            at: entry.at,
            edited_at,
        };
        return view! { <NoteItem note timeline said/> }.into_any();
    }
    let quoted = |value: &str| {
        if value.is_empty() {
            "(empty)".to_owned()
        } else {
            format!("\u{201c}{value}\u{201d}")
        }
    };
    let said = |what: String| (what, None, String::new(), None);
    let (what, link, after, note) = match entry.event {
        TimelineEvent::Created => said(format!("{who} added {noun}.")),
        // An item added to one of the record's lists (a person linked to an opportunity, a
        // person's further e-mail address or mailing address) or removed from it.
        TimelineEvent::Changed { field, old, new } if list_field_phrase(&field).is_some() => {
            let list = list_field_phrase(&field).unwrap_or_default();
            said(if old.is_empty() {
                format!("{who} added {} to {list} {noun}.", quoted(&new))
            } else {
                format!("{who} removed {} from {list} {noun}.", quoted(&old))
            })
        }
        TimelineEvent::Changed { field, old, new } => {
            let label = label(&field).unwrap_or("a field");
            said(format!(
                "{who} changed {} from {} to {}.",
                label.to_lowercase(),
                quoted(&old),
                quoted(&new)
            ))
        }
        // Shown by `NoteItem`, above.
        TimelineEvent::Note { body, .. } => (
            format!("{who} wrote a note:"),
            None,
            String::new(),
            Some(body),
        ),
        TimelineEvent::NoteDeleted => said(format!("{who} deleted a note.")),
        TimelineEvent::TaskAdded { title, due } => said(match due {
            Some(due) => format!(
                "{who} added the task {}, due {}.",
                quoted(&title),
                use_clock().date(due)
            ),
            None => format!("{who} added the task {}.", quoted(&title)),
        }),
        TimelineEvent::TaskDone { title } => {
            said(format!("{who} ticked the task {} done.", quoted(&title)))
        }
        TimelineEvent::Converted { role, id, name } => {
            let (before, after) = match role {
                ConversionRole::IntoPerson => (
                    format!("{who} converted this lead into the new person"),
                    ".".to_owned(),
                ),
                ConversionRole::MatchedPerson => (
                    format!("{who} converted this lead into"),
                    ", who was already a person here with its e-mail address.".to_owned(),
                ),
                ConversionRole::IntoCompany => (
                    format!("{who} added the company"),
                    " when converting this lead.".to_owned(),
                ),
                ConversionRole::IntoOpportunity => (
                    format!("{who} opened the opportunity"),
                    " when converting this lead.".to_owned(),
                ),
                ConversionRole::FromLead => (
                    format!("{who} added {noun} by converting the lead"),
                    ".".to_owned(),
                ),
                ConversionRole::MatchedLead => (
                    format!("{who} converted the lead"),
                    format!(" into {noun}, matched by e-mail address."),
                ),
            };
            // The other record was deleted since: its name and link went with it, and the
            // sentence is one text.
            if id.is_empty() {
                said(format!("{before} (since deleted){after}"))
            } else {
                (before, Some((role.href(&id), name)), after, None)
            }
        }
        TimelineEvent::Merged {
            kind,
            role,
            id,
            name,
        } => {
            let (before, after) = role.sentence(noun);
            let before = format!("{who} {before}");
            if id.is_empty() {
                said(format!("{before} a {} since deleted{after}", kind.noun()))
            } else {
                (before, Some((kind.href(&id), name)), after, None)
            }
        }
    };
    view! {
        <li class="timeline__entry">
            <span>
                {what}
                {link.map(|(href, name)| view! { " " <a href=href>{name}</a> })}
                {after}
            </span>
            " "
            <time class="timeline__time" datetime=Wallclock::machine(entry.at)>
                {use_clock().time(entry.at)}
            </time>
            {note.map(|body| view! { <blockquote class="timeline__note">{body}</blockquote> })}
        </li>
    }
    .into_any()
}

/// A note as its timeline entry shows it: `who` wrote it (`author`, `None` once they have left).
struct WrittenNote {
    id: NoteId,
    body: String,
    who: String,
    author: Option<MemberId>,
    at: i64,
    edited_at: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NoteState {
    Showing,
    Editing,
    Saving,
    ConfirmingDeletion,
    Deleting,
}

/// A note in the timeline, with "Edit" for its author and "Delete" for its author and the
/// workspace's owner and admins (the server decides again). Editing happens in place: Ctrl+Enter
/// (or Save) saves, Escape (or Cancel) leaves it as it was. Deleting is asked first.
#[component]
fn NoteItem(
    note: WrittenNote,
    timeline: RwSignal<Vec<TimelineEntry>>,
    said: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let WrittenNote {
        id,
        body,
        who,
        author,
        at,
        edited_at,
    } = note;
    let viewer = use_viewer();
    let clock = use_clock();
    let ready = use_hydrated();
    let (may_edit, may_delete) = viewer.with_untracked(|viewer| {
        viewer.as_ref().map_or((false, false), |v| {
            (
                may_edit_note(author, v.member_id),
                may_delete_note(author, v.member_id, v.role),
            )
        })
    });
    let state = RwSignal::new(NoteState::Showing);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let base = StoredValue::new(body.clone());
    let prefix = format!("note-{id}");
    let (edit_id, input_id, error_id, delete_id, cancel_id, question_id) = (
        format!("{prefix}-edit"),
        format!("{prefix}-body"),
        format!("{prefix}-error"),
        format!("{prefix}-delete"),
        format!("{prefix}-cancel"),
        format!("{prefix}-question"),
    );
    let note_id = StoredValue::new(id.to_string());

    let start = {
        let input_id = input_id.clone();
        move |_| {
            draft.set(base.get_value());
            error.set(None);
            state.set(NoteState::Editing);
            let input_id = input_id.clone();
            request_animation_frame(move || focus_by_id(&input_id));
        }
    };
    let back_to = move |button: String| {
        state.set(NoteState::Showing);
        error.set(None);
        request_animation_frame(move || focus_by_id(&button));
    };
    let save = {
        let input_id = input_id.clone();
        let edit_id = edit_id.clone();
        move || {
            if state.get_untracked() == NoteState::Saving {
                return;
            }
            let typed = draft.get_untracked();
            if let Err(message) = check_note(&typed) {
                error.set(Some(message));
                focus_by_id(&input_id);
                return;
            }
            state.set(NoteState::Saving);
            let input_id = input_id.clone();
            let edit_id = edit_id.clone();
            leptos::task::spawn_local(async move {
                match super::api::edit_note(note_id.get_value(), typed, base.get_value()).await {
                    Ok(entries) => {
                        said.set(Some("Note saved."));
                        state.set(NoteState::Showing);
                        // The note is drawn again with its new text; its "Edit" takes the focus.
                        timeline.set(entries);
                        request_animation_frame(move || focus_by_id(&edit_id));
                    }
                    Err(problem) => {
                        if let AppError::Conflict(_) = problem
                            && let Ok(entries) =
                                super::api::note_timeline(note_id.get_value()).await
                        {
                            timeline.set(entries);
                        }
                        error.set(Some(problem.to_string()));
                        state.set(NoteState::Editing);
                        focus_by_id(&input_id);
                    }
                }
            });
        }
    };
    let delete = {
        let delete_id = delete_id.clone();
        move || {
            if state.get_untracked() == NoteState::Deleting {
                return;
            }
            state.set(NoteState::Deleting);
            let delete_id = delete_id.clone();
            leptos::task::spawn_local(async move {
                match super::api::delete_note(note_id.get_value()).await {
                    Ok(entries) => {
                        said.set(Some("Note deleted."));
                        timeline.set(entries);
                        request_animation_frame(|| focus_by_id("timeline-title"));
                    }
                    Err(problem) => {
                        error.set(Some(problem.to_string()));
                        state.set(NoteState::Showing);
                        focus_by_id(&delete_id);
                    }
                }
            });
        }
    };

    let shown = {
        let (edit_id, delete_id) = (edit_id.clone(), delete_id.clone());
        let body = body.clone();
        move || {
            let start = start.clone();
            view! {
                <blockquote class="timeline__note">{body.clone()}</blockquote>
                {(may_edit || may_delete).then(|| view! {
                    <span class="record__actions">
                        {may_edit.then(|| view! {
                            <button type="button" id=edit_id.clone() class="button button--small button--quiet"
                                aria-label="Edit this note" disabled=move || !ready.get() on:click=start.clone()>
                                "Edit"
                            </button>
                        })}
                        {may_delete.then(|| {
                            let cancel_id = cancel_id.clone();
                            view! {
                                <button type="button" id=delete_id.clone() class="button button--small button--quiet"
                                    aria-label="Delete this note" disabled=move || !ready.get()
                                    on:click=move |_| {
                                        error.set(None);
                                        state.set(NoteState::ConfirmingDeletion);
                                        let cancel_id = cancel_id.clone();
                                        request_animation_frame(move || focus_by_id(&cancel_id));
                                    }>
                                    "Delete"
                                </button>
                            }
                        })}
                    </span>
                })}
            }
            .into_any()
        }
    };
    let editor = {
        let (edit_id, error_id, input_id) = (edit_id.clone(), error_id.clone(), input_id.clone());
        move || {
            let (save, save_key) = (save.clone(), save.clone());
            let (cancel_edit, cancel_key) = (edit_id.clone(), edit_id.clone());
            let error_id = error_id.clone();
            let described = error_id.clone();
            view! {
                <label class="visually-hidden" for=input_id.clone()>"Note"</label>
                <textarea
                    id=input_id.clone()
                    class="timeline__note-input"
                    rows="4"
                    maxlength=NOTE_MAX_CHARS.to_string()
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    aria-describedby=move || error.with(Option::is_some).then(|| described.clone())
                    prop:value=move || draft.get()
                    on:input:target=move |ev| {
                        draft.set(ev.target().value());
                        error.set(None);
                    }
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                        "Enter" if ev.ctrl_key() || ev.meta_key() => {
                            ev.prevent_default();
                            save_key();
                        }
                        "Escape" => {
                            ev.prevent_default();
                            back_to(cancel_key.clone());
                        }
                        _ => {}
                    }
                ></textarea>
                <span class="record__actions">
                    <button type="button" class="button button--small"
                        disabled=move || state.get() == NoteState::Saving on:click=move |_| save()>
                        {move || if state.get() == NoteState::Saving { "Saving\u{2026}" } else { "Save note" }}
                    </button>
                    <button type="button" class="button button--small button--quiet"
                        on:click=move |_| back_to(cancel_edit.clone())>
                        "Cancel"
                    </button>
                </span>
                {move || error.get().map(|message| view! {
                    <p id=error_id.clone() class="field__error" role="alert">
                        <span class="visually-hidden">"Error: "</span>
                        {message}
                    </p>
                })}
            }
            .into_any()
        }
    };
    let question = {
        let (delete_id, question_id) = (delete_id.clone(), question_id.clone());
        let cancel_id = format!("{prefix}-cancel");
        move || {
            let delete = delete.clone();
            let (cancel_button, cancel_key) = (delete_id.clone(), delete_id.clone());
            view! {
                <blockquote class="timeline__note">{body.clone()}</blockquote>
                <div class="confirm-deletion" role="alertdialog" aria-labelledby=question_id.clone()
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            ev.prevent_default();
                            back_to(cancel_key.clone());
                        }
                    }>
                    <p id=question_id.clone() class="confirm-deletion__title">
                        "Delete this note? Its text is deleted for good; the activity keeps only that a note was deleted."
                    </p>
                    <button type="button" class="button button--danger"
                        disabled=move || state.get() == NoteState::Deleting on:click=move |_| delete()>
                        "Delete the note"
                    </button>
                    " "
                    <button type="button" id=cancel_id.clone() class="button button--quiet"
                        on:click=move |_| back_to(cancel_button.clone())>
                        "Cancel"
                    </button>
                </div>
            }
            .into_any()
        }
    };
    // A memo: the note is drawn again only when it switches between shown, edited and asked
    // about, not while the server answers.
    let mode = Memo::new(move |_| match state.get() {
        NoteState::Showing => NoteState::Showing,
        NoteState::Editing | NoteState::Saving => NoteState::Editing,
        NoteState::ConfirmingDeletion | NoteState::Deleting => NoteState::ConfirmingDeletion,
    });
    let view_now = move || match mode.get() {
        NoteState::Editing => editor(),
        NoteState::ConfirmingDeletion => question(),
        _ => shown(),
    };
    view! {
        <li class="timeline__entry">
            <span>{format!("{who} wrote a note:")}</span>
            " "
            <span class="timeline__time">
                <time datetime=Wallclock::machine(at)>{clock.time(at)}</time>
                {edited_at.map(|edited| format!(" (edited {})", clock.time(edited)))}
            </span>
            {view_now}
            {move || (state.get() == NoteState::Showing).then(|| error.get()).flatten().map(|message| view! {
                <p class="field__error" role="alert">
                    <span class="visually-hidden">"Error: "</span>
                    {message}
                </p>
            })}
        </li>
    }
    .into_any()
}

/// The id of "Cancel" in [`ConfirmDeletion`], which has the focus when it opens.
pub const CONFIRM_CANCEL_ID: &str = "confirm-cancel";

/// A deletion asked for in the page before it is done: what goes, that it cannot be undone, the
/// button that deletes and "Cancel" (focused first, as is Escape).
#[component]
pub fn ConfirmDeletion(
    title: String,
    /// What is deleted for good ("Their details, tags and activity").
    what: &'static str,
    confirm: String,
    busy: RwSignal<bool>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div
            class="confirm-deletion"
            role="alertdialog"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-text"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    on_cancel.run(());
                }
            }
        >
            <p id="confirm-title" class="confirm-deletion__title">{title}</p>
            <p id="confirm-text">
                {format!("{what} are deleted for good. This cannot be undone.")}
            </p>
            <button
                type="button"
                class="button button--danger"
                disabled=move || busy.get()
                on:click=move |_| on_confirm.run(())
            >
                {confirm}
            </button>
            " "
            <button
                type="button"
                id=CONFIRM_CANCEL_ID
                class="button button--quiet"
                on:click=move |_| on_cancel.run(())
            >
                "Cancel"
            </button>
        </div>
    }
}

/// "Delete this company" (or person, lead, opportunity) at the foot of a record's page: asked
/// for in the page, then done; afterwards the list is shown. A refusal is said beside the button.
#[component]
pub fn DeleteRecord(
    kind: Kind,
    id: String,
    /// The record's name, for the question ("Delete Acme Labs?").
    name: Signal<String>,
    /// "company": the button reads "Delete this company…" and has the id `company-delete`.
    noun: &'static str,
    /// What the deletion removes, said before it is asked for.
    explained: &'static str,
    /// What the question says is deleted for good ("Its details, notes and activity").
    what: &'static str,
    /// The list shown afterwards ("/app/companies").
    list_href: &'static str,
    /// The member who owns the record, if anyone: they may delete it, as the workspace's owner
    /// and admins may; other members are told who may instead of being offered the button.
    owner: Signal<Option<MemberId>>,
) -> impl IntoView {
    let viewer = use_viewer();
    let may_delete = move || {
        viewer.with(|viewer| {
            viewer.as_ref().is_some_and(|viewer| {
                viewer.role.runs_workspace() || owner.get() == Some(viewer.member_id)
            })
        })
    };
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let ready = use_hydrated();
    let id = StoredValue::new(id);
    let button_id = format!("{noun}-delete");
    let title_id = format!("{noun}-delete-title");
    let labelled_by = title_id.clone();
    // The navigate function is neither Send nor Sync, as a callback must be; nor may it be kept
    // in the arena as a thread-local value: on the server the page's owner can be dropped on
    // another thread, which such a value does not survive. It is made when needed, in this
    // component's owner (which holds the router's context).
    let owner = Owner::current();
    let on_confirm = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let owner = owner.clone();
        leptos::task::spawn_local(async move {
            match super::api::delete_record(kind, id.get_value()).await {
                Ok(()) => {
                    if let Some(owner) = &owner {
                        owner.with(|| {
                            leptos_router::hooks::use_navigate()(list_href, Default::default());
                        });
                    }
                }
                Err(error) => {
                    busy.set(false);
                    confirming.set(false);
                    problem.set(Some(error.to_string()));
                }
            }
        });
    });
    let on_cancel = {
        let button_id = button_id.clone();
        Callback::new(move |()| {
            confirming.set(false);
            let button_id = button_id.clone();
            request_animation_frame(move || focus_by_id(&button_id));
        })
    };
    view! {
        <section aria-labelledby=labelled_by class="record__delete js-only">
            <h2 id=title_id>"Delete"</h2>
            <p>{explained}</p>
            {move || (!may_delete()).then(|| view! {
                <p class="record__delete-who">
                    {format!("Only the workspace's owner and admins, and the member who owns this {noun}, can delete it.")}
                </p>
            })}
            <button
                hidden=move || !may_delete()
                type="button"
                id=button_id
                class="button button--danger"
                disabled=move || !ready.get()
                on:click=move |_| {
                    confirming.set(true);
                    request_animation_frame(|| focus_by_id(CONFIRM_CANCEL_ID));
                }
            >
                {format!("Delete this {noun}\u{2026}")}
            </button>
            {move || confirming.get().then(|| view! {
                <ConfirmDeletion
                    title=format!("Delete {}?", name.get_untracked())
                    what
                    confirm=format!("Delete this {noun}")
                    busy
                    on_confirm
                    on_cancel
                />
            })}
            {move || problem.get().map(|message| view! {
                <p class="field__error" role="alert">{message}</p>
            })}
        </section>
    }
}

/// What a person's or company's page says about merges: that one was just done (`?merged=1`)
/// or undone (`?unmerged=1`), why an undo was refused (`?undo=…`), and the merge into this
/// record that can still be undone, with its button (a plain form post).
#[component]
pub fn MergeNotices(kind: Kind, kept: String, merge: Option<MergeNotice>) -> impl IntoView {
    let noun = kind.noun();
    let plural = kind.plural();
    let url = use_query_map();
    let said = url.with_untracked(|q| {
        if q.get("merged").is_some() {
            Some((false, format!("Merged. Everything of the other {noun} is now here.")))
        } else if q.get("unmerged").is_some() {
            Some((false, if kind == Kind::People {
                "The merge was undone: this person is back with everything they had.".to_owned()
            } else {
                format!("The merge was undone: this {noun} is back with everything it had.")
            }))
        } else {
            q.get("undo").map(|why| {
                (
                    true,
                    match why.as_str() {
                        "stale" => format!("The merge could not be undone: this {noun} has changed since, or it was already undone."),
                        "not-allowed" => format!("Only the workspace's owner and admins, and the member who owns both {plural}, can undo this merge."),
                        "unknown" => "That merge is not one of this workspace's.".to_owned(),
                        _ => "The merge could not be undone just now. Please try again in a moment.".to_owned(),
                    },
                )
            })
        }
    });
    view! {
        {said.map(|(is_error, message)| {
            let class = if is_error { "form-notice form-notice--error" } else { "form-notice form-notice--ok" };
            view! { <p class=class role=if is_error { "alert" } else { "status" }>{message}</p> }
        })}
        {merge.map(|merge| view! {
            <form class="record__merge" method="post" action="/app/merges/undo">
                <p>{format!("{} was merged into this {noun}.", merge.merged_name)}</p>
                <input type="hidden" name="merge" value=merge.id/>
                <input type="hidden" name="kept" value=kept/>
                <input type="hidden" name="kind" value=plural/>
                <button type="submit" class="button">"Undo the merge"</button>
            </form>
        })}
    }
}
