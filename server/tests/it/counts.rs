//! The workspace's kept counts (`record_counts`, moved by triggers in the transaction of each
//! change) and the open pipeline's kept totals (`pipeline_totals`) agree with the rows counted
//! afresh, on each backend, after changes sent at once in two workspaces side by side: records
//! added, deleted one by one and in bulk (overlapping selections included), tasks ticked, reopened
//! and deleted, opportunities moved between stages, a lead converted into a person and a company.
//! The dashboard shows the kept figures.

use std::future::Future;
use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;

use crate::bulk_jobs::call;
use crate::companies::add_company;
use crate::leads::add_lead;
use crate::opportunities::add_opportunity;
use crate::people::{ada_and_mallory, add_person, api, api_ok, bulk_of, post_bulk};
use crate::support::TestApp;
use crate::tasks::{add_task, task_id};
use crm_test_macros::backend_test;

/// Every count kept for every workspace, as `(workspace, kind, n)`, beside the same counted now.
async fn counts_kept_and_counted(
    app: &TestApp,
) -> (Vec<(String, String, i64)>, Vec<(String, String, i64)>) {
    let pool = app.state.db.pool();
    let kept = sqlx::query_as(
        "SELECT workspace_id, kind, n FROM record_counts ORDER BY workspace_id, kind",
    )
    .fetch_all(pool)
    .await
    .expect("kept counts");
    let counted = sqlx::query_as(
        "SELECT w.id AS workspace_id, k.kind,
                CASE k.kind
                    WHEN 'people' THEN (SELECT COUNT(*) FROM people t WHERE t.workspace_id = w.id)
                    WHEN 'companies'
                        THEN (SELECT COUNT(*) FROM companies t WHERE t.workspace_id = w.id)
                    WHEN 'leads' THEN (SELECT COUNT(*) FROM leads t WHERE t.workspace_id = w.id)
                    WHEN 'opportunities'
                        THEN (SELECT COUNT(*) FROM opportunities t WHERE t.workspace_id = w.id)
                    WHEN 'tasks' THEN (SELECT COUNT(*) FROM tasks t WHERE t.workspace_id = w.id)
                    ELSE (SELECT COUNT(*) FROM tasks t
                          WHERE t.workspace_id = w.id AND t.done_at IS NULL)
                END AS n
         FROM workspaces w
         CROSS JOIN (SELECT 'people' AS kind UNION ALL SELECT 'companies'
                     UNION ALL SELECT 'leads' UNION ALL SELECT 'opportunities'
                     UNION ALL SELECT 'tasks' UNION ALL SELECT 'open_tasks') k
         ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .expect("counted");
    (kept, counted)
}

type Total = (String, String, String, i64, i64);

/// A request to send at once with others, answering its status and body.
type Request = std::pin::Pin<Box<dyn Future<Output = (StatusCode, String)> + Send>>;

/// The kept pipeline totals `(workspace, stage, currency, n, amount)` beside the same summed now.
async fn totals_kept_and_summed(app: &TestApp) -> (Vec<Total>, Vec<Total>) {
    let pool = app.state.db.pool();
    let kept = sqlx::query_as(
        "SELECT workspace_id, stage_id, currency, n, amount_minor FROM pipeline_totals
         ORDER BY workspace_id, stage_id, currency",
    )
    .fetch_all(pool)
    .await
    .expect("kept totals");
    let summed = sqlx::query_as(
        "SELECT workspace_id, stage_id, currency, COUNT(*) AS n,
                CAST(SUM(amount_minor) AS BIGINT) AS amount_minor
         FROM opportunities GROUP BY workspace_id, stage_id, currency
         ORDER BY workspace_id, stage_id, currency",
    )
    .fetch_all(pool)
    .await
    .expect("summed totals");
    (kept, summed)
}

/// The kept counts and totals are those counted now (and not trivially: `expect_some` of them
/// are not zero).
async fn assert_kept_figures_agree(app: &TestApp, after: &str, expect_some: usize) {
    let (kept, counted) = counts_kept_and_counted(app).await;
    assert_eq!(kept, counted, "{} after {after}", app.label());
    let nonzero = counted.iter().filter(|(_, _, n)| *n > 0).count();
    assert!(
        nonzero >= expect_some,
        "{} after {after}: {counted:?}",
        app.label()
    );
    let (kept, summed) = totals_kept_and_summed(app).await;
    assert_eq!(kept, summed, "{} after {after}", app.label());
}

/// Runs every request at once, each a task of its own; answers their statuses and bodies.
async fn at_once<F>(requests: Vec<F>) -> Vec<(StatusCode, String)>
where
    F: Future<Output = (StatusCode, String)> + Send + 'static,
{
    let tasks: Vec<_> = requests.into_iter().map(tokio::spawn).collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(task.await.expect("a request task never panics"));
    }
    answers
}

/// Whatever each of several overlapping changes got, none failed inside the server.
fn assert_each_done_or_refused(answers: &[(StatusCode, String)], label: &str) {
    for (status, body) in answers {
        assert!(
            [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::CONFLICT].contains(status),
            "{label}: {status} {body}"
        );
    }
}

fn ids_in(body: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(body).expect("json");
    value["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["id"].as_str().expect("id").to_owned())
        .collect()
}

#[backend_test(flavor = "multi_thread", worker_threads = 4)]
async fn the_kept_counts_agree_with_a_real_count_after_changes_made_at_once_in_two_workspaces(
    app: TestApp,
) {
    let label = app.label();
    let (ada, mallory) = ada_and_mallory(&app).await;
    assert_kept_figures_agree(&app, "signing up", 0).await;
    let app = Arc::new(app);

    // Adding: people, companies, leads, opportunities and tasks in both workspaces, all at once.
    let mut adding = Vec::new();
    for (i, cookie) in (0..16).map(|i| (i, if i < 10 { &ada } else { &mallory })) {
        let (app, cookie) = (app.clone(), cookie.clone());
        adding.push(tokio::spawn(async move {
            let name = format!("Person{i:02}");
            add_person(
                &app,
                &cookie,
                &[("first_name", "Ann"), ("last_name", &name)],
            )
            .await;
        }));
    }
    for i in 0..3 {
        let (app, cookie) = (app.clone(), ada.clone());
        adding.push(tokio::spawn(async move {
            add_company(&app, &cookie, &[("name", &format!("Company {i}"))]).await;
            add_lead(
                &app,
                &cookie,
                &[
                    ("name", &format!("Lead {i}")),
                    ("email", &format!("lead{i}@acme.example")),
                    ("company_name", "Acme Labs"),
                    ("source", "Referral"),
                ],
            )
            .await;
        }));
    }
    for (i, currency) in ["EUR", "EUR", "USD", "EUR", "GBP"].into_iter().enumerate() {
        let (app, cookie) = (app.clone(), ada.clone());
        adding.push(tokio::spawn(async move {
            add_opportunity(
                &app,
                &cookie,
                &[
                    ("name", &format!("Deal {i}")),
                    ("amount", &format!("{}", (i + 1) * 100)),
                    ("currency", currency),
                    ("close_on", "2027-03-31"),
                ],
            )
            .await;
        }));
    }
    for adding in adding {
        adding.await.expect("an addition");
    }
    let tasks = at_once(
        (0..8)
            .map(|i| {
                let (app, cookie) = (
                    app.clone(),
                    if i < 6 { ada.clone() } else { mallory.clone() },
                );
                async move {
                    let due = if i % 2 == 0 { "2027-01-15" } else { "" };
                    add_task(&app, &cookie, &format!("Task {i}"), due, "", "").await
                }
            })
            .collect(),
    )
    .await;
    let tasks: Vec<String> = tasks
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::OK, "{label}: {body}");
            task_id(body)
        })
        .collect();
    assert_kept_figures_agree(&app, "adding at once", 8).await;

    // Changing: deletions of one person from three pages, overlapping bulk deletions, people
    // added meanwhile; tasks ticked and reopened in overlapping bulk actions, one deleted;
    // opportunities moved to other stages and deleted in bulk; a lead converted.
    let people = ids_in(&api_ok(&app, "/api/people/list", &[("query[q]", "")], &ada).await);
    let deals = ids_in(&api_ok(&app, "/api/opportunities/list", &[("query[q]", "")], &ada).await);
    let leads = ids_in(&api_ok(&app, "/api/leads/list", &[("query[q]", "")], &ada).await);
    assert_eq!(
        (people.len(), deals.len(), leads.len()),
        (10, 5, 3),
        "{label}"
    );
    let pipeline: Value =
        serde_json::from_str(&api_ok(&app, "/api/opportunities/stages", &[], &ada).await)
            .expect("json");
    let stages: Vec<String> = pipeline["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|stage| stage["id"].as_str().expect("id").to_owned())
        .collect();
    let first_stage = stages[0].clone();
    let lead_version = {
        let lead: Value = serde_json::from_str(
            &api_ok(&app, "/api/leads/load", &[("id", &leads[0])], &ada).await,
        )
        .expect("json");
        lead["lead"]["version"].to_string()
    };

    let mut changing: Vec<Request> = Vec::new();
    for _ in 0..3 {
        let (app, cookie, id) = (app.clone(), ada.clone(), people[0].clone());
        changing.push(Box::pin(async move {
            api(
                &app,
                "/api/records/delete",
                &[("kind", "People"), ("id", &id)],
                &cookie,
            )
            .await
        }));
    }
    for selection in [&people[1..4], &people[3..6]] {
        let (app, cookie, ids) = (app.clone(), ada.clone(), selection.to_vec());
        changing.push(Box::pin(async move {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            bulk_of(&app, &cookie, "People", &ids, "Delete", "").await
        }));
    }
    for i in 0..2 {
        let (app, cookie) = (app.clone(), ada.clone());
        changing.push(Box::pin(async move {
            add_person(
                &app,
                &cookie,
                &[("first_name", "Late"), ("last_name", &format!("Comer{i}"))],
            )
            .await;
            (StatusCode::OK, String::new())
        }));
    }
    for (selection, action) in [
        (&tasks[0..4], "Done"),
        (&tasks[2..5], "Done"),
        (&tasks[1..3], "Reopen"),
    ] {
        let (app, cookie, ids) = (app.clone(), ada.clone(), selection.to_vec());
        changing.push(Box::pin(async move {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            post_bulk(&app, "/api/tasks/bulk", &[], &ids, action, "", &cookie).await
        }));
    }
    {
        let (app, cookie, id) = (app.clone(), ada.clone(), tasks[5].clone());
        changing.push(Box::pin(async move {
            api(&app, "/api/tasks/delete", &[("id", &id)], &cookie).await
        }));
    }
    {
        let (app, cookie, id) = (app.clone(), mallory.clone(), tasks[6].clone());
        changing.push(Box::pin(async move {
            api(
                &app,
                "/api/tasks/set-done",
                &[("id", &id), ("done", "true")],
                &cookie,
            )
            .await
        }));
    }
    for (deal, to) in [
        (&deals[0], &stages[1]),
        (&deals[1], &stages[2]),
        (&deals[0], &stages[2]),
    ] {
        let (app, cookie) = (app.clone(), ada.clone());
        let (deal, to, from) = (deal.clone(), to.clone(), first_stage.clone());
        changing.push(Box::pin(async move {
            api(
                &app,
                "/api/opportunities/move",
                &[("id", &deal), ("to", &to), ("from", &from)],
                &cookie,
            )
            .await
        }));
    }
    {
        let (app, cookie, ids) = (app.clone(), ada.clone(), deals[3..5].to_vec());
        changing.push(Box::pin(async move {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            bulk_of(&app, &cookie, "Opportunities", &ids, "Delete", "").await
        }));
    }
    {
        let (app, cookie, id) = (app.clone(), ada.clone(), leads[0].clone());
        changing.push(Box::pin(async move {
            api(
                &app,
                "/api/leads/convert",
                &[
                    ("id", &id),
                    ("version", &lead_version),
                    ("choice[add_company]", "true"),
                ],
                &cookie,
            )
            .await
        }));
    }
    let answers = at_once(changing).await;
    assert_each_done_or_refused(&answers, label);
    assert_eq!(
        answers[0..3]
            .iter()
            .filter(|(s, _)| *s == StatusCode::OK)
            .count(),
        1,
        "{label}: one of three deletions of one person: {answers:?}"
    );
    assert_eq!(
        answers.last().expect("the conversion").0,
        StatusCode::OK,
        "{label}"
    );
    assert_kept_figures_agree(&app, "changing at once", 8).await;

    // A deletion of every person a search matches, applied by the background worker while
    // people are added to the same list.
    let comers = serde_json::json!({
        "scope": { "People": { "q": "Comer" } }, "action": "Delete", "value": "", "expected": 2,
    });
    let (status, body) = call(&app, "/api/records/bulk-start", &comers, &ada).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    let adding: Vec<_> = (0..3)
        .map(|i| {
            let (app, cookie) = (app.clone(), ada.clone());
            tokio::spawn(async move {
                let name = format!("Still{i}");
                add_person(
                    &app,
                    &cookie,
                    &[("first_name", "Later"), ("last_name", &name)],
                )
                .await
            })
        })
        .collect();
    let worked = crm_backend::bulk::work(&app.state.db, "counts").await;
    for adding in adding {
        adding.await.expect("an addition");
    }
    worked.expect("the job");
    let late: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE last_name LIKE 'Comer%'")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(late, 0, "{label}");
    assert_kept_figures_agree(&app, "a deletion of every match beside additions", 8).await;

    // The dashboard shows the kept figures: what is there now, counted afresh here.
    let summary: Value =
        serde_json::from_str(&api_ok(&app, "/api/dashboard/summary", &[], &ada).await)
            .expect("json");
    let workspace: String = sqlx::query_scalar("SELECT workspace_id FROM people WHERE id = $1")
        .bind(&people[9])
        .fetch_one(app.state.db.pool())
        .await
        .expect("Ada's workspace");
    for (shown, sql) in [
        (
            "people",
            "SELECT COUNT(*) FROM people WHERE workspace_id = $1",
        ),
        (
            "companies",
            "SELECT COUNT(*) FROM companies WHERE workspace_id = $1",
        ),
        (
            "opportunities",
            "SELECT COUNT(*) FROM opportunities WHERE workspace_id = $1",
        ),
        (
            "open_tasks",
            "SELECT COUNT(*) FROM tasks WHERE workspace_id = $1 AND done_at IS NULL",
        ),
    ] {
        let counted: i64 = sqlx::query_scalar(sql)
            .bind(&workspace)
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
        assert_eq!(summary[shown], counted, "{label}: {shown}");
    }
    // Ada's open pipeline: what is left of deals 0 to 2 in the open stages, by currency.
    let open_value: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(o.amount_minor), 0) AS BIGINT)
         FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
         WHERE o.workspace_id = $1 AND s.outcome = 'open'",
    )
    .bind(&workspace)
    .fetch_one(app.state.db.pool())
    .await
    .expect("open value");
    let shown_value: i64 = summary["pipeline"]
        .as_array()
        .expect("pipeline")
        .iter()
        .flat_map(|currency| currency["stages"].as_array().expect("stages").iter())
        .map(|stage| stage["value"]["minor"].as_i64().expect("minor"))
        .sum();
    assert_eq!(shown_value, open_value, "{label}: {summary}");
    assert!(open_value > 0, "{label}: {summary}");
}
