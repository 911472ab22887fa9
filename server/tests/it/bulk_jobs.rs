//! Bulk actions over every record a list matches ("Select all 12,408 matching"), through the real
//! router on each backend, with the background worker run as a server runs it: every match
//! changed once, batch by batch, each change in the record's timeline, nothing outside the list
//! or the workspace touched; the member's right to delete every match checked first, and the
//! count they confirmed; two servers working at once, a server that stopped resumed after its
//! lease, a member who stops a job, and a member who leaves while it runs.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crm_backend::bulk::{BATCH, LEASE_MILLIS, work};
use crm_backend::seed::{seed_people, workspace_named};

use crate::people::{api, api_ok};
use crate::support::browser::{CHROME_ON_LINUX, Client, invite_and_join, sign_up_and_log_in};
use crate::support::{TestApp, body_text, member_id};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.93",
    user_agent: CHROME_ON_LINUX,
};

/// Calls a server function that reads JSON.
pub(crate) async fn call(
    app: &TestApp,
    endpoint: &str,
    body: &Value,
    cookie: &str,
) -> (StatusCode, String) {
    let request = Request::post(endpoint)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body.to_string()))
        .expect("request");
    let response = app.request(request).await;
    let status = response.status();
    (status, body_text(response).await)
}

/// Starts a job; answers it as the server did.
async fn start(app: &TestApp, cookie: &str, scope: Value, action: &str, value: &str) -> Value {
    start_expecting(app, cookie, scope, action, value, None).await
}

async fn start_expecting(
    app: &TestApp,
    cookie: &str,
    scope: Value,
    action: &str,
    value: &str,
    expected: Option<i64>,
) -> Value {
    let body = json!({ "scope": scope, "action": action, "value": value, "expected": expected });
    let (status, answer) = call(app, "/api/records/bulk-start", &body, cookie).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}: {body} -> {answer}",
        app.label()
    );
    serde_json::from_str(&answer).expect("json")
}

async fn refused_start(
    app: &TestApp,
    cookie: &str,
    body: Value,
    status: StatusCode,
    message: &str,
) {
    let (got, answer) = call(app, "/api/records/bulk-start", &body, cookie).await;
    assert_eq!(got, status, "{}: {body} -> {answer}", app.label());
    assert!(
        answer.contains(message),
        "{}: {body} -> {answer}, not {message:?}",
        app.label()
    );
}

async fn job(app: &TestApp, cookie: &str, id: &str) -> Value {
    let answer = api_ok(app, "/api/records/bulk-job", &[("id", id)], cookie).await;
    serde_json::from_str(&answer).expect("json")
}

fn id_of(job: &Value) -> String {
    job["id"].as_str().expect("an id").to_owned()
}

async fn scalar(app: &TestApp, sql: &str, binds: &[&str]) -> i64 {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_one(app.state.db.pool()).await.expect(sql)
}

async fn seed(app: &TestApp, name: &str, people: usize, seed: u64) -> String {
    let id = workspace_named(&app.state.db, name)
        .await
        .expect("workspace");
    seed_people(&app.state.db, id, people, seed)
        .await
        .expect("seeded");
    id.to_string()
}

fn batches_for(records: i64) -> u64 {
    u64::try_from(records)
        .expect("a count")
        .div_ceil(BATCH as u64)
}

#[backend_test]
async fn every_person_a_filtered_list_matches_is_tagged_in_the_background_batch_by_batch_with_each_change_in_their_timeline(
    app: TestApp,
) {
    let label = app.label();
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let mallory = sign_up_and_log_in(&app, "mallory@example.com", "Difference Works", CLIENT).await;
    let ours = seed(&app, "Analytical Engines", 2_400, 21).await;
    let theirs = seed(&app, "Difference Works", 400, 22).await;
    let prospects = "SELECT COUNT(*) FROM person_tags WHERE workspace_id = $1 AND tag = 'prospect'";
    let matching = scalar(&app, prospects, &[&ours]).await;
    assert!(matching > 2 * BATCH as i64, "{label}: {matching} prospects");

    // The filter as typed in another case reads as the workspace spells the tag.
    let scope = json!({ "People": { "tag": "PROSPECT" } });
    let (status, counted) = call(
        &app,
        "/api/records/bulk-count",
        &json!({ "scope": scope }),
        &ada,
    )
    .await;
    assert_eq!(
        (status, counted),
        (StatusCode::OK, matching.to_string()),
        "{label}"
    );

    // Three of them had the tag already, from a bulk action on ticked rows.
    let three: Vec<String> = sqlx::query_scalar(
        "SELECT person_id FROM person_tags WHERE workspace_id = $1 AND tag = 'prospect'
         ORDER BY person_id LIMIT 3",
    )
    .bind(&ours)
    .fetch_all(app.state.db.pool())
    .await
    .expect("three");
    let mut ticked = vec![
        ("kind", "People"),
        ("action", "AddTag"),
        ("value", "Spring campaign"),
    ];
    let keys = ["ids[0]", "ids[1]", "ids[2]"];
    ticked.extend(keys.iter().copied().zip(three.iter().map(String::as_str)));
    api_ok(&app, "/api/records/bulk", &ticked, &ada).await;

    // The job waits for a server, and the list shows it after a reload.
    let started = start(&app, &ada, scope.clone(), "AddTag", " spring CAMPAIGN ").await;
    assert_eq!(started["state"], "Queued", "{label}: {started}");
    assert_eq!(started["total"], matching, "{label}");
    assert_eq!(started["label"], "Spring campaign", "{label}");
    let id = id_of(&started);
    let active = api_ok(
        &app,
        "/api/records/bulk-active",
        &[("kind", "People")],
        &ada,
    )
    .await;
    assert!(active.contains(&id), "{label}: {active}");
    let none = api_ok(
        &app,
        "/api/records/bulk-active",
        &[("kind", "Companies")],
        &ada,
    )
    .await;
    assert_eq!(none, "[]", "{label}");

    // Another workspace's member can neither read nor stop it.
    let (status, _) = api(&app, "/api/records/bulk-job", &[("id", &id)], &mallory).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
    let (status, _) = api(&app, "/api/records/bulk-cancel", &[("id", &id)], &mallory).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
    assert_eq!(job(&app, &ada, &id).await["state"], "Queued", "{label}");

    // The worker walks every match, a batch per transaction.
    let batches = work(&app.state.db, "server-a").await.expect("work");
    assert_eq!(batches, batches_for(matching), "{label}");
    let done = job(&app, &ada, &id).await;
    assert_eq!(done["state"], "Done", "{label}: {done}");
    assert_eq!(done["done"], matching, "{label}");
    assert_eq!(done["changed"], matching - 3, "{label}");
    assert_eq!(done["problem"], Value::Null, "{label}");
    let api_active = api_ok(
        &app,
        "/api/records/bulk-active",
        &[("kind", "People")],
        &ada,
    )
    .await;
    assert_eq!(api_active, "[]", "{label}");

    // Every prospect has the tag, in the workspace's spelling, and nobody else has it.
    let tagged =
        "SELECT COUNT(*) FROM person_tags WHERE workspace_id = $1 AND tag = 'Spring campaign'";
    assert_eq!(scalar(&app, tagged, &[&ours]).await, matching, "{label}");
    let outside = "SELECT COUNT(*) FROM person_tags t WHERE t.tag = 'Spring campaign'
                   AND NOT EXISTS (SELECT 1 FROM person_tags p WHERE p.person_id = t.person_id
                                   AND p.tag = 'prospect')";
    assert_eq!(scalar(&app, outside, &[]).await, 0, "{label}");
    assert_eq!(scalar(&app, tagged, &[&theirs]).await, 0, "{label}");
    // Each change once in its record's timeline, by Ada.
    let ada_id = member_id(&app, "ada@example.com").await;
    let told = "SELECT COUNT(*) FROM record_events WHERE workspace_id = $1 AND kind = 'changed'
                AND field = 'tags' AND new_value LIKE '%Spring campaign%' AND actor_id = $2";
    assert_eq!(
        scalar(&app, told, &[&ours, &ada_id]).await,
        matching,
        "{label}"
    );
    let twice = "SELECT COUNT(*) FROM (SELECT record_id FROM record_events WHERE kind = 'changed'
                 AND field = 'tags' AND new_value LIKE '%Spring campaign%'
                 GROUP BY record_id HAVING COUNT(*) > 1) t";
    assert_eq!(scalar(&app, twice, &[]).await, 0, "{label}");

    // Nothing is left to do.
    assert_eq!(
        work(&app.state.db, "server-a").await.expect("work"),
        0,
        "{label}"
    );
}

#[backend_test]
async fn deleting_every_match_needs_the_right_to_delete_each_one_and_the_count_the_member_confirmed(
    app: TestApp,
) {
    let label = app.label();
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let grace = invite_and_join(
        &app,
        &ada,
        "grace@example.com",
        "member",
        "Grace Hopper",
        CLIENT,
    )
    .await;
    let ours = seed(&app, "Analytical Engines", 900, 23).await;
    let grace_id = member_id(&app, "grace@example.com").await;
    let ada_id = member_id(&app, "ada@example.com").await;
    let owned = "SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND owner_id = $2";
    let graces = scalar(&app, owned, &[&ours, &grace_id]).await;
    assert!(graces > BATCH as i64 && graces < 900, "{label}: {graces}");

    // A member may not delete the whole list: some of it is Ada's.
    let everyone = json!({ "People": {} });
    refused_start(
        &app,
        &grace,
        json!({ "scope": everyone, "action": "Delete", "value": "", "expected": 900 }),
        StatusCode::FORBIDDEN,
        &format!(
            "You can delete only the people you own, and {} of the 900 matching are owned by \
             someone else or by nobody. Nothing was deleted",
            900 - graces
        ),
    )
    .await;
    // Her own, but not the number she confirmed: the list changed since.
    let hers = json!({ "People": { "owner": grace_id } });
    refused_start(
        &app,
        &grace,
        json!({ "scope": hers, "action": "Delete", "value": "", "expected": graces + 1 }),
        StatusCode::CONFLICT,
        &format!("The list has changed since you chose to delete it: {graces} people match it now. Nothing was deleted"),
    )
    .await;
    refused_start(
        &app,
        &grace,
        json!({ "scope": hers, "action": "Delete", "value": "" }),
        StatusCode::CONFLICT,
        "Nothing was deleted",
    )
    .await;
    assert_eq!(
        scalar(&app, owned, &[&ours, &grace_id]).await,
        graces,
        "{label}"
    );

    let started = start_expecting(&app, &grace, hers.clone(), "Delete", "", Some(graces)).await;
    let id = id_of(&started);
    assert_eq!(started["total"], graces, "{label}");
    // Before the worker gets to it, Ada takes one of Grace's people: it is left alone.
    let kept: String = sqlx::query_scalar(
        "SELECT id FROM people WHERE workspace_id = $1 AND owner_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(&ours)
    .bind(&grace_id)
    .fetch_one(app.state.db.pool())
    .await
    .expect("one of Grace's");
    api_ok(
        &app,
        "/api/records/bulk",
        &[
            ("kind", "People"),
            ("action", "SetOwner"),
            ("value", &ada_id),
            ("ids[0]", &kept),
        ],
        &ada,
    )
    .await;

    work(&app.state.db, "server-a").await.expect("work");
    let done = job(&app, &grace, &id).await;
    assert_eq!(done["state"], "Done", "{label}: {done}");
    assert_eq!(done["changed"], graces - 1, "{label}");
    assert_eq!(scalar(&app, owned, &[&ours, &grace_id]).await, 0, "{label}");
    let still = "SELECT COUNT(*) FROM people WHERE id = $1";
    assert_eq!(scalar(&app, still, &[&kept]).await, 1, "{label}");
    let left = "SELECT COUNT(*) FROM people WHERE workspace_id = $1";
    assert_eq!(
        scalar(&app, left, &[&ours]).await,
        900 - graces + 1,
        "{label}"
    );
    // Their tags and timelines went with them, and the kept count is the real count.
    let orphans = "SELECT COUNT(*) FROM person_tags t WHERE t.workspace_id = $1
                   AND NOT EXISTS (SELECT 1 FROM people p WHERE p.id = t.person_id)";
    assert_eq!(scalar(&app, orphans, &[&ours]).await, 0, "{label}");
    let kept_count = "SELECT n FROM record_counts WHERE workspace_id = $1 AND kind = 'people'";
    assert_eq!(
        scalar(&app, kept_count, &[&ours]).await,
        900 - graces + 1,
        "{label}"
    );
}

#[backend_test]
async fn two_servers_at_once_apply_each_batch_once_and_a_stopped_server_s_job_resumes_after_its_lease(
    app: TestApp,
) {
    let label = app.label();
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let ours = seed(&app, "Analytical Engines", 1_000, 24).await;
    let everyone = json!({ "People": {} });

    // Two servers take the job's batches at once: every person is handed over exactly once.
    let owned = "SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND owner_id IS NOT NULL";
    let had_owner = scalar(&app, owned, &[&ours]).await;
    let id = id_of(&start(&app, &ada, everyone.clone(), "SetOwner", "").await);
    let db = &app.state.db;
    let (a, b) = tokio::join!(work(db, "server-a"), work(db, "server-b"));
    let (a, b) = (a.expect("server a"), b.expect("server b"));
    assert_eq!(a + b, batches_for(1_000), "{label}: {a} + {b} batches");
    let done = job(&app, &ada, &id).await;
    assert_eq!(
        (done["state"].clone(), done["done"].clone()),
        (json!("Done"), json!(1_000)),
        "{label}"
    );
    assert_eq!(done["changed"], had_owner, "{label}");
    assert_eq!(scalar(&app, owned, &[&ours]).await, 0, "{label}");
    let handed = "SELECT COUNT(*) FROM record_events WHERE workspace_id = $1 AND kind = 'changed'
                  AND field = 'owner'";
    assert_eq!(scalar(&app, handed, &[&ours]).await, had_owner, "{label}");

    // A server claimed the next job and stopped after two batches (as a crash leaves it: the
    // lease still running). Nobody else touches it until the lease runs out; then it resumes.
    let now = db.clock().hold();
    let id = id_of(&start(&app, &ada, everyone.clone(), "AddTag", "resumed").await);
    let first_two: Vec<String> =
        sqlx::query_scalar("SELECT id FROM people WHERE workspace_id = $1 ORDER BY id LIMIT 400")
            .bind(&ours)
            .fetch_all(db.pool())
            .await
            .expect("the first two batches");
    let last = first_two.last().expect("a last id").clone();
    let ticked = [
        ("kind".to_owned(), "People".to_owned()),
        ("action".to_owned(), "AddTag".to_owned()),
        ("value".to_owned(), "resumed".to_owned()),
    ];
    // The stopped server's two batches, as it committed them.
    for chunk in first_two.chunks(BATCH) {
        let mut fields = ticked.to_vec();
        fields.extend(
            chunk
                .iter()
                .enumerate()
                .map(|(i, id)| (format!("ids[{i}]"), id.clone())),
        );
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        api_ok(&app, "/api/records/bulk", &fields, &ada).await;
    }
    sqlx::query(
        "UPDATE bulk_jobs SET state = 'running', runner = 'stopped', lease_until = $1,
                              done = 400, changed = 400, last_id = $2 WHERE id = $3",
    )
    .bind(now + LEASE_MILLIS)
    .bind(&last)
    .bind(&id)
    .execute(db.pool())
    .await
    .expect("claimed by a server that stopped");
    assert_eq!(work(db, "server-b").await.expect("work"), 0, "{label}");
    assert_eq!(job(&app, &ada, &id).await["done"], 400, "{label}");
    db.clock().set(now + LEASE_MILLIS + 1);
    assert_eq!(
        work(db, "server-b").await.expect("work"),
        batches_for(600),
        "{label}"
    );
    let resumed = job(&app, &ada, &id).await;
    assert_eq!(resumed["state"], "Done", "{label}: {resumed}");
    assert_eq!(
        (resumed["done"].clone(), resumed["changed"].clone()),
        (json!(1_000), json!(1_000)),
        "{label}"
    );
    let tagged = "SELECT COUNT(*) FROM person_tags WHERE workspace_id = $1 AND tag = 'resumed'";
    assert_eq!(scalar(&app, tagged, &[&ours]).await, 1_000, "{label}");
    let twice = "SELECT COUNT(*) FROM (SELECT record_id FROM record_events WHERE kind = 'changed'
                 AND field = 'tags' AND new_value LIKE '%resumed%'
                 GROUP BY record_id HAVING COUNT(*) > 1) t";
    assert_eq!(scalar(&app, twice, &[]).await, 0, "{label}");

    // Stopped by the member while a server works on it: what was done is counted exactly, and
    // the rest is untouched.
    let id = id_of(&start(&app, &ada, everyone.clone(), "AddTag", "raced").await);
    let (worked, stopped) = tokio::join!(work(db, "server-a"), async {
        tokio::task::yield_now().await;
        api_ok(&app, "/api/records/bulk-cancel", &[("id", &id)], &ada).await
    });
    worked.expect("work");
    let stopped: Value = serde_json::from_str(&stopped).expect("json");
    let after = job(&app, &ada, &id).await;
    let state = after["state"].as_str().expect("a state");
    assert!(
        state == "Cancelled" || state == "Done",
        "{label}: {after} ({stopped})"
    );
    let done = after["done"].as_i64().expect("done");
    assert!(
        done % BATCH as i64 == 0 || done == 1_000,
        "{label}: {after}"
    );
    let raced = "SELECT COUNT(*) FROM person_tags WHERE workspace_id = $1 AND tag = 'raced'";
    assert_eq!(
        scalar(&app, raced, &[&ours]).await,
        done,
        "{label}: {after}"
    );
    assert_eq!(after["changed"], done, "{label}");

    // Stopped before any server took it: nothing changes, and it says so.
    let id = id_of(&start(&app, &ada, everyone, "AddTag", "never").await);
    let stopped = api_ok(&app, "/api/records/bulk-cancel", &[("id", &id)], &ada).await;
    let stopped: Value = serde_json::from_str(&stopped).expect("json");
    assert_eq!(stopped["state"], "Cancelled", "{label}");
    assert_eq!(work(db, "server-a").await.expect("work"), 0, "{label}");
    let never = "SELECT COUNT(*) FROM person_tags WHERE tag = 'never'";
    assert_eq!(scalar(&app, never, &[]).await, 0, "{label}");
}

#[backend_test]
async fn a_bulk_action_over_a_list_is_refused_with_its_reason_when_the_list_cannot_be_read_as_asked(
    app: TestApp,
) {
    let label = app.label();
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let ours = seed(&app, "Analytical Engines", 300, 25).await;
    let ask = |scope: Value, action: &str, value: &str| json!({ "scope": scope, "action": action, "value": value });
    let cases = [
        (
            ask(
                json!({ "People": { "owner": "00000000-0000-4000-8000-000000000000" } }),
                "AddTag",
                "x",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "That owner is not a member of this workspace, so the list is not narrowed to their records. Nothing was changed.",
        ),
        (
            ask(json!({ "People": { "q": "a".repeat(201) } }), "AddTag", "x"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nothing was changed.",
        ),
        (
            ask(
                json!({ "People": { "tag": "nobody has this" } }),
                "AddTag",
                "x",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "No people match this list now. Nothing was changed.",
        ),
        (
            ask(json!({ "Leads": { "status": "asleep" } }), "SetOwner", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "There is no such status, so the list is not narrowed by it. Nothing was changed.",
        ),
        (
            ask(
                json!({ "Opportunities": { "stage": "not-a-stage" } }),
                "SetOwner",
                "",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "That stage is not in this pipeline, so the list is not narrowed by it. Nothing was changed.",
        ),
        (
            ask(json!({ "Leads": {} }), "AddTag", "x"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Leads have no tags.",
        ),
        (
            ask(json!({ "People": {} }), "AddTag", "a, b"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Add one tag at a time",
        ),
        (
            ask(
                json!({ "People": {} }),
                "SetOwner",
                "00000000-0000-4000-8000-000000000000",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose an owner from the workspace's members.",
        ),
    ];
    for (body, status, message) in cases {
        refused_start(&app, &ada, body, status, message).await;
    }
    let jobs = "SELECT COUNT(*) FROM bulk_jobs";
    assert_eq!(scalar(&app, jobs, &[]).await, 0, "{label}");

    // A visitor without a session starts nothing.
    let (status, _) = call(
        &app,
        "/api/records/bulk-start",
        &ask(json!({ "People": {} }), "AddTag", "x"),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{label}");

    // Three at once at most, over every list.
    for tag in ["one", "two", "three"] {
        start(&app, &ada, json!({ "People": {} }), "AddTag", tag).await;
    }
    refused_start(
        &app,
        &ada,
        ask(json!({ "Companies": {} }), "SetOwner", ""),
        StatusCode::UNPROCESSABLE_ENTITY,
        "You already have 3 changes to whole lists running. Wait for one of them to finish, then try again.",
    )
    .await;
    work(&app.state.db, "server-a").await.expect("work");

    // A member who leaves while their job waits: it stops, saying why, and changes nothing.
    let grace = invite_and_join(
        &app,
        &ada,
        "grace@example.com",
        "admin",
        "Grace Hopper",
        CLIENT,
    )
    .await;
    let id = id_of(&start(&app, &grace, json!({ "People": {} }), "AddTag", "left").await);
    let grace_id = member_id(&app, "grace@example.com").await;
    sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND member_id = $2")
        .bind(&ours)
        .bind(&grace_id)
        .execute(app.state.db.pool())
        .await
        .expect("Grace leaves");
    work(&app.state.db, "server-a").await.expect("work");
    let (state, problem): (String, Option<String>) =
        sqlx::query_as("SELECT state, problem FROM bulk_jobs WHERE id = $1")
            .bind(&id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("the job");
    assert_eq!(state, "failed", "{label}");
    assert_eq!(
        problem.as_deref(),
        Some("The member who started it is no longer in this workspace."),
        "{label}"
    );
    let left = "SELECT COUNT(*) FROM person_tags WHERE tag = 'left'";
    assert_eq!(scalar(&app, left, &[]).await, 0, "{label}");
}
