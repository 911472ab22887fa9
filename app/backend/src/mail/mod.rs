//! Outgoing e-mail through an outbox table.
//!
//! [`enqueue`] formats a message and stores it, inside the caller's transaction. [`deliver_due`]
//! claims due messages (safely with several server instances) and hands each to the relay named
//! by `SMTP_URL`, or, when none is set, writes it as an `.eml` file under `DATA_DIR/outbox/` so
//! that links in it can be followed locally and in tests.
//!
//! Once a message is delivered, its row keeps only when it was queued and sent: the recipient and
//! the text are erased, as they hold personal data (what a visitor typed in a demo request) and
//! links with tokens that the database otherwise keeps only hashed.

use std::path::Path;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::{Any, Executor, Row};
use uuid::Uuid;

use crm_core::email_address::EmailAddress;
use crm_core::error::AppError;
use crm_core::product::PRODUCT_NAME;

use crate::config::Config;
use crate::db::Db;

/// A plain-text e-mail to one recipient.
#[derive(Clone, Debug)]
pub struct Email {
    pub to: EmailAddress,
    /// Where a reply goes, when it is not the sender.
    pub reply_to: Option<EmailAddress>,
    pub subject: String,
    pub text: String,
}

/// How long a worker holds a claimed message before another may try it.
const CLAIM_MS: i64 = 60_000;
/// Messages claimed per round.
const BATCH: i64 = 20;

fn address(email: &EmailAddress) -> Result<Address, AppError> {
    email.as_str().parse().map_err(|e| {
        AppError::internal(format!(
            "an accepted e-mail address is not valid for the relay ({e})"
        ))
    })
}

/// Formats `email` and queues it; it is sent once the caller's transaction commits.
pub async fn enqueue<'e>(
    executor: impl Executor<'e, Database = Any>,
    config: &Config,
    email: &Email,
    now: i64,
) -> Result<Uuid, AppError> {
    let from = Mailbox::new(Some(PRODUCT_NAME.to_owned()), address(&config.mail_from)?);
    let mut builder = Message::builder()
        .from(from)
        .to(Mailbox::new(None, address(&email.to)?))
        .subject(email.subject.clone())
        .header(ContentType::TEXT_PLAIN);
    if let Some(reply_to) = &email.reply_to {
        builder = builder.reply_to(Mailbox::new(None, address(reply_to)?));
    }
    let message = builder
        .body(email.text.clone())
        .map_err(|e| AppError::internal(format!("could not build an e-mail ({e})")))?;
    let raw = String::from_utf8(message.formatted())
        .map_err(|e| AppError::internal(format!("a formatted e-mail is not UTF-8 ({e})")))?;

    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO outbox (id, sender, recipient, message, created_at, attempts, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, 0, $5)",
    )
    .bind(id.to_string())
    .bind(config.mail_from.as_str())
    .bind(email.to.as_str())
    .bind(raw)
    .bind(now)
    .execute(executor)
    .await?;
    tracing::info!(message_id = %id, "e-mail queued");
    Ok(id)
}

/// Where messages go.
enum Relay {
    Files(std::path::PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Relay {
    fn from_config(config: &Config) -> Result<Self, AppError> {
        match &config.smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(
                smtp_url_with_tls(url.url()).as_str(),
            )
            .map(|builder| Self::Smtp(builder.build()))
            .map_err(|e| AppError::internal(format!("SMTP_URL cannot be used ({e})"))),
            None => Ok(Self::Files(config.outbox_dir())),
        }
    }

    async fn deliver(&self, claimed: &Claimed) -> Result<(), &'static str> {
        match self {
            Self::Files(dir) => write_eml(dir, claimed).await.map_err(|e| {
                tracing::warn!(message_id = %claimed.id, error = %e, "could not write an .eml file");
                "could not write the .eml file"
            }),
            Self::Smtp(transport) => {
                let parse = |raw: &str| raw.parse::<Address>().map_err(|_| "invalid stored address");
                let envelope = lettre::address::Envelope::new(
                    Some(parse(&claimed.sender)?),
                    vec![parse(&claimed.recipient)?],
                )
                .map_err(|_| "invalid envelope")?;
                transport
                    .send_raw(&envelope, claimed.message.as_bytes())
                    .await
                    .map(|_| ())
                    .map_err(|e| {
                        // The relay's text can quote addresses: only its kind is logged.
                        let kind = if e.is_permanent() { "permanent" } else { "transient" };
                        tracing::warn!(message_id = %claimed.id, kind, "the SMTP relay refused an e-mail");
                        "the SMTP relay refused or could not be reached"
                    })
            }
        }
    }
}

/// lettre sends `smtp://` in the clear unless the URL asks for TLS. Credentials and personal data
/// must not cross a network unencrypted, so STARTTLS is required unless the URL says otherwise
/// (`?tls=opportunistic`) or the relay is on this machine.
fn smtp_url_with_tls(url: &url::Url) -> url::Url {
    let mut url = url.clone();
    let loopback = match url.host() {
        // `smtp` is not a special scheme, so the url crate keeps even an IP address as a name.
        Some(url::Host::Domain(domain)) => {
            domain == "localhost"
                || domain
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    let asks = url.query_pairs().any(|(key, _)| key == "tls");
    if url.scheme() == "smtp" && !asks && !loopback {
        url.query_pairs_mut().append_pair("tls", "required");
    }
    url
}

struct Claimed {
    id: String,
    sender: String,
    recipient: String,
    message: String,
    attempts: i64,
}

/// Writes the message as `<created>-<id>.eml`, readable by the server's user only (it holds
/// personal data). Written to a temporary name first, so a reader never sees half a file.
async fn write_eml(dir: &Path, claimed: &Claimed) -> std::io::Result<()> {
    crate::config::create_private_dir(dir)?;
    let final_path = dir.join(format!("{}.eml", claimed.id));
    let temp_path = dir.join(format!(".{}.tmp", claimed.id));
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(&temp_path).await?;
    tokio::io::AsyncWriteExt::write_all(&mut file, claimed.message.as_bytes()).await?;
    file.sync_all().await?;
    tokio::fs::rename(&temp_path, &final_path).await
}

/// The delay before retry number `attempts + 1`: 1, 2, 4... minutes, at most six hours.
fn retry_delay_ms(attempts: i64) -> i64 {
    let minutes = 1_i64 << attempts.clamp(0, 9);
    (minutes * 60_000).min(6 * 60 * 60_000)
}

/// Delivers every message that is due; returns how many were sent.
pub async fn deliver_due(db: &Db, config: &Config, now: i64) -> Result<usize, AppError> {
    // The outer conditions are checked again on the locked row, so two instances claiming at the
    // same moment never both get a message.
    let rows = sqlx::query(
        "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
         WHERE id IN (SELECT id FROM outbox
                      WHERE sent_at IS NULL AND next_attempt_at <= $2
                        AND (claimed_until IS NULL OR claimed_until < $2)
                      ORDER BY next_attempt_at LIMIT $3)
           AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2)
         RETURNING id, sender, recipient, message, attempts",
    )
    .bind(now + CLAIM_MS)
    .bind(now)
    .bind(BATCH)
    .fetch_all(db.pool())
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let relay = Relay::from_config(config)?;
    let mut sent = 0;
    for row in rows {
        let claimed = Claimed {
            id: row.try_get("id")?,
            sender: row.try_get("sender")?,
            recipient: row.try_get("recipient")?,
            message: row.try_get("message")?,
            attempts: row.try_get("attempts")?,
        };
        match relay.deliver(&claimed).await {
            Ok(()) => {
                sqlx::query(
                    "UPDATE outbox SET sent_at = $1, claimed_until = NULL, last_error = NULL,
                                       recipient = '', message = ''
                     WHERE id = $2",
                )
                .bind(db.now_millis())
                .bind(&claimed.id)
                .execute(db.pool())
                .await?;
                tracing::info!(message_id = %claimed.id, "e-mail delivered");
                sent += 1;
            }
            Err(reason) => {
                sqlx::query("UPDATE outbox SET claimed_until = NULL, next_attempt_at = $1, last_error = $2 WHERE id = $3")
                    .bind(now + retry_delay_ms(claimed.attempts))
                    .bind(reason)
                    .bind(&claimed.id)
                    .execute(db.pool())
                    .await?;
            }
        }
    }
    Ok(sent)
}

/// Wakes the delivery worker at once (after a commit that queued mail) instead of at its next tick.
pub type OutboxSignal = crate::wake::Wake;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDatabase;
    use crm_test_macros::backend_test;

    fn config(data_dir: &Path) -> Config {
        let data_dir = data_dir.display().to_string();
        Config::from_lookup(|key| match key {
            "DATA_DIR" => Some(data_dir.clone()),
            "SECRET_KEY" => Some("k".repeat(64)),
            _ => None,
        })
        .unwrap()
    }

    fn email() -> Email {
        Email {
            to: EmailAddress::parse("sales@candor-crm.example").unwrap(),
            reply_to: Some(EmailAddress::parse("zoe@example.com").unwrap()),
            subject: "Demo request from Zoë's Bäckerei".into(),
            text: "Name: Zoë\nTeam: 6 to 20 people\n".into(),
        }
    }

    #[backend_test]
    async fn a_queued_message_is_written_once_as_an_eml_file_and_then_forgotten_by_the_database(
        test: TestDatabase,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let id = enqueue(test.db.pool(), &config, &email(), 1_000)
            .await
            .unwrap();

        assert_eq!(deliver_due(&test.db, &config, 2_000).await.unwrap(), 1);
        let text = std::fs::read_to_string(config.outbox_dir().join(format!("{id}.eml"))).unwrap();
        assert!(text.contains("To: sales@candor-crm.example"), "{text}");
        assert!(text.contains("Reply-To: zoe@example.com"), "{text}");
        assert!(
            text.contains("Subject: Demo request from =?utf-8?"),
            "non-ASCII words are encoded: {text}"
        );
        // Sent messages are not sent again, and the database forgets to whom and what.
        assert_eq!(deliver_due(&test.db, &config, 3_000).await.unwrap(), 0);
        let row = sqlx::query("SELECT recipient, message, sent_at FROM outbox")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>("recipient"), "", "on {}", test.label());
        assert_eq!(row.get::<String, _>("message"), "", "on {}", test.label());
        assert!(row.get::<Option<i64>, _>("sent_at").is_some());
    }

    #[backend_test]
    async fn a_failed_delivery_is_retried_later_not_at_once(test: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        // The outbox "directory" is a file: writing fails.
        std::fs::write(dir.path().join("outbox"), "not a directory").unwrap();
        let config = config(dir.path());
        enqueue(test.db.pool(), &config, &email(), 1_000)
            .await
            .unwrap();

        assert_eq!(deliver_due(&test.db, &config, 2_000).await.unwrap(), 0);
        let (attempts, next, error): (i64, i64, Option<String>) = {
            let row = sqlx::query("SELECT attempts, next_attempt_at, last_error FROM outbox")
                .fetch_one(test.db.pool())
                .await
                .unwrap();
            (
                row.get("attempts"),
                row.get("next_attempt_at"),
                row.get("last_error"),
            )
        };
        assert_eq!(attempts, 1);
        assert_eq!(next, 2_000 + 2 * 60_000, "retried after two minutes");
        assert_eq!(error.as_deref(), Some("could not write the .eml file"));
        // Not due yet: nothing is claimed.
        assert_eq!(deliver_due(&test.db, &config, 3_000).await.unwrap(), 0);

        std::fs::remove_file(dir.path().join("outbox")).unwrap();
        assert_eq!(
            deliver_due(&test.db, &config, next).await.unwrap(),
            1,
            "on {}",
            test.label()
        );
    }

    #[test]
    fn smtp_relays_elsewhere_must_use_starttls_unless_the_url_relaxes_it() {
        let with = |raw: &str| smtp_url_with_tls(&url::Url::parse(raw).unwrap()).to_string();
        assert_eq!(
            with("smtp://u:p@mail.example.com:587"),
            "smtp://u:p@mail.example.com:587?tls=required"
        );
        assert_eq!(
            with("smtp://mail.example.com:587?tls=opportunistic"),
            "smtp://mail.example.com:587?tls=opportunistic"
        );
        assert_eq!(with("smtp://127.0.0.1:25"), "smtp://127.0.0.1:25");
        assert_eq!(with("smtp://localhost:25"), "smtp://localhost:25");
        assert_eq!(with("smtp://[::1]:25"), "smtp://[::1]:25");
        assert_eq!(
            with("smtp://10.0.0.5:25"),
            "smtp://10.0.0.5:25?tls=required"
        );
        assert_eq!(with("smtps://mail.example.com"), "smtps://mail.example.com");
    }

    #[test]
    fn retry_delays_grow_and_stop_growing_at_six_hours() {
        assert_eq!(retry_delay_ms(0), 60_000);
        assert_eq!(retry_delay_ms(3), 8 * 60_000);
        assert_eq!(retry_delay_ms(40), 6 * 60 * 60_000);
    }
}
