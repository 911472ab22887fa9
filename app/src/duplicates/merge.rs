//! `/app/people/merge?keep=…&merge=…` and `/app/companies/merge?…`: two people (or companies)
//! become one. Each field on which they differ is a choice between the two values (the
//! survivor's chosen first, or the other's where the survivor has none); the page says what
//! moves, and the merge is a plain form post.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crm_core::duplicates::{MergeChoice, MergePage, MergeSide};
use crm_core::error::AppError;
use crm_core::records::Kind;

use super::api::merge_preview;
use crate::form::{FormMessages, posted_form};
use crate::layout::{loaded, loading};

/// `/app/people/merge`.
#[component]
pub fn MergePeoplePage() -> impl IntoView {
    view! { <MergeTwo kind=Kind::People/> }
}

/// `/app/companies/merge`.
#[component]
pub fn MergeCompaniesPage() -> impl IntoView {
    view! { <MergeTwo kind=Kind::Companies/> }
}

/// The form's id.
fn form_id(kind: Kind) -> &'static str {
    if kind == Kind::People {
        "merge-people"
    } else {
        "merge-companies"
    }
}

#[component]
fn MergeTwo(kind: Kind) -> impl IntoView {
    let url = use_query_map();
    let pair = Memo::new(move |_| {
        url.with(|q| {
            (
                q.get("keep").unwrap_or_default(),
                q.get("merge").unwrap_or_default(),
            )
        })
    });
    let data = Resource::new_blocking(
        move || pair.get(),
        move |(keep, merge)| async move {
            merge_preview(kind, keep, merge)
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    let heading = format!("Merge two {}", kind.plural());
    view! {
        <Title text=heading.clone()/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow merge">
            <p><a href="/app/duplicates">"Back to possible duplicates"</a></p>
            <h1>{heading}</h1>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |page| view! { <MergeForm page/> }.into_any())
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn MergeForm(page: MergePage) -> impl IntoView {
    let MergePage {
        kind,
        kept,
        merged,
        kept_version,
        merged_version,
        choices,
        moves,
    } = page;
    let form = form_id(kind);
    let list = kind.plural();
    let action = format!("/app/{list}/merge?keep={}&merge={}", kept.id, merged.id);
    let swap = format!("/app/{list}/merge?keep={}&merge={}", merged.id, kept.id);
    let stays = if kind == Kind::People {
        "who stays"
    } else {
        "which stays"
    };
    let kept_note = if kind == Kind::People {
        "Every e-mail address and phone number of the two is kept (those not chosen as the main one become further ones), with their tags, notes, tasks, opportunities, leads and activity. The merge can be undone from the page of the person who stays, until they are next changed."
    } else {
        "The other company's people, opportunities, leads, tags, notes, tasks and activity move to the one that stays, and its people's company name follows. The merge can be undone from the page of the company that stays, until it is next changed."
    };
    let moving = if moves.is_empty() {
        format!("{} has nothing else to move.", merged.title)
    } else {
        format!("Moving to {}: {}.", kept.title, moves.join(", "))
    };
    let same = choices.is_empty();
    view! {
        <FormMessages form_id=form state=posted_form()/>
        <p class="merge__who">
            <a href=kind.href(&merged.id)>{merged.title.clone()}</a>
            " will be merged into "
            <a href=kind.href(&kept.id)>{kept.title.clone()}</a>
            {format!(", {stays}. ")}
            <a href=swap>{format!("Keep {} instead", merged.title)}</a>
        </p>
        <form id=form class="account__form" method="post" action=action>
            <input type="hidden" name="keep" value=kept.id.clone()/>
            <input type="hidden" name="merge" value=merged.id.clone()/>
            <input type="hidden" name="kept_version" value=kept_version.to_string()/>
            <input type="hidden" name="merged_version" value=merged_version.to_string()/>
            {if same {
                view! { <p>"Their details are the same: only what they hold moves."</p> }.into_any()
            } else {
                view! {
                    <p>"Choose which value to keep where they differ:"</p>
                    {choices
                        .into_iter()
                        .map(|choice| view! { <Choice form choice/> })
                        .collect_view()}
                }
                .into_any()
            }}
            <p class="merge__moves">{moving}</p>
            <p class="field__hint">{kept_note}</p>
            <button type="submit" class="button">{format!("Merge into {}", kept.title)}</button>
        </form>
    }
}

/// One field's two values, as radio buttons in a group named by the field.
#[component]
fn Choice(form: &'static str, choice: MergeChoice) -> impl IntoView {
    let MergeChoice {
        name,
        label,
        kept,
        merged,
        chosen,
    } = choice;
    let shown = |value: String| {
        if value.is_empty() {
            "(empty)".to_owned()
        } else {
            value
        }
    };
    let kept_id = format!("{form}-{name}-kept");
    let merged_id = format!("{form}-{name}-merged");
    view! {
        <fieldset class="field merge__choice">
            <legend>{label}</legend>
            <div class="merge__option">
                <input
                    type="radio"
                    id=kept_id.clone()
                    name=name.clone()
                    value="kept"
                    checked=chosen == MergeSide::Kept
                />
                <label for=kept_id>{shown(kept)}</label>
            </div>
            <div class="merge__option">
                <input
                    type="radio"
                    id=merged_id.clone()
                    name=name
                    value="merged"
                    checked=chosen == MergeSide::Merged
                />
                <label for=merged_id>{shown(merged)}</label>
            </div>
        </fieldset>
    }
}
