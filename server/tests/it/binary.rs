//! The compiled `server` binary: its exit codes and messages, `migrate`, and graceful shutdown.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn server(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .current_dir(data_dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir)
        .env("LOG_LEVEL", "warn")
        .stdin(Stdio::null());
    command
}

#[test]
fn a_wrong_database_url_stops_start_up_with_one_line_naming_the_variable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = server(dir.path())
        .env("DATABASE_URL", "mysql://root@localhost/crm")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: DATABASE_URL: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unreachable_database_stops_start_up_naming_the_variable_without_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = server(dir.path())
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .arg("migrate")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: DATABASE_URL: could not open the database"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn migrate_creates_and_migrates_the_sqlite_database_then_exits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = server(dir.path()).arg("migrate").output().expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("migrations applied; pending: 0"));
    assert!(dir.path().join("crm.db").exists());
    assert!(
        dir.path().join("secret.key").exists(),
        "the development secret is generated once"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn the_server_serves_until_sigterm_then_shuts_down_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let mut child = server(dir.path())
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");

    let started = Instant::now();
    let mut health = None;
    while started.elapsed() < Duration::from_secs(30) {
        if let Some(response) = http_get(port, "/healthz") {
            health = Some(response);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let health = health.expect("the server answers within 30 s");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let ready = http_get(port, "/readyz").expect("readyz answers");
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let stopped = Instant::now();
    loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            assert!(exit.success(), "exit after SIGTERM: {exit:?}");
            break;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(15),
            "the server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        http_get(port, "/healthz").is_none(),
        "nothing listens after shutdown"
    );
}

#[test]
fn policy_publish_adds_a_version_and_refuses_a_malformed_file_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let today = crm_core::time::CalendarDate::from_millis(crm_backend::db::system_millis());
    let file = dir.path().join("policy.md");
    std::fs::write(
        &file,
        crm_backend::policy::db::ORIGINAL_POLICY
            .replace("effective: 2018-05-25", &format!("effective: {today}"))
            .replace(
                "We collect your resume or C.V. when you apply for a job with us.",
                "We never sell data.",
            ),
    )
    .expect("write");
    let output = server(dir.path())
        .args(["policy", "publish"])
        .arg(&file)
        .arg("--significant")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "published privacy policy version 2, effective {today}, significant change"
        )),
        "{stdout}"
    );

    let again = server(dir.path())
        .args(["policy", "publish"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already published as version 2"));

    let broken = dir.path().join("broken.md");
    std::fs::write(
        &broken,
        "title: Broken\neffective: 2030-01-01\nStray text\n",
    )
    .expect("write");
    let output = server(dir.path())
        .args(["policy", "publish"])
        .arg(&broken)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3:"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn the_consent_report_prints_one_line_per_day_with_counts_per_action() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = server(dir.path())
        .args(["consent", "report", "--days", "7"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 2 + 7, "{stdout}");
    assert!(
        stdout.contains("accept_all") && stdout.contains("gpc"),
        "{stdout}"
    );

    let refused = server(dir.path())
        .args(["consent", "report", "--days", "0"])
        .output()
        .expect("runs");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--days"));
}
