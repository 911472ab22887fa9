//! The opportunities pages: the list (`/app/opportunities`), the pipeline board
//! (`/app/opportunities/board`) where a card moves by drag and drop or with its "Move to stage"
//! control, the "Add an opportunity" form (`/app/opportunities/new`), an opportunity's page
//! (`/app/opportunities/{id}`) and the pipeline's stages (`/app/opportunities/stages`).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crm_core::bulk::BulkScope;
use crm_core::opportunities::{
    Board, BoardColumn, CURRENCIES, DEFAULT_CURRENCY, Direction, OpportunitiesPage,
    OpportunitiesQuery, Opportunity, OpportunityField, OpportunityPerson, OpportunityRecord,
    OpportunityRow, PipelineSettings, RelatedOpportunities, SORTS, STAGE_NAME_MAX_CHARS, Stage,
    StageOutcome, timeline_label, totals_text,
};

use crm_core::error::AppError;
use crm_core::forms::FormState;
use crm_core::records::{Kind, ListQuery, ListSort};
use crm_core::time::CalendarDate;

use super::api::{
    add_opportunity_person, list_opportunities, load_opportunity, move_opportunity,
    opportunities_board, pipeline_stages, remove_opportunity_person, rename_stage, reorder_stage,
};
use crate::form::{FieldError, FormMessages, TextField, input_id};
use crate::layout::{focus_by_id, loaded, loading, use_clock, use_hydrated};
use crate::records::{
    AddNote, DeleteRecord, EditableField, ListFilter, ListNotices, ListPages, ListSearch,
    ListTable, NewRecordPage, RecordPage, RecordTitle, RestoredNotice, Selection, TickCell,
    Timeline, bulk_notice, owner_choices,
};
use crate::tasks::RecordTasks;

/// "31 March 2027" (as the member's language writes it), or the stored text if it is not a
/// date.
fn close_day(raw: &str) -> String {
    CalendarDate::parse(raw).map_or_else(|| raw.to_owned(), |day| use_clock().date(day))
}

/// The links between the opportunities pages, the current one marked.
#[component]
fn OpportunitiesNav(current: &'static str) -> impl IntoView {
    let link = move |href: &'static str, label: &'static str| {
        let here = href == current;
        view! {
            <li><a href=href aria-current=here.then_some("page")>{label}</a></li>
        }
    };
    view! {
        <nav class="opportunities__nav" aria-label="Opportunities views">
            <ul>
                {link("/app/opportunities", "List")}
                {link("/app/opportunities/board", "Board")}
                {link("/app/opportunities/stages", "Stages")}
            </ul>
        </nav>
    }
}

/// `/app/opportunities`: the workspace's opportunities (soonest to close first unless sorted
/// otherwise), searched and filtered as the URL says.
#[component]
pub fn OpportunitiesListPage() -> impl IntoView {
    let url = use_query_map();
    let query = Memo::new(move |_| {
        url.with(|q| OpportunitiesQuery {
            q: q.get("q").unwrap_or_default(),
            sort: q.get("sort").unwrap_or_default(),
            stage: q.get("stage").unwrap_or_default(),
            owner: q.get("owner").unwrap_or_default(),
            after: q.get("after").unwrap_or_default(),
            before: q.get("before").unwrap_or_default(),
        })
    });
    let data = Resource::new_blocking(
        move || query.get(),
        |query| async move {
            list_opportunities(query)
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    let (on_done, notice) =
        bulk_notice(Kind::Opportunities.plural(), query, move || data.refetch());
    view! {
        <Title text="Opportunities"/>
        <Meta name="robots" content="noindex"/>
        <div class="page opportunities">
            <div class="list__head">
                <h1>"Opportunities"</h1>
                <a class="button" href="/app/opportunities/new">"Add an opportunity"</a>
            </div>
            <OpportunitiesNav current="/app/opportunities"/>
            {notice}
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let query = query.get();
                    loaded(data.await, move |page| {
                        view! { <OpportunitiesList page query on_done/> }.into_any()
                    })
                })}
            </Transition>
        </div>
    }
}

/// The list's columns.
const HEADERS: &[&str] = &[
    "Name",
    "Amount",
    "Stage",
    "Expected close",
    "Company",
    "Owner",
];

/// The choices of the stage filter: any stage, or one of the workspace's.
fn stage_choices(stages: Vec<Stage>) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Any stage".to_owned()))
        .chain(
            stages
                .into_iter()
                .map(|stage| (stage.id.to_string(), stage.name)),
        )
        .collect()
}

#[component]
fn OpportunitiesList(
    page: OpportunitiesPage,
    query: OpportunitiesQuery,
    on_done: Callback<String>,
) -> impl IntoView {
    let OpportunitiesPage {
        rows,
        place,
        stages,
        members,
        problem,
        search_note,
    } = page;
    let selection = Selection::new(
        Kind::Opportunities,
        rows.iter().map(|row| row.id.uuid()),
        members.clone(),
        on_done,
    )
    .beyond_page(
        BulkScope::Opportunities(query.clone()),
        &place,
        problem.is_none(),
    );
    let selected = selection.selected;
    let filtered = query.is_filtered();
    let clear_href = filtered.then_some("/app/opportunities");
    let links = query.page_links(&place);
    let has_problem = problem.is_some();
    let sort = ListSort::choose(&query.sort, &SORTS);
    let caption = sort.caption(if filtered {
        "Opportunities matching the search and filters"
    } else {
        "Every opportunity in this workspace"
    });
    let empty_message = rows.is_empty().then_some(if filtered {
        "No opportunities match this search and these filters."
    } else {
        "No opportunities yet. Add the first one with \u{201c}Add an opportunity\u{201d}."
    });
    let sort = sort.in_url(&SORTS).to_owned();
    let OpportunitiesQuery {
        q,
        stage: chosen_stage,
        owner: chosen_owner,
        ..
    } = query;
    view! {
        <div class="list__filters" role="search" aria-label="Search and filter opportunities">
            <Form method="GET" action="/app/opportunities">
                <ListSearch prefix="opportunities" value=q hint="Part of a name or a company's name." problem=has_problem/>
                <ListFilter prefix="opportunities" name="sort" label="Sort by" choices=ListSort::choices(&SORTS) chosen=sort/>
                <ListFilter prefix="opportunities" name="stage" label="Stage" choices=stage_choices(stages) chosen=chosen_stage/>
                <ListFilter prefix="opportunities" name="owner" label="Owner" choices=owner_choices(members) chosen=chosen_owner/>
                <button type="submit" class="button">"Show"</button>
            </Form>
        </div>
        <ListNotices prefix="opportunities" problem note=search_note clear_href/>
        <ListTable prefix="opportunities" caption headers=HEADERS empty=empty_message selection>
            {rows.into_iter().map(|row| view! {
                <tr>
                    <TickCell selected id=row.id.uuid() name=row.name.clone()/>
                    <th scope="row">
                        <a href=format!("/app/opportunities/{}", row.id)>{row.name}</a>
                    </th>
                    <td class="number">{row.amount.to_string()}</td>
                    <td>{row.stage.name}</td>
                    <td>{close_day(&row.close_on)}</td>
                    <td>{row.company_name}</td>
                    <td>{row.owner.unwrap_or_default()}</td>
                </tr>
            }).collect_view()}
        </ListTable>
        <ListPages links summary=place.summary()/>
    }
}

/// What the board last said about a move: done, or why not.
#[derive(Clone, Debug, PartialEq, Eq)]
enum MoveNews {
    Done(String),
    Refused(String),
}

/// What a page last said about a move or a change, in a live region: done, or why not.
#[component]
fn NewsLine(news: RwSignal<Option<MoveNews>>) -> impl IntoView {
    view! {
        <p class="board__news" role="status" aria-live="polite">
            {move || news.get().map(|news| match news {
                MoveNews::Done(message) => view! { <span>{message}</span> }.into_any(),
                MoveNews::Refused(message) => view! {
                    <span class="field__error"><span class="visually-hidden">"Error: "</span>{message}</span>
                }
                .into_any(),
            })}
        </p>
    }
}

/// `/app/opportunities/board`: a column per stage with its count and value; a card moves by drag
/// and drop, and by keyboard with its "Move to stage" control.
#[component]
pub fn OpportunitiesBoardPage() -> impl IntoView {
    let data = Resource::new_blocking(
        || (),
        |()| async {
            opportunities_board()
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    view! {
        <Title text="Pipeline board"/>
        <Meta name="robots" content="noindex"/>
        <div class="page opportunities-board">
            <div class="list__head">
                <h1>"Pipeline board"</h1>
                <a class="button" href="/app/opportunities/new">"Add an opportunity"</a>
            </div>
            <OpportunitiesNav current="/app/opportunities/board"/>
            <p class="field__hint">
                "Drag a card to another stage, or choose its stage under \u{201c}Move to stage\u{201d}. Each column shows the 50 soonest to close; the list shows them all."
            </p>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |board| view! { <BoardView board/> }.into_any())
                })}
            </Suspense>
        </div>
    }
}

/// The stage a dragged card comes from and the card, as the drag carries them.
fn drag_payload(card: &str, from: &str) -> String {
    format!("{card} {from}")
}

#[component]
fn BoardView(board: Board) -> impl IntoView {
    let board = RwSignal::new(board);
    let news = RwSignal::new(None::<MoveNews>);
    let busy = RwSignal::new(false);
    let ready = use_hydrated();
    // Moves a card and shows the board as now stored, whatever the answer.
    let move_card = move |card: String, to: String, from: String| {
        if busy.get_untracked() || to == from {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = move_opportunity(card.clone(), to, from).await;
            if let Ok(fresh) = opportunities_board().await {
                board.set(fresh);
            }
            news.set(Some(match answer {
                Ok(record) => MoveNews::Done(format!(
                    "Moved \u{201c}{}\u{201d} to {}.",
                    record.opportunity.name, record.opportunity.stage.name
                )),
                Err(problem) => MoveNews::Refused(problem.to_string()),
            }));
            busy.set(false);
            request_animation_frame(move || focus_by_id(&format!("card-{card}")));
        });
    };
    let move_card =
        Callback::new(move |(card, to, from): (String, String, String)| move_card(card, to, from));
    view! {
        <NewsLine news/>
        <div class="board">
            {move || {
                let stages: Vec<Stage> = board.with(|b| b.columns.iter().map(|c| c.stage.clone()).collect());
                let stages = StoredValue::new(stages);
                board.get().columns.into_iter().map(|column| view! {
                    <BoardColumnView column stages ready busy move_card/>
                }).collect_view()
            }}
        </div>
    }
}

#[component]
fn BoardColumnView(
    column: BoardColumn,
    stages: StoredValue<Vec<Stage>>,
    ready: ReadSignal<bool>,
    busy: RwSignal<bool>,
    move_card: Callback<(String, String, String)>,
) -> impl IntoView {
    let BoardColumn {
        stage,
        cards,
        count,
        totals,
    } = column;
    let stage_id = stage.id.to_string();
    let title_id = format!("stage-{stage_id}-title");
    let labelled_by = title_id.clone();
    let target = stage_id.clone();
    let over = RwSignal::new(false);
    let summary = format!(
        "{} \u{b7} {}",
        Kind::Opportunities.count(count),
        totals_text(&totals)
    );
    let shown = cards.len() as i64;
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        let Some(data) = ev
            .data_transfer()
            .and_then(|t| t.get_data("text/plain").ok())
        else {
            return;
        };
        if let Some((card, from)) = data.split_once(' ') {
            move_card.run((card.to_owned(), target.clone(), from.to_owned()));
        }
    };
    view! {
        <section
            class="board__column"
            class:board__column--over=move || over.get()
            aria-labelledby=labelled_by
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            <h2 id=title_id class="board__title">{stage.name.clone()}</h2>
            <p class="board__total">{summary}</p>
            {if cards.is_empty() {
                view! { <p class="board__empty">"No opportunities in this stage."</p> }.into_any()
            } else {
                view! {
                    <ol class="board__cards">
                        {cards.into_iter().map(|card| view! {
                            <BoardCard card stages ready busy move_card/>
                        }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
            {(count > shown).then(|| view! {
                <p class="board__more">
                    <a href=format!("/app/opportunities?stage={stage_id}")>
                        {format!("All {count} in {}", stage.name)}
                    </a>
                </p>
            })}
        </section>
    }
}

#[component]
fn BoardCard(
    card: OpportunityRow,
    stages: StoredValue<Vec<Stage>>,
    ready: ReadSignal<bool>,
    busy: RwSignal<bool>,
    move_card: Callback<(String, String, String)>,
) -> impl IntoView {
    let id = card.id.to_string();
    let from = card.stage.id.to_string();
    let select_id = format!("move-{id}");
    let label_for = select_id.clone();
    let link_id = format!("card-{id}");
    let chosen = RwSignal::new(from.clone());
    let payload = drag_payload(&id, &from);
    let (card_id, card_from) = (id.clone(), from.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        move_card.run((card_id.clone(), chosen.get_untracked(), card_from.clone()));
    };
    let details = [
        Some(card.amount.to_string()),
        Some(format!("closes {}", close_day(&card.close_on))),
        (!card.company_name.is_empty()).then(|| card.company_name.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" \u{b7} ");
    let select_label = format!("Move to stage: {}", card.name);
    let move_label = format!("Move {}", card.name);
    view! {
        <li
            class="board__card"
            draggable="true"
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                if let Some(transfer) = ev.data_transfer() {
                    let _ = transfer.set_data("text/plain", &payload);
                    transfer.set_effect_allowed("move");
                }
            }
        >
            <h3 class="board__card-title">
                <a id=link_id href=format!("/app/opportunities/{id}")>{card.name}</a>
            </h3>
            <p class="board__card-details">{details}</p>
            <form class="board__move" on:submit=on_submit>
                <label for=label_for>"Move to stage"</label>
                <select
                    id=select_id
                    aria-label=select_label
                    on:change:target=move |ev| chosen.set(ev.target().value())
                >
                    {stages.get_value().into_iter().map(|stage| {
                        let value = stage.id.to_string();
                        let selected = value == from;
                        view! { <option value=value selected=selected>{stage.name}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button button--small" aria-label=move_label disabled=move || busy.get() || !ready.get()>
                    "Move"
                </button>
            </form>
        </li>
    }
}

/// `/app/opportunities/new`: a plain form POST, so it works before (and without) the WASM.
#[component]
pub fn NewOpportunityPage() -> impl IntoView {
    view! {
        <NewRecordPage
            title="Add an opportunity"
            class="opportunities-new"
            list_href="/app/opportunities"
            list_name="opportunities"
            form=|state| view! { <NewOpportunityForm state/> }
        />
    }
}

const NEW_FORM: &str = "new-opportunity";

#[component]
fn NewOpportunityForm(state: FormState) -> impl IntoView {
    let currency_id = input_id(NEW_FORM, "currency");
    let chosen = state.value("currency");
    let chosen = if chosen.is_empty() {
        DEFAULT_CURRENCY.to_owned()
    } else {
        chosen
    };
    let currency_error = state.error("currency");
    let currency_invalid = currency_error.is_some();
    view! {
        <form id=NEW_FORM class="account__form" method="post" action="/app/opportunities/new" novalidate>
            <FormMessages form_id=NEW_FORM state=state.clone()/>
            <p class="field__hint">"A new opportunity starts in the pipeline's first stage."</p>
            <TextField form_id=NEW_FORM state=state.clone() name="name" label="Name" autocomplete="off" maxlength=100/>
            <div class="field" class:field--invalid=currency_invalid>
                <label for=currency_id.clone()>"Currency"</label>
                <select
                    id=currency_id.clone()
                    name="currency"
                    aria-invalid=currency_invalid.then_some("true")
                    aria-describedby=currency_invalid.then(|| format!("{currency_id}-error"))
                >
                    {CURRENCIES.iter().map(|(code, label)| {
                        let selected = *code == chosen;
                        view! { <option value=*code selected=selected>{*label}</option> }
                    }).collect_view()}
                </select>
                {currency_error.map(|message| view! {
                    <FieldError id=format!("{currency_id}-error") message/>
                })}
            </div>
            <TextField form_id=NEW_FORM state=state.clone() name="amount" label="Amount" autocomplete="off" hint="In figures, like 12,500.50; 0 while it is not known." maxlength=30/>
            <TextField form_id=NEW_FORM state=state.clone() name="close_on" label="Expected close date" kind="date" autocomplete="off" hint="As YYYY-MM-DD, for example 2027-03-31." maxlength=10/>
            <TextField form_id=NEW_FORM state=state.clone() name="company" label="Company (optional)" autocomplete="off" hint="The name of one of this workspace's companies." maxlength=100/>
            <button type="submit" class="button">"Add this opportunity"</button>
        </form>
    }
}

/// `/app/opportunities/{id}`: an opportunity, its stage, each field editable in the page, its
/// people and its timeline.
#[component]
pub fn OpportunityPage() -> impl IntoView {
    view! {
        <RecordPage
            class="opportunity"
            list_href="/app/opportunities"
            list_name="opportunities"
            not_found="Opportunity not found"
            load=load_opportunity
            show=|record, created| view! { <OpportunityView record created/> }
        />
    }
}

#[component]
fn OpportunityView(record: OpportunityRecord, created: bool) -> impl IntoView {
    let OpportunityRecord {
        opportunity,
        people,
        stages,
        timeline,
        members,
    } = record;
    let id = opportunity.id;
    let lead = opportunity.lead_id;
    let opportunity = RwSignal::new(opportunity);
    let people = RwSignal::new(people);
    let timeline = RwSignal::new(timeline);
    let members = StoredValue::new(members);
    let stages = StoredValue::new(stages);
    let restored = RwSignal::new(false);
    let title = move || opportunity.with(|o: &Opportunity| o.name.clone());
    let apply = Callback::new(move |record: OpportunityRecord| {
        opportunity.set(record.opportunity);
        people.set(record.people);
        timeline.set(record.timeline);
    });
    view! {
        <RecordTitle record=opportunity text=|o: &Opportunity| o.name.clone()/>
        <h1>{title}</h1>
        {created.then(|| view! {
            <p class="form-notice form-notice--ok" role="status">"Opportunity added."</p>
        })}
        <RestoredNotice restored/>
        <StageControl id=id.to_string() opportunity stages apply/>
        <section aria-labelledby="details-title">
            <h2 id="details-title">"Details"</h2>
            <dl class="record__fields">
                {OpportunityField::ALL
                    .into_iter()
                    .map(|field| view! {
                        <EditableField id=id.to_string() field record=opportunity timeline members restored/>
                    })
                    .collect_view()}
            </dl>
            {lead.map(|lead| view! {
                <p><a href=format!("/app/leads/{lead}")>"The lead it came from"</a></p>
            })}
        </section>
        <OpportunityPeople id=id.to_string() people apply/>
        <RecordTasks kind=Kind::Opportunities record=id.uuid() timeline/>
        <AddNote kind=Kind::Opportunities id=id.to_string() timeline/>
        <Timeline timeline label=timeline_label noun="this opportunity"/>
        <DeleteRecord
            kind=Kind::Opportunities
            id=id.to_string()
            name=Signal::derive(title)
            noun="opportunity"
            explained="Deleting an opportunity removes its details, notes and activity from this workspace. Its people and company stay."
            what="Its details, notes and activity"
            list_href="/app/opportunities"
            owner=Signal::derive(move || opportunity.with(|o: &Opportunity| o.owner.as_ref().map(|owner| owner.id)))
        />
    }
}

/// The opportunity's stage and the "Move to stage" control.
#[component]
fn StageControl(
    id: String,
    opportunity: RwSignal<Opportunity>,
    stages: StoredValue<Vec<Stage>>,
    apply: Callback<OpportunityRecord>,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let ready = use_hydrated();
    let busy = RwSignal::new(false);
    let news = RwSignal::new(None::<MoveNews>);
    let chosen = RwSignal::new(opportunity.with_untracked(|o| o.stage.id.to_string()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let from = opportunity.with_untracked(|o| o.stage.id.to_string());
        let to = chosen.get_untracked();
        if busy.get_untracked() || to == from {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = move_opportunity(id.get_value(), to, from).await;
            news.set(Some(match answer {
                Ok(record) => {
                    let message = format!("Moved to {}.", record.opportunity.stage.name);
                    apply.run(record);
                    MoveNews::Done(message)
                }
                Err(problem) => {
                    if let Ok(record) = load_opportunity(id.get_value()).await {
                        chosen.set(record.opportunity.stage.id.to_string());
                        apply.run(record);
                    }
                    MoveNews::Refused(problem.to_string())
                }
            }));
            busy.set(false);
        });
    };
    let stage_name = move || opportunity.with(|o| o.stage.name.clone());
    let outcome = move || {
        opportunity.with(|o| match o.stage.outcome {
            StageOutcome::Open => "Open",
            StageOutcome::Won => "Won",
            StageOutcome::Lost => "Lost",
        })
    };
    view! {
        <section aria-labelledby="stage-title" class="opportunity__stage">
            <h2 id="stage-title">"Stage"</h2>
            <p>
                <strong>{stage_name}</strong>
                {move || format!(" ({})", outcome())}
            </p>
            <form class="board__move" on:submit=submit>
                <label for="opportunity-move">"Move to stage"</label>
                <select id="opportunity-move" on:change:target=move |ev| chosen.set(ev.target().value())>
                    {move || {
                        let current = chosen.get();
                        stages.get_value().into_iter().map(|stage| {
                            let value = stage.id.to_string();
                            let selected = value == current;
                            view! { <option value=value selected=selected>{stage.name}</option> }
                        }).collect_view()
                    }}
                </select>
                <button id="opportunity-move-button" type="submit" class="button" disabled=move || busy.get() || !ready.get()>
                    "Move"
                </button>
            </form>
            <NewsLine news/>
        </section>
    }
}

/// The people the opportunity is with: each removable, and one added by e-mail address.
#[component]
fn OpportunityPeople(
    id: String,
    people: RwSignal<Vec<OpportunityPerson>>,
    apply: Callback<OpportunityRecord>,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let ready = use_hydrated();
    let busy = RwSignal::new(false);
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match add_opportunity_person(id.get_value(), email.get_untracked()).await {
                Ok(record) => {
                    apply.run(record);
                    email.set(String::new());
                }
                Err(problem) => {
                    error.set(Some(problem.to_string()));
                    request_animation_frame(|| focus_by_id("opportunity-person-email"));
                }
            }
            busy.set(false);
        });
    };
    let remove = move |person: String| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match remove_opportunity_person(id.get_value(), person).await {
                Ok(record) => {
                    apply.run(record);
                    request_animation_frame(|| focus_by_id("opportunity-person-email"));
                }
                Err(problem) => error.set(Some(problem.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="opportunity-people-title" class="opportunity__people">
            <h2 id="opportunity-people-title">"People"</h2>
            {move || {
                let list = people.get();
                if list.is_empty() {
                    view! { <p class="record__empty">"No one is linked to this opportunity yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="opportunity__people-list">
                            {list.into_iter().map(|person| {
                                let person_id = person.id.to_string();
                                let label = format!("Remove {} from this opportunity", person.name);
                                view! {
                                    <li>
                                        <a href=format!("/app/people/{}", person.id)>{person.name}</a>
                                        {(!person.email.is_empty()).then(|| format!(" ({})", person.email))}
                                        " "
                                        <button
                                            type="button"
                                            class="button button--small button--quiet"
                                            aria-label=label
                                            disabled=move || busy.get() || !ready.get()
                                            on:click=move |_| remove(person_id.clone())
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
            <form class="opportunity__add-person" on:submit=add novalidate>
                <div class="field" class:field--invalid=move || error.with(Option::is_some)>
                    <label for="opportunity-person-email">"Add a person by e-mail address"</label>
                    <input
                        id="opportunity-person-email"
                        type="email"
                        autocomplete="off"
                        maxlength="254"
                        prop:value=move || email.get()
                        on:input:target=move |ev| email.set(ev.target().value())
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        aria-describedby=move || error.with(Option::is_some).then_some("opportunity-person-error")
                    />
                    {move || error.get().map(|message| view! {
                        <FieldError id="opportunity-person-error".to_owned() message live=true/>
                    })}
                </div>
                <button type="submit" class="button" disabled=move || busy.get() || !ready.get()>"Add"</button>
            </form>
        </section>
    }
}

/// `/app/opportunities/stages`: the pipeline's stages, each renamed and moved earlier or later.
#[component]
pub fn StagesPage() -> impl IntoView {
    let data = Resource::new_blocking(
        || (),
        |()| async {
            pipeline_stages()
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    view! {
        <Title text="Pipeline stages"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow pipeline-stages">
            <h1>"Pipeline stages"</h1>
            <OpportunitiesNav current="/app/opportunities/stages"/>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |PipelineSettings { stages, may_change }| {
                        if may_change {
                            view! {
                                <p class="field__hint">
                                    "Rename a stage or move it earlier or later. Opportunities stay in their stage; whether a stage counts as open, won or lost stays with it when it is renamed."
                                </p>
                                <StagesEditor stages/>
                            }
                            .into_any()
                        } else {
                            view! { <StagesList stages/> }.into_any()
                        }
                    })
                })}
            </Suspense>
        </div>
    }
}

/// The pipeline as a member who may not change it sees it: the stages in order, and who may.
#[component]
fn StagesList(stages: Vec<Stage>) -> impl IntoView {
    view! {
        <p class="form-notice" role="note">
            "Only the workspace's owner and admins can rename or reorder the pipeline's stages. Ask one of them for a change."
        </p>
        <ol class="stages stages--read-only">
            {stages.into_iter().map(|stage| {
                let outcome = match stage.outcome {
                    StageOutcome::Open => "Open",
                    StageOutcome::Won => "Counts as won",
                    StageOutcome::Lost => "Counts as lost",
                };
                view! {
                    <li class="stages__item">
                        <span class="stages__name">{stage.name}</span>
                        <span class="field__hint">{outcome}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn StagesEditor(stages: Vec<Stage>) -> impl IntoView {
    let stages = RwSignal::new(stages);
    let news = RwSignal::new(None::<MoveNews>);
    let busy = RwSignal::new(false);
    let ready = use_hydrated();
    let answer = move |result: Result<Vec<Stage>, AppError>, done: String, focus: String| {
        match result {
            Ok(fresh) => {
                stages.set(fresh);
                news.set(Some(MoveNews::Done(done)));
                request_animation_frame(move || focus_by_id(&focus));
            }
            Err(problem) => news.set(Some(MoveNews::Refused(problem.to_string()))),
        }
        busy.set(false);
    };
    view! {
        <NewsLine news/>
        <ol class="stages">
            {move || {
                let all = stages.get();
                let last = all.len().saturating_sub(1);
                all.into_iter().enumerate().map(|(index, stage)| {
                    let stage_id = stage.id.to_string();
                    let input = format!("stage-name-{stage_id}");
                    let input_for = input.clone();
                    let hint = format!("stage-outcome-{stage_id}");
                    let hint_id = hint.clone();
                    let rename_label = format!("Rename {}", stage.name);
                    let earlier_label = format!("Move {} earlier", stage.name);
                    let later_label = format!("Move {} later", stage.name);
                    let name = RwSignal::new(stage.name.clone());
                    let outcome = match stage.outcome {
                        StageOutcome::Open => "Open",
                        StageOutcome::Won => "Counts as won",
                        StageOutcome::Lost => "Counts as lost",
                    };
                    let (rename_id, up_id, down_id) = (stage_id.clone(), stage_id.clone(), stage_id.clone());
                    let rename = move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        if busy.get_untracked() {
                            return;
                        }
                        busy.set(true);
                        let stage = rename_id.clone();
                        let new_name = name.get_untracked();
                        let focus = format!("stage-name-{stage}");
                        leptos::task::spawn_local(async move {
                            let result = rename_stage(stage, new_name.clone()).await;
                            answer(result, format!("Renamed to {}.", new_name.trim()), focus);
                        });
                    };
                    let reorder = move |stage: String, direction: Direction| {
                        if busy.get_untracked() {
                            return;
                        }
                        busy.set(true);
                        let focus = format!("stage-name-{stage}");
                        let done = match direction {
                            Direction::Earlier => "Moved one place earlier.",
                            Direction::Later => "Moved one place later.",
                        };
                        leptos::task::spawn_local(async move {
                            let result = reorder_stage(stage, direction).await;
                            answer(result, done.to_owned(), focus);
                        });
                    };
                    view! {
                        <li class="stages__item">
                            <form class="stages__rename" on:submit=rename>
                                <div class="field">
                                    <label for=input_for>{format!("Stage {} of {}", index + 1, last + 1)}</label>
                                    <input
                                        id=input
                                        type="text"
                                        autocomplete="off"
                                        maxlength=STAGE_NAME_MAX_CHARS.to_string()
                                        aria-describedby=hint
                                        prop:value=move || name.get()
                                        on:input:target=move |ev| name.set(ev.target().value())
                                    />
                                    <p id=hint_id class="field__hint">{outcome}</p>
                                </div>
                                <button type="submit" class="button button--small" aria-label=rename_label disabled=move || busy.get() || !ready.get()>
                                    "Rename"
                                </button>
                            </form>
                            <div class="stages__order">
                                <button
                                    type="button"
                                    class="button button--small button--quiet"
                                    aria-label=earlier_label
                                    disabled=move || index == 0 || busy.get() || !ready.get()
                                    on:click=move |_| reorder(up_id.clone(), Direction::Earlier)
                                >
                                    "Earlier"
                                </button>
                                <button
                                    type="button"
                                    class="button button--small button--quiet"
                                    aria-label=later_label
                                    disabled=move || index == last || busy.get() || !ready.get()
                                    on:click=move |_| reorder(down_id.clone(), Direction::Later)
                                >
                                    "Later"
                                </button>
                            </div>
                        </li>
                    }
                }).collect_view()
            }}
        </ol>
    }
}

/// The opportunities a person or a company is part of, on their page: the soonest to close
/// first, with their stage, amount and expected close, and how many there are in all. `all_href`
/// is the list that shows every one of them, when there is such a list.
#[component]
pub fn RelatedOpportunitiesSection(
    related: RelatedOpportunities,
    /// "this person", "this company".
    noun: &'static str,
    #[prop(optional)] all_href: Option<String>,
) -> impl IntoView {
    let RelatedOpportunities { rows, count } = related;
    let shown = rows.len();
    let summary = (i64::try_from(shown).unwrap_or(i64::MAX) < count).then(|| {
        format!(
            "The {shown} that close soonest of {}.",
            Kind::Opportunities.count(count)
        )
    });
    view! {
        <section aria-labelledby="related-opportunities-title" class="record__opportunities">
            <h2 id="related-opportunities-title">"Opportunities"</h2>
            {if rows.is_empty() {
                view! { <p class="record__empty">{format!("No opportunities with {noun} yet.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="record__opportunity-list">
                        {rows.into_iter().map(|row| view! {
                            <li>
                                <a href=format!("/app/opportunities/{}", row.id)>{row.name}</a>
                                <span class="record__opportunity-facts">
                                    {format!(
                                        "{}, {}, expected to close {}",
                                        row.stage.name,
                                        row.amount,
                                        close_day(&row.close_on)
                                    )}
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {summary.map(|summary| view! {
                <p class="field__hint">
                    {summary}
                    {all_href.map(|href| view! { " " <a href=href>"See them all in the list"</a> })}
                </p>
            })}
        </section>
    }
}
