//! Rows of a list ticked and changed at once: the box in each row and in the header, the "Change
//! the selected …" actions above the table (add a tag, change the owner, delete after a
//! confirmation) and the sentence that tells what was done.

use leptos::prelude::*;
use uuid::Uuid;

use crm_core::bulk::{BulkJob, BulkScope};
use crm_core::error::AppError;
use crm_core::records::{BulkAction, Kind, ListPlace, MemberOption, Total, thousands};
use crm_core::text::TAG_MAX_CHARS;

use super::api::{
    active_bulk_jobs, bulk_records, cancel_bulk_job, count_matching, job_progress, start_bulk_job,
};
use super::pages::{CONFIRM_CANCEL_ID, ConfirmDeletion};
use crate::layout::{focus_by_id, use_hydrated};

/// What a list needs to let its rows be ticked and changed at once.
pub struct Selection {
    pub kind: Kind,
    /// The rows ticked; a new page of the list starts with none.
    pub selected: RwSignal<Vec<Uuid>>,
    /// The ids of the rows on this page, for the box that ticks them all.
    pub on_page: Vec<Uuid>,
    /// The workspace's members, for "New owner".
    pub members: Vec<MemberOption>,
    /// Called with the sentence that tells what a bulk action did.
    pub on_done: Callback<String>,
    /// Every record the list matches, when it goes on beyond this page.
    pub all_matching: Option<AllMatching>,
}

/// Every record a list matches, beyond its page: what "Select all … matching" offers, and what a
/// bulk action over them applies to.
#[derive(Clone, Debug)]
pub struct AllMatching {
    /// The list's search and filters.
    pub scope: BulkScope,
    /// How many the page said match.
    pub total: Total,
}

impl Selection {
    pub fn new(
        kind: Kind,
        on_page: impl IntoIterator<Item = Uuid>,
        members: Vec<MemberOption>,
        on_done: Callback<String>,
    ) -> Self {
        Self {
            kind,
            selected: RwSignal::new(Vec::new()),
            on_page: on_page.into_iter().collect(),
            members,
            on_done,
            all_matching: None,
        }
    }

    /// Offers "Select all … matching" when the list goes on beyond this page (`place`), read as
    /// its URL asks (`as_asked`: a list that left out part of its query because it could not be
    /// used offers only its ticked rows).
    pub fn beyond_page(mut self, scope: BulkScope, place: &ListPlace, as_asked: bool) -> Self {
        let more = place.next.is_some() || place.previous.is_some();
        if let (true, true, Some(total)) = (as_asked, more, place.total) {
            self.all_matching = Some(AllMatching { scope, total });
        }
        self
    }
}

/// The id of the sentence a list shows after a bulk action (`people-notice`).
fn notice_id(prefix: &str) -> String {
    format!("{prefix}-notice")
}

/// What the last bulk action on a list did, shown above the list while it is the one the action
/// was done on, with the callback a [`Selection`] calls: it keeps the sentence, reads the list
/// again (`refetch`) and moves the focus to the sentence (`{prefix}-notice`, "people-notice").
pub fn bulk_notice<Q>(
    prefix: &'static str,
    query: Memo<Q>,
    refetch: impl Fn() + Send + Sync + 'static,
) -> (Callback<String>, impl IntoView)
where
    Q: Clone + PartialEq + Send + Sync + 'static,
{
    let notice = RwSignal::new(None::<(Q, String)>);
    let on_done = Callback::new(move |message: String| {
        notice.set(Some((query.get_untracked(), message)));
        refetch();
        request_animation_frame(move || focus_by_id(&notice_id(prefix)));
    });
    let shown = view! {
        <div role="status">
            {move || {
                notice
                    .get()
                    .filter(|(on, _)| *on == query.get())
                    .map(|(_, message)| view! {
                        <p id=notice_id(prefix) class="form-notice form-notice--ok" tabindex="-1">
                            {message}
                        </p>
                    })
            }}
        </div>
    };
    (on_done, shown)
}

/// The header cell whose box ticks every row on the page.
#[component]
pub fn TickAllCell(kind: Kind, selected: RwSignal<Vec<Uuid>>, on_page: Vec<Uuid>) -> impl IntoView {
    let ready = use_hydrated();
    let label = if kind == Kind::People {
        "Select everyone on this page".to_owned()
    } else {
        format!("Select every {} on this page", kind.noun())
    };
    let all_ticked = {
        let on_page = on_page.clone();
        move || selected.with(|s| !on_page.is_empty() && on_page.iter().all(|id| s.contains(id)))
    };
    view! {
        <th scope="col" class="list__tick js-only">
            <input
                type="checkbox"
                id=format!("{}-tick-all", kind.plural())
                aria-label=label
                disabled=move || !ready.get()
                prop:checked=all_ticked
                on:change:target=move |ev| {
                    selected.set(if ev.target().checked() { on_page.clone() } else { Vec::new() });
                }
            />
        </th>
    }
}

/// Ticks the row `id` (`on`) or unticks it.
pub fn tick(selected: RwSignal<Vec<Uuid>>, id: Uuid, on: bool) {
    selected.update(|s| {
        s.retain(|ticked| *ticked != id);
        if on {
            s.push(id);
        }
    });
}

/// The first cell of a row: its box, named after the record ("Select Acme Labs").
#[component]
pub fn TickCell(selected: RwSignal<Vec<Uuid>>, id: Uuid, name: String) -> impl IntoView {
    let ready = use_hydrated();
    view! {
        <td class="list__tick js-only">
            <input
                type="checkbox"
                aria-label=format!("Select {name}")
                disabled=move || !ready.get()
                prop:checked=move || selected.with(|s| s.contains(&id))
                on:change:target=move |ev| tick(selected, id, ev.target().checked())
            />
        </td>
    }
}

/// The member a bulk form's choice names, with the name its sentence uses ("nobody"): none yet
/// (`""`), nobody (`"-"`, sent as an empty id), or one of `members` by id.
pub fn chosen_member(members: &[MemberOption], choice: &str) -> Option<(String, String)> {
    match choice {
        "" => None,
        "-" => Some((String::new(), "nobody".to_owned())),
        id => Some((
            id.to_owned(),
            members
                .iter()
                .find(|m| m.id.to_string() == id)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
        )),
    }
}

/// What a bulk action says when some of the selected rows went meanwhile (deleted in another tab).
pub fn gone_meanwhile(plural: &str) -> String {
    format!(
        "Some of the selected {plural} are no longer in this workspace; someone may have deleted \
         them. Nothing was changed: reload the list and select again."
    )
}

/// A bulk form's choice of a member: "Choose…", "Nobody", then the workspace's members. While
/// `invalid`, it is marked so and described by the problem (`problem_id`).
#[component]
pub fn MemberChoice(
    id: &'static str,
    label: &'static str,
    members: Vec<MemberOption>,
    choice: RwSignal<String>,
    #[prop(into)] invalid: Signal<bool>,
    problem_id: &'static str,
) -> impl IntoView {
    let ready = use_hydrated();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                disabled=move || !ready.get()
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=move || invalid.get().then_some(problem_id)
                on:change:target=move |ev| choice.set(ev.target().value())
            >
                <option value="">"Choose\u{2026}"</option>
                <option value="-">"Nobody"</option>
                {members.into_iter().map(|member| {
                    view! { <option value=member.id.to_string()>{member.name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// Why a bulk action was refused, announced at once.
#[component]
pub fn BulkProblem(
    id: &'static str,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! {
                <p id=id class="field__error" role="alert">
                    <span class="visually-hidden">"Error: "</span>
                    {message}
                </p>
            }
        })
    }
}

/// How often a running bulk job's progress is read again.
const JOB_POLL: std::time::Duration = std::time::Duration::from_millis(700);

/// Shows a bulk job in `jobs` as it now stands; reads it again shortly while it runs, and once it
/// has ended, takes it away and hands its outcome to `on_done`. Stops quietly when the list it
/// was shown on has gone (another page of the list shows the member's running jobs itself).
fn follow(job: BulkJob, jobs: RwSignal<Vec<BulkJob>>, on_done: Callback<String>) {
    let id = job.id;
    let active = job.state.is_active();
    let shown = jobs.try_update(|list| {
        match list.iter_mut().find(|shown| shown.id == id) {
            Some(shown) => *shown = job.clone(),
            None => list.push(job.clone()),
        }
        if !active {
            list.retain(|shown| shown.id != id);
        }
    });
    if shown.is_none() {
        return;
    }
    if !active {
        on_done.run(job.message());
        return;
    }
    set_timeout(
        move || {
            leptos::task::spawn_local(async move {
                match job_progress(id.to_string()).await {
                    Ok(now) => follow(now, jobs, on_done),
                    // Not reachable for a moment: the job goes on; ask again.
                    Err(_) => follow(job, jobs, on_done),
                }
            });
        },
        JOB_POLL,
    );
}

/// The member's bulk jobs running on this list: what each does, a progress bar and "Stop".
#[component]
fn RunningJobs(jobs: RwSignal<Vec<BulkJob>>, on_done: Callback<String>) -> impl IntoView {
    let stop = move |id: uuid::Uuid| {
        leptos::task::spawn_local(async move {
            if let Ok(job) = cancel_bulk_job(id.to_string()).await {
                follow(job, jobs, on_done);
            }
        });
    };
    let any = move || jobs.with(|jobs| !jobs.is_empty());
    view! {
        <Show when=any>
        <ul class="list__jobs" aria-label="Changes running over whole lists">
            <For each=move || jobs.get() key=|job| job.id let:job>
                {
                    let title_id = format!("job-{}", job.id);
                    let id = job.id;
                    // The row stays (and a focused "Stop" keeps the focus) while its figures move.
                    let now = Memo::new(move |_| {
                        jobs.with(|list| list.iter().find(|shown| shown.id == id).cloned())
                            .unwrap_or_else(|| job.clone())
                    });
                    view! {
                        <li class="list__job">
                            <p id=title_id.clone() class="list__job-title">{move || now.get().title()}</p>
                            <progress
                                max=move || now.with(|job| job.size().max(1).to_string())
                                value=move || now.with(|job| job.done.to_string())
                                aria-labelledby=title_id.clone()
                            >
                                {move || now.get().progress()}
                            </progress>
                            <p class="list__job-progress">{move || now.get().progress()}</p>
                            <button
                                type="button"
                                class="button"
                                aria-describedby=title_id
                                on:click=move |_| stop(id)
                            >
                                "Stop"
                            </button>
                        </li>
                    }
                }
            </For>
        </ul>
        </Show>
    }
}

/// Tag (people and companies), hand over or delete the rows ticked in a list, or every record it
/// matches (`all_matching`), in the background with progress. A deletion asks first, in the page;
/// the outcome goes to the selection's `on_done`.
#[component]
pub fn BulkActions(
    kind: Kind,
    selected: RwSignal<Vec<Uuid>>,
    on_page: Vec<Uuid>,
    members: Vec<MemberOption>,
    on_done: Callback<String>,
    all_matching: Option<AllMatching>,
) -> impl IntoView {
    let tag = RwSignal::new(String::new());
    // "" until an owner is chosen; "-" is "nobody".
    let owner = RwSignal::new(String::new());
    // The control a problem belongs to ("tag", "owner" or "" for the selection), and the message.
    let problem = RwSignal::new(None::<(String, String)>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let members = StoredValue::new(members);
    // How many match, counted when "Select all … matching" was chosen; it holds while every row
    // of the page stays ticked.
    let all = RwSignal::new(None::<i64>);
    let jobs = RwSignal::new(Vec::<BulkJob>::new());
    let scope = StoredValue::new(all_matching.as_ref().map(|all| all.scope.clone()));
    let page_ticked = {
        let on_page = on_page.clone();
        move || selected.with(|s| !on_page.is_empty() && on_page.iter().all(|id| s.contains(id)))
    };
    // Unticking any row of the page ends "every match": ticking it again selects the page only.
    Effect::new({
        let page_ticked = page_ticked.clone();
        move |_| {
            if !page_ticked() && all.get_untracked().is_some() {
                all.set(None);
            }
        }
    });
    let everything = {
        let page_ticked = page_ticked.clone();
        move || all.get().filter(|_| page_ticked())
    };
    let count = move || selected.with(Vec::len);
    let ready = use_hydrated();
    let idle = move || ready.get() && !busy.get();
    let (plural, noun) = (kind.plural(), kind.noun());
    // The member's jobs on this list that were running before this page was drawn.
    Effect::new(move |_| {
        if ready.get() {
            leptos::task::spawn_local(async move {
                if let Ok(running) = active_bulk_jobs(kind).await {
                    for job in running {
                        follow(job, jobs, on_done);
                    }
                }
            });
        }
    });
    let select_first = move || {
        problem.set(Some((
            String::new(),
            format!("Select at least one {noun} first, with the boxes in the first column."),
        )));
    };
    let refused = move |error: AppError| {
        busy.set(false);
        confirming.set(false);
        let field = error.field().unwrap_or_default().to_owned();
        let message = match error {
            AppError::NotFound => gone_meanwhile(plural),
            other => other.to_string(),
        };
        match field.as_str() {
            "tag" => focus_by_id("bulk-tag"),
            "owner" => focus_by_id("bulk-owner"),
            _ => {}
        }
        problem.set(Some((field, message)));
    };

    let run = {
        let everything = everything.clone();
        move |action: BulkAction, value: String, label: String| {
            if busy.get_untracked() {
                return;
            }
            if let (Some(n), Some(scope)) = (untrack(&everything), scope.get_value()) {
                busy.set(true);
                problem.set(None);
                let expected = (action == BulkAction::Delete).then_some(n);
                leptos::task::spawn_local(async move {
                    match start_bulk_job(scope, action, value, expected).await {
                        Ok(job) => {
                            busy.set(false);
                            confirming.set(false);
                            all.set(None);
                            selected.set(Vec::new());
                            follow(job, jobs, on_done);
                        }
                        Err(error) => refused(error),
                    }
                });
                return;
            }
            let ids: Vec<String> =
                selected.with_untracked(|s| s.iter().map(ToString::to_string).collect());
            if ids.is_empty() {
                select_first();
                return;
            }
            busy.set(true);
            problem.set(None);
            leptos::task::spawn_local(async move {
                match bulk_records(kind, ids, action, value).await {
                    Ok(outcome) => on_done.run(outcome.message(kind, action, &label)),
                    Err(error) => refused(error),
                }
            });
        }
    };
    let add_tag = {
        let run = run.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let typed = tag.get_untracked().trim().to_owned();
            if typed.is_empty() {
                problem.set(Some(("tag".to_owned(), "Type the tag to add.".to_owned())));
                focus_by_id("bulk-tag");
                return;
            }
            run(BulkAction::AddTag, typed.clone(), typed);
        }
    };
    let set_owner = {
        let run = run.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let chosen =
                members.with_value(|members| chosen_member(members, &owner.get_untracked()));
            let Some((value, label)) = chosen else {
                problem.set(Some((
                    "owner".to_owned(),
                    "Choose the new owner.".to_owned(),
                )));
                focus_by_id("bulk-owner");
                return;
            };
            run(BulkAction::SetOwner, value, label);
        }
    };
    let ask = move |_| {
        if count() == 0 {
            select_first();
            return;
        }
        problem.set(None);
        confirming.set(true);
        request_animation_frame(|| focus_by_id(CONFIRM_CANCEL_ID));
    };
    let cancel = move || {
        confirming.set(false);
        request_animation_frame(|| focus_by_id("bulk-delete"));
    };
    let problem_of = move |control: &'static str| {
        move || problem.with(|p| p.as_ref().is_some_and(|(field, _)| field == control))
    };
    // "Select all 12,408 people matching": counted exactly when chosen.
    let choose_all = move |_| {
        let Some(scope) = scope.get_value() else {
            return;
        };
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match count_matching(scope).await {
                Ok(n) => {
                    busy.set(false);
                    all.set(Some(n));
                    request_animation_frame(|| focus_by_id("bulk-all-chosen"));
                }
                Err(error) => refused(error),
            }
        });
    };
    let only_page = move |_| {
        all.set(None);
        request_animation_frame(|| focus_by_id("bulk-all"));
    };
    let offer_all = all_matching.map(|offer| {
        let everyone = match offer.total {
            Total::Exact(n) => format!(
                "Select all {}",
                kind.count(i64::try_from(n).unwrap_or(i64::MAX))
            ),
            Total::MoreThan(n) => {
                format!("Select all {plural} matching (more than {})", thousands(n))
            }
        };
        let everything = everything.clone();
        let page_ticked = page_ticked.clone();
        move || {
            let page_ticked = page_ticked.clone();
            match everything() {
                Some(n) => view! {
                    <div class="list__bulk-all">
                        <p id="bulk-all-chosen" tabindex="-1">
                            {format!("All {} matching this list are selected.", kind.count(n))}
                        </p>
                        <button type="button" class="button button--quiet" on:click=only_page>
                            "Select only this page"
                        </button>
                    </div>
                }
                .into_any(),
                None => page_ticked()
                    .then(|| {
                        view! {
                            <div class="list__bulk-all">
                                <button
                                    type="button"
                                    id="bulk-all"
                                    class="button button--quiet"
                                    disabled=move || !idle()
                                    on:click=choose_all
                                >
                                    {everyone.clone()}
                                </button>
                            </div>
                        }
                    })
                    .into_any(),
            }
        }
    });
    let tag_form = kind.has_tags().then(|| {
        view! {
            <form class="list__bulk-form" on:submit=add_tag>
                <div class="field">
                    <label for="bulk-tag">"Tag to add"</label>
                    <input
                        id="bulk-tag"
                        type="text"
                        disabled=move || !ready.get()
                        autocomplete="off"
                        maxlength=TAG_MAX_CHARS.to_string()
                        prop:value=move || tag.get()
                        aria-invalid=move || problem_of("tag")().then_some("true")
                        aria-describedby=move || problem_of("tag")().then_some("bulk-problem")
                        on:input:target=move |ev| tag.set(ev.target().value())
                    />
                </div>
                <button type="submit" class="button" disabled=move || !idle()>"Add tag"</button>
            </form>
        }
        .into_any()
    });
    let counted = everything.clone();
    let to_delete = everything.clone();
    view! {
        <section class="list__bulk js-only" aria-labelledby="bulk-title">
            <h2 id="bulk-title" class="list__bulk-title">{format!("Change the selected {plural}")}</h2>
            <RunningJobs jobs on_done/>
            <p class="list__bulk-count" aria-live="polite">
                {move || match (counted(), count()) {
                    (Some(n), _) => format!("{} selected: every one this list matches.", kind.count(n)),
                    (None, 0) if kind == Kind::People => {
                        "Nobody selected. Tick the people to change in the first column.".to_owned()
                    }
                    (None, 0) => format!("No {noun} selected. Tick the {plural} to change in the first column."),
                    (None, n) => format!("{} selected.", kind.count(i64::try_from(n).unwrap_or(i64::MAX))),
                }}
            </p>
            {offer_all}
            <div class="list__bulk-actions">
                {tag_form}
                <form class="list__bulk-form" on:submit=set_owner>
                    <MemberChoice
                        id="bulk-owner"
                        label="New owner"
                        members=members.get_value()
                        choice=owner
                        invalid=Signal::derive(problem_of("owner"))
                        problem_id="bulk-problem"
                    />
                    <button type="submit" class="button" disabled=move || !idle()>"Change owner"</button>
                </form>
                <button
                    type="button"
                    id="bulk-delete"
                    class="button button--danger"
                    disabled=move || !idle()
                    on:click=ask
                >
                    "Delete\u{2026}"
                </button>
            </div>
            {move || confirming.get().then(|| {
                let run = run.clone();
                let (title, confirm) = match to_delete() {
                    Some(n) => {
                        let n = kind.count(n);
                        (format!("Delete all {n} matching this list?"), format!("Delete all {n}"))
                    }
                    None => {
                        let n = kind.count(i64::try_from(count()).unwrap_or(i64::MAX));
                        (format!("Delete {n}?"), format!("Delete {n}"))
                    }
                };
                view! {
                    <ConfirmDeletion
                        title
                        what=kind.deleted_with_them()
                        confirm
                        busy
                        on_confirm=Callback::new(move |()| {
                            run(BulkAction::Delete, String::new(), String::new());
                        })
                        on_cancel=Callback::new(move |()| cancel())
                    />
                }
            })}
            <BulkProblem id="bulk-problem" message=Signal::derive(move || problem.get().map(|(_, message)| message))/>
        </section>
    }
}
