//! `/app/operator/consent`: cookie decisions per day, by action, for the last 30 days. A stacked
//! bar chart for the eye and the same figures as a table for everyone (the chart is drawn in SVG
//! with attributes, which the content security policy allows, instead of inline styles).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crm_core::consent::{Action, DayCounts};
use crm_core::error::AppError;

use crate::layout::{loaded, loading};

/// Days shown.
pub const DAYS: i64 = 30;

/// The decisions of the last [`DAYS`] days, today included. Operators only.
#[server(prefix = "/api", endpoint = "operator/consent-chart")]
pub async fn consent_chart() -> Result<Vec<DayCounts>, AppError> {
    const DAY_MS: i64 = 86_400_000;
    crate::member::as_operator(|_session, state| async move {
        let today = state.db.now_millis().div_euclid(DAY_MS);
        let first_day = today - DAYS + 1;
        let rows =
            crm_backend::consent::ledger::decisions_per_day(&state.db, first_day * DAY_MS).await?;
        Ok(crm_backend::consent::ledger::per_day(
            &rows, first_day, today,
        ))
    })
    .await
}

/// Fill colours per action, distinguishable without relying on hue alone (the table carries the
/// figures) and at least 3:1 against white.
const COLOURS: [&str; 5] = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c"];

#[component]
pub fn ConsentChartPage() -> impl IntoView {
    // The server function sets the page's status (403 for a member who is not an operator)
    // while the page is rendered, before the headers are sent.
    let data = Resource::new_blocking(|| (), |()| consent_chart());
    view! {
        <Title text="Cookie decisions"/>
        <Meta name="robots" content="noindex"/>
        <div class="page operator">
            <h1>"Cookie decisions per day"</h1>
            <p class="operator__lead">
                {format!("The last {DAYS} days (UTC), from the consent ledger. Counts only: the ledger's consent ids are never shown.")}
            </p>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |days| view! { <Chart days/> }.into_any())
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Chart(days: Vec<DayCounts>) -> impl IntoView {
    const WIDTH: i64 = 720;
    const HEIGHT: i64 = 200;
    let busiest = days.iter().map(DayCounts::total).max().unwrap_or(0).max(1);
    let slot = WIDTH / i64::try_from(days.len().max(1)).unwrap_or(1);
    let total: i64 = days.iter().map(DayCounts::total).sum();
    let bars = days
        .iter()
        .enumerate()
        .flat_map(|(index, day)| {
            let x = i64::try_from(index).unwrap_or(0) * slot + 2;
            let mut y = HEIGHT;
            day.counts
                .iter()
                .zip(COLOURS)
                .filter(|(count, _)| **count > 0)
                .map(|(count, colour)| {
                    let height = (count * HEIGHT / busiest).max(1);
                    y -= height;
                    view! {
                        <rect x=x y=y width=(slot - 4).max(1) height=height fill=colour></rect>
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect_view();
    view! {
        <figure class="operator__chart">
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-label=format!("Stacked bars of cookie decisions per day; {total} in {DAYS} days. The table below has every figure.")
            >
                <line x1="0" y1=HEIGHT x2=WIDTH y2=HEIGHT stroke="#4b5563"></line>
                {bars}
            </svg>
            <figcaption>
                <ul class="operator__legend">
                    {Action::ALL
                        .iter()
                        .zip(COLOURS)
                        .map(|(action, colour)| view! {
                            <li>
                                <svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill=colour></rect></svg>
                                {action.label()}
                            </li>
                        })
                        .collect_view()}
                </ul>
            </figcaption>
        </figure>
        <div class="operator__table-wrap">
            <table class="operator__table">
                <caption>"Decisions per day and action"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Day (UTC)"</th>
                        {Action::ALL.iter().map(|a| view! { <th scope="col">{a.label()}</th> }).collect_view()}
                        <th scope="col">"Total"</th>
                    </tr>
                </thead>
                <tbody>
                    {days
                        .into_iter()
                        .rev()
                        .map(|day| {
                            let total = day.total();
                            view! {
                                <tr>
                                    <th scope="row">{day.date}</th>
                                    {day.counts.into_iter().map(|n| view! { <td>{n}</td> }).collect_view()}
                                    <td>{total}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
