//! The dashboard's part of `/app`.

use leptos::prelude::*;

use crm_core::dashboard::{Summary, open_tasks_count};
use crm_core::error::AppError;
use crm_core::records::Kind;

use super::api::dashboard_summary;
use crate::layout::{loaded, loading, use_clock};
use crate::opportunities::PipelineChart;
use crate::tasks::TaskItem;

/// The workspace at a glance, and what is due this week.
#[component]
pub fn Dashboard() -> impl IntoView {
    let data = Resource::new_blocking(
        || (),
        |()| async {
            dashboard_summary()
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                loaded(data.await, |summary| view! { <SummaryView summary/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn SummaryView(summary: Summary) -> impl IntoView {
    let Summary {
        people,
        companies,
        opportunities,
        pipeline,
        open_tasks,
        overdue_tasks,
        week_ends,
        week,
        more,
    } = summary;
    let empty = week.is_empty();
    view! {
        <section class="dashboard" aria-labelledby="glance-title">
            <h2 id="glance-title">"At a glance"</h2>
            <ul class="dashboard__counts">
                <li><a href="/app/people">{Kind::People.count(people)}</a></li>
                <li><a href="/app/companies">{Kind::Companies.count(companies)}</a></li>
                <li><a href="/app/opportunities">{Kind::Opportunities.count(opportunities)}</a></li>
                <li>
                    <a href="/app/tasks">{open_tasks_count(open_tasks)}</a>
                    {(overdue_tasks > 0).then(|| view! {
                        <span class="dashboard__overdue">{format!(", {overdue_tasks} overdue")}</span>
                    })}
                </li>
            </ul>
        </section>
        <section class="dashboard" aria-labelledby="pipeline-title">
            <h2 id="pipeline-title">"Open pipeline by stage"</h2>
            <PipelineChart pipelines=pipeline/>
            <p><a href="/app/opportunities/board">"Open the pipeline board"</a></p>
        </section>
        <section class="dashboard" aria-labelledby="week-title">
            <h2 id="week-title">{format!("Due by Sunday, {}", use_clock().date(week_ends))}</h2>
            {if empty {
                view! { <p class="tasks__empty">"Nothing open is due this week."</p> }.into_any()
            } else {
                view! {
                    <ul class="tasks__list" aria-labelledby="week-title">
                        {week.into_iter().map(|task| view! {
                            <TaskItem task show_about=true on_change=Callback::new(|_| ())/>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {more.then(|| view! {
                <p><a href="/app/tasks">"More are due this week: see all open tasks"</a></p>
            })}
        </section>
    }
}
