//! The dashboard on `/app` through the real router on each backend: the workspace's counts and
//! its open tasks due by Sunday (overdue ones first), and nothing of another workspace's.

use axum::http::StatusCode;

use crm_core::time::CalendarDate;

use crate::companies::add_company;
use crate::people::{ada_and_mallory, add_person, api, api_ok};
use crate::support::browser::get_page;
use crate::support::{TestApp, body_text, member_id};
use crate::tasks::{add_task, task_id};
use crm_test_macros::backend_test;

#[backend_test]
async fn the_dashboard_counts_the_workspace_and_lists_what_is_due_by_sunday(app: TestApp) {
    // The server's clock stands still at noon on a Wednesday: "today" cannot turn into tomorrow
    // halfway through the test, and today, Sunday and next week are three different days.
    let today = CalendarDate::parse("2026-12-09").expect("a date");
    app.state
        .db
        .clock()
        .set(today.start_millis() + 12 * 3_600_000);
    let day = |offset: i64| CalendarDate::from_millis(today.start_millis() + offset * 86_400_000);
    let sunday = today.end_of_week();
    let after_sunday = CalendarDate::from_millis(sunday.start_millis() + 86_400_000);
    let (ada, mallory) = ada_and_mallory(&app).await;
    let ada_id = member_id(&app, "ada@example.com").await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("company_name", "Navy Labs")],
    )
    .await;
    add_person(&app, &ada, &[("first_name", "Alan")]).await;
    add_company(&app, &ada, &[("name", "Navy Labs")]).await;
    for (title, due) in [
        ("Overdue call", day(-3).to_string()),
        ("Today's call", today.to_string()),
        ("Sunday's call", sunday.to_string()),
        ("Next week's call", after_sunday.to_string()),
        ("Some day", String::new()),
    ] {
        let (status, body) = add_task(&app, &ada, title, &due, &ada_id, &grace).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    }
    let (_, done) = add_task(&app, &ada, "Done today", &today.to_string(), "", "").await;
    let (status, _) = api(
        &app,
        "/api/tasks/set-done",
        &[("id", &task_id(&done)), ("done", "true")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = api(&app, "/api/dashboard/summary", &[], &ada).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let summary: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(summary["people"], 2);
    assert_eq!(summary["companies"], 1);
    assert_eq!(summary["open_tasks"], 5);
    assert_eq!(summary["overdue_tasks"], 1);
    let titles: Vec<&str> = summary["week"]
        .as_array()
        .expect("week")
        .iter()
        .map(|task| task["title"].as_str().expect("title"))
        .collect();
    assert_eq!(titles, ["Overdue call", "Today's call", "Sunday's call"]);

    let page = body_text(get_page(&app, "/app", Some(&ada)).await).await;
    for shown in [
        "2 people",
        "1 company",
        "5 open tasks",
        ", 1 overdue",
        &format!(
            "Due by Sunday, {}",
            crm_core::time::Locale::EnGb.date(sunday)
        ),
        "Overdue call",
    ] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    assert!(!page.contains("Next week&#x27;s call") && !page.contains("Next week's call"));

    // Another workspace sees its own empty counts and none of these tasks.
    let theirs = api_ok(&app, "/api/dashboard/summary", &[], &mallory).await;
    let theirs: serde_json::Value = serde_json::from_str(&theirs).expect("json");
    assert_eq!(
        (
            &theirs["people"],
            &theirs["companies"],
            &theirs["open_tasks"]
        ),
        (&0.into(), &0.into(), &0.into())
    );
    assert_eq!(theirs["week"], serde_json::json!([]));
    let page = body_text(get_page(&app, "/app", Some(&mallory)).await).await;
    assert!(page.contains("Nothing open is due this week.") && !page.contains("Overdue call"));
    let (status, _) = api(&app, "/api/dashboard/summary", &[], "candor_session=forged").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
