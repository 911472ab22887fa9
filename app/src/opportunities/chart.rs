//! The dashboard's chart of the open pipeline: a horizontal bar per open stage, drawn in SVG on
//! the server (attributes only, which the content security policy allows), with a sentence that
//! names every figure for screen readers and the same figures as a table for everyone.

use leptos::prelude::*;

use crm_core::opportunities::{CurrencyPipeline, Money, StageValue, bar_length};
use crm_core::records::Kind;

/// The chart's drawing width and the room its labels take.
const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 150;
const VALUE_WIDTH: i64 = 150;
const ROW: i64 = 36;
const BAR: i64 = 22;

/// What the chart shows, in words: "Open pipeline in EUR by stage: Lead €1,000.00 (2
/// opportunities); Proposal €0.00 (0 opportunities)."
fn describe(pipeline: &CurrencyPipeline) -> String {
    let stages = pipeline
        .stages
        .iter()
        .map(|s| {
            format!(
                "{} {} ({})",
                s.stage,
                s.value,
                Kind::Opportunities.count(s.count)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    format!("Open pipeline in {} by stage: {stages}.", pipeline.currency)
}

/// The open pipeline, one chart per currency.
#[component]
pub fn PipelineChart(pipelines: Vec<CurrencyPipeline>) -> impl IntoView {
    if pipelines.is_empty() {
        return view! {
            <p class="tasks__empty">
                "No open opportunities yet. "
                <a href="/app/opportunities/new">"Add an opportunity"</a>
            </p>
        }
        .into_any();
    }
    pipelines
        .into_iter()
        .map(|pipeline| view! { <CurrencyChart pipeline/> })
        .collect_view()
        .into_any()
}

#[component]
fn CurrencyChart(pipeline: CurrencyPipeline) -> impl IntoView {
    let label = describe(&pipeline);
    let largest = pipeline
        .stages
        .iter()
        .map(|s| s.value.minor)
        .max()
        .unwrap_or(0);
    let rows = i64::try_from(pipeline.stages.len()).unwrap_or(0);
    let height = rows * ROW + 8;
    let room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let total = Money {
        minor: pipeline.stages.iter().map(|s| s.value.minor).sum(),
        currency: pipeline.currency.clone(),
    };
    let caption = format!("Open pipeline in {}: {total}", pipeline.currency);
    let caption_id = format!("pipeline-table-{}", pipeline.currency.to_lowercase());
    let region_label = caption_id.clone();
    let bars = pipeline
        .stages
        .iter()
        .enumerate()
        .map(|(index, stage)| {
            let y = i64::try_from(index).unwrap_or(0) * ROW + 4;
            let length = bar_length(stage.value.minor, largest, room);
            view! {
                <text x=LABEL_WIDTH - 8 y=y + BAR - 6 text-anchor="end" fill="#1f2937">{stage.stage.clone()}</text>
                <rect x=LABEL_WIDTH y=y width=length height=BAR fill="#1d4ed8"></rect>
                <text x=LABEL_WIDTH + length + 6 y=y + BAR - 6 fill="#1f2937">{stage.value.to_string()}</text>
            }
        })
        .collect_view();
    let table_rows = pipeline.stages.into_iter().map(
        |StageValue {
             stage,
             value,
             count,
         }| {
            view! {
                <tr>
                    <th scope="row">{stage}</th>
                    <td class="number">{value.to_string()}</td>
                    <td class="number">{count}</td>
                </tr>
            }
        },
    );
    view! {
        <figure class="pipeline-chart">
            <figcaption>{caption}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=label>
                <line x1=LABEL_WIDTH y1="0" x2=LABEL_WIDTH y2=height stroke="#4b5563"></line>
                {bars}
            </svg>
        </figure>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby=region_label>
            <table class="list__table pipeline-chart__table">
                <caption id=caption_id>{format!("Open opportunities in {} by stage", total.currency)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Stage"</th>
                        <th scope="col">"Value"</th>
                        <th scope="col">"Opportunities"</th>
                    </tr>
                </thead>
                <tbody>{table_rows.collect_view()}</tbody>
            </table>
        </div>
    }
}
