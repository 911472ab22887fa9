//! Typed configuration, read once at start-up from the environment (and an optional `.env`).
//!
//! Every variable is documented in `.env.example`. A value that cannot be used stops start-up
//! with a one-line message that names the variable; nothing here panics.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crm_core::email_address::EmailAddress;

/// A configuration value that cannot be used, and which variable it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl ConfigError {
    pub fn new(variable: &'static str, message: impl Into<String>) -> Self {
        Self {
            variable,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Development or production. Production refuses to start without an explicit secret key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Which database engine a [`DatabaseUrl`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A database URL whose scheme is one the product supports.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH` (the file is created on first start) and `postgres://...`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err("a SQLite URL needs a file path, like sqlite://data/crm.db".into());
            }
            // `mode=rwc` lets SQLite create the file on first start.
            let url = if raw.contains("mode=") || path == ":memory:" {
                raw.to_owned()
            } else if raw.contains('?') {
                format!("{raw}&mode=rwc")
            } else {
                format!("{raw}?mode=rwc")
            };
            return Ok(Self {
                url,
                backend: Backend::Sqlite,
            });
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            url::Url::parse(raw).map_err(|e| format!("not a valid PostgreSQL URL ({e})"))?;
            return Ok(Self {
                url: raw.to_owned(),
                backend: Backend::Postgres,
            });
        }
        let scheme = raw.split(':').next().unwrap_or_default();
        Err(format!(
            "unsupported database {scheme:?}; use sqlite://PATH or postgres://USER@HOST:PORT/DATABASE"
        ))
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The file of a SQLite database, when it is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        let rest = self.url.strip_prefix("sqlite:")?.trim_start_matches("//");
        let path = rest.split('?').next()?;
        (path != ":memory:").then(|| Path::new(path))
    }
}

/// Database URLs can carry passwords: they are never printed whole.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.backend.name())
    }
}

/// Key material for signing and keyed hashes (tokens, consent ids). Never serialised or printed.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    pub const MIN_LEN: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.len() < Self::MIN_LEN {
            return Err(format!(
                "must be at least {} characters of random text (for example `openssl rand -hex 32`)",
                Self::MIN_LEN
            ));
        }
        Ok(Self(raw.as_bytes().to_vec()))
    }

    /// A fresh random key, hex encoded.
    pub fn generate() -> String {
        let bytes: [u8; 32] = rand::random();
        hex::encode(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// An `smtp://` or `smtps://` URL of the mail relay.
#[derive(Clone)]
pub struct SmtpUrl(url::Url);

impl SmtpUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = url::Url::parse(raw.trim()).map_err(|e| format!("not a valid URL ({e})"))?;
        match url.scheme() {
            "smtp" | "smtps" if url.host_str().is_some() => Ok(Self(url)),
            "smtp" | "smtps" => {
                Err("needs a host, like smtp://user:password@mail.example.com:587".into())
            }
            other => Err(format!(
                "unsupported scheme {other:?}; use smtp:// or smtps://"
            )),
        }
    }

    pub fn url(&self) -> &url::Url {
        &self.0
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SmtpUrl({}://{})",
            self.0.scheme(),
            self.0.host_str().unwrap_or_default()
        )
    }
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    pub database_url: DatabaseUrl,
    pub listen_addr: SocketAddr,
    /// The address visitors use, for links in e-mails, canonical links and the `Secure` cookie flag.
    pub site_url: url::Url,
    pub smtp_url: Option<SmtpUrl>,
    /// The address the product's e-mails come from.
    pub mail_from: EmailAddress,
    /// Where demo requests are announced: the vendor's sales team.
    pub sales_inbox: EmailAddress,
    /// How many reverse proxies in front append to `X-Forwarded-For` (0: none; clients connect
    /// directly, and the header is ignored).
    pub trusted_proxy_hops: usize,
    pub secret_key: SecretKey,
    /// A `tracing` filter directive, like `info` or `info,sqlx=warn`.
    pub log_level: String,
    /// Where the SQLite file, the development secret and the e-mail outbox live.
    pub data_dir: PathBuf,
    /// `SITE_URL` may be `http://` in production (`ALLOW_HTTP_SITE_URL=true`); start-up says so.
    pub allow_http_site_url: bool,
    /// How many password hashes may run at once (each holds 19 MiB and a core); by default as
    /// many as the machine has cores.
    pub password_hashes_at_once: usize,
}

impl Config {
    /// Reads `.env` when present (without overriding real environment variables), then the
    /// environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(ConfigError::new(".env", format!("could not be read: {e}"))),
        }
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Builds the configuration from any source of variables (tests pass a map).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |key: &str| var(key).filter(|v| !v.trim().is_empty());

        let environment = match get("APP_ENV").as_deref().map(str::trim) {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(ConfigError::new(
                    "APP_ENV",
                    format!("{other:?} is not an environment; use development or production"),
                ));
            }
        };

        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".into()));

        let database_url = match get("DATABASE_URL") {
            Some(raw) => {
                DatabaseUrl::parse(&raw).map_err(|m| ConfigError::new("DATABASE_URL", m))?
            }
            None => DatabaseUrl::parse(&format!("sqlite://{}/crm.db", data_dir.display()))
                .map_err(|m| ConfigError::new("DATA_DIR", m))?,
        };

        let listen_raw = get("LISTEN_ADDR")
            .map(|v| ("LISTEN_ADDR", v))
            .or_else(|| get("LEPTOS_SITE_ADDR").map(|v| ("LEPTOS_SITE_ADDR", v)))
            .unwrap_or(("LISTEN_ADDR", "127.0.0.1:3000".into()));
        let listen_addr: SocketAddr = listen_raw.1.trim().parse().map_err(|_| {
            ConfigError::new(
                listen_raw.0,
                format!(
                    "{:?} is not an address and port, like 127.0.0.1:3000",
                    listen_raw.1
                ),
            )
        })?;

        let site_url = match get("SITE_URL") {
            Some(raw) => {
                let url = url::Url::parse(raw.trim())
                    .map_err(|e| ConfigError::new("SITE_URL", format!("not a valid URL ({e})")))?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(ConfigError::new(
                        "SITE_URL",
                        "must be an http:// or https:// address",
                    ));
                }
                url
            }
            None => url::Url::parse(&format!("http://{listen_addr}"))
                .map_err(|e| ConfigError::new("LISTEN_ADDR", format!("gives no site URL ({e})")))?,
        };

        let smtp_url = get("SMTP_URL")
            .map(|raw| SmtpUrl::parse(&raw).map_err(|m| ConfigError::new("SMTP_URL", m)))
            .transpose()?;

        let email = |variable: &'static str, default: &str| {
            let raw = get(variable).unwrap_or_else(|| default.to_owned());
            EmailAddress::parse(&raw)
                .map_err(|m| ConfigError::new(variable, format!("{raw:?}: {m}")))
        };
        let mail_from = email("MAIL_FROM", "no-reply@candor-crm.example")?;
        let sales_inbox = email("SALES_INBOX", "sales@candor-crm.example")?;

        let trusted_proxy_hops = match (
            get("TRUSTED_PROXY_HOPS"),
            get("TRUST_X_FORWARDED_FOR").as_deref().map(str::trim),
        ) {
            (Some(raw), _) => match raw.trim().parse::<usize>() {
                Ok(hops) if hops <= 10 => hops,
                _ => {
                    return Err(ConfigError::new(
                        "TRUSTED_PROXY_HOPS",
                        format!(
                            "{raw:?} is not a number of proxies from 0 to 10 (0 when clients connect directly)"
                        ),
                    ));
                }
            },
            // The earlier setting: one proxy, or none.
            (None, None | Some("false")) => 0,
            (None, Some("true")) => 1,
            (None, Some(other)) => {
                return Err(ConfigError::new(
                    "TRUST_X_FORWARDED_FOR",
                    format!("{other:?} is not true or false (TRUSTED_PROXY_HOPS replaces it)"),
                ));
            }
        };

        let secret_key = match get("SECRET_KEY") {
            Some(raw) => SecretKey::parse(&raw).map_err(|m| ConfigError::new("SECRET_KEY", m))?,
            None if environment == Environment::Production => {
                return Err(ConfigError::new(
                    "SECRET_KEY",
                    "is required when APP_ENV=production",
                ));
            }
            None => development_secret(&data_dir)?,
        };

        let log_level = get("LOG_LEVEL").unwrap_or_else(|| "info".into());
        tracing_subscriber::EnvFilter::try_new(&log_level).map_err(|e| {
            ConfigError::new(
                "LOG_LEVEL",
                format!("{log_level:?} is not a log filter ({e}); try info or debug"),
            )
        })?;

        let allow_http_site_url = match get("ALLOW_HTTP_SITE_URL").as_deref().map(str::trim) {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ConfigError::new(
                    "ALLOW_HTTP_SITE_URL",
                    format!("{other:?} is not true or false"),
                ));
            }
        };
        if environment == Environment::Production {
            if site_url.scheme() == "http" && !allow_http_site_url {
                return Err(ConfigError::new(
                    "SITE_URL",
                    "is http:// with APP_ENV=production, so passwords and session cookies would cross the network unencrypted; use the https:// address visitors use (set ALLOW_HTTP_SITE_URL=true only if they really reach the site over plain http)",
                ));
            }
            if smtp_url.is_none() {
                return Err(ConfigError::new(
                    "SMTP_URL",
                    "is required when APP_ENV=production: without it, password-reset, invitation and verification e-mails are only written to files under DATA_DIR/outbox and nobody receives them",
                ));
            }
            refuse_shared(&data_dir, "DATA_DIR")?;
            if let Some(path) = database_url.sqlite_path() {
                refuse_shared(path, "DATABASE_URL")?;
            }
        }

        let password_hashes_at_once = match get("PASSWORD_HASHES_AT_ONCE") {
            None => std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            Some(raw) => match raw.trim().parse::<usize>() {
                Ok(n) if (1..=256).contains(&n) => n,
                _ => {
                    return Err(ConfigError::new(
                        "PASSWORD_HASHES_AT_ONCE",
                        format!("{raw:?} is not a number from 1 to 256"),
                    ));
                }
            },
        };

        Ok(Self {
            environment,
            database_url,
            listen_addr,
            site_url,
            smtp_url,
            mail_from,
            sales_inbox,
            trusted_proxy_hops,
            secret_key,
            log_level,
            data_dir,
            password_hashes_at_once,
            allow_http_site_url,
        })
    }

    /// Whether cookies must carry the `Secure` flag.
    pub fn is_https(&self) -> bool {
        self.site_url.scheme() == "https"
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }
}

/// Refuses a folder or file that other users of the machine may read (or enter): the database, the
/// secret and the outbox hold personal data and keys. Missing ones are created private later.
fn refuse_shared(path: &Path, variable: &'static str) -> Result<(), ConfigError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = std::fs::metadata(path) {
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                let private = if metadata.is_dir() { "700" } else { "600" };
                return Err(ConfigError::new(
                    variable,
                    format!(
                        "{} can be read by other users of this machine (mode {mode:o}); make it private with chmod {private} {}",
                        path.display(),
                        path.display()
                    ),
                ));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, variable);
    Ok(())
}

/// Creates a folder (and its missing parents) that only this user may enter.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// In development the secret is generated once and kept in `DATA_DIR/secret.key`, so sessions and
/// signed links survive restarts without anyone having to set `SECRET_KEY`.
fn development_secret(data_dir: &Path) -> Result<SecretKey, ConfigError> {
    let path = data_dir.join("secret.key");
    let error = |m: String| ConfigError::new("SECRET_KEY", m);
    match std::fs::read_to_string(&path) {
        Ok(existing) => SecretKey::parse(&existing).map_err(|m| {
            error(format!(
                "{} {m}; delete it to make a new one",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            create_private_dir(data_dir)
                .map_err(|e| error(format!("could not create {} ({e})", data_dir.display())))?;
            let key = SecretKey::generate();
            write_private(&path, &key)
                .map_err(|e| error(format!("could not write {} ({e})", path.display())))?;
            SecretKey::parse(&key).map_err(error)
        }
        Err(e) => Err(error(format!("could not read {} ({e})", path.display()))),
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config_from(pairs: &[(&str, &str)], data_dir: &Path) -> Result<Config, ConfigError> {
        let mut vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        vars.entry("DATA_DIR".into())
            .or_insert_with(|| data_dir.display().to_string());
        Config::from_lookup(|key| vars.get(key).cloned())
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("crm-config-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn defaults_give_a_sqlite_database_under_the_data_dir_and_port_3000() {
        let dir = temp_dir("defaults");
        let config = config_from(&[], &dir).expect("defaults are valid");
        assert_eq!(config.database_url.backend(), Backend::Sqlite);
        assert_eq!(
            config.database_url.sqlite_path(),
            Some(dir.join("crm.db").as_path())
        );
        assert!(config.database_url.as_str().ends_with("?mode=rwc"));
        assert_eq!(config.listen_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.site_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(config.environment, Environment::Development);
        assert!(!config.is_https());
    }

    #[test]
    fn a_wrong_database_url_is_refused_with_a_message_naming_the_variable() {
        let dir = temp_dir("wrong-db");
        let error =
            config_from(&[("DATABASE_URL", "mysql://root@localhost/crm")], &dir).unwrap_err();
        assert_eq!(error.variable, "DATABASE_URL");
        let line = error.to_string();
        assert!(
            line.starts_with("DATABASE_URL: unsupported database \"mysql\""),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn each_invalid_variable_is_named_in_its_error() {
        let dir = temp_dir("invalid");
        let cases = [
            ("LISTEN_ADDR", "localhost"),
            ("SITE_URL", "ftp://example.com"),
            ("SMTP_URL", "http://mail.example.com"),
            ("SECRET_KEY", "too-short"),
            ("LOG_LEVEL", "info,[[["),
            ("APP_ENV", "staging"),
            ("DATABASE_URL", "sqlite://"),
            ("TRUSTED_PROXY_HOPS", "one"),
            ("TRUSTED_PROXY_HOPS", "-1"),
            ("TRUST_X_FORWARDED_FOR", "yes"),
            ("PASSWORD_HASHES_AT_ONCE", "0"),
        ];
        for (variable, value) in cases {
            let error = config_from(&[(variable, value)], &dir).unwrap_err();
            assert_eq!(error.variable, variable, "{value}: {error}");
        }
    }

    #[test]
    fn the_number_of_trusted_proxies_is_read_and_the_earlier_yes_or_no_still_means_one_or_none() {
        let dir = temp_dir("proxies");
        let hops =
            |pairs: &[(&str, &str)]| config_from(pairs, &dir).expect("valid").trusted_proxy_hops;
        assert_eq!(hops(&[]), 0);
        assert_eq!(hops(&[("TRUSTED_PROXY_HOPS", "2")]), 2);
        assert_eq!(hops(&[("TRUST_X_FORWARDED_FOR", "true")]), 1);
        assert_eq!(hops(&[("TRUST_X_FORWARDED_FOR", "false")]), 0);
        assert_eq!(
            hops(&[
                ("TRUSTED_PROXY_HOPS", "0"),
                ("TRUST_X_FORWARDED_FOR", "true")
            ]),
            0,
            "the newer setting wins"
        );
    }

    /// What production needs besides the variable under test, in a private data folder.
    fn production(dir: &Path, extra: &[(&'static str, &str)]) -> Result<Config, ConfigError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        }
        let key = "k".repeat(40);
        let mut pairs: Vec<(&str, &str)> = vec![
            ("APP_ENV", "production"),
            ("SECRET_KEY", &key),
            ("SITE_URL", "https://crm.example"),
            ("SMTP_URL", "smtps://mailer:secret@mail.example.com"),
        ];
        for (name, value) in extra {
            pairs.retain(|(n, _)| n != name);
            if !value.is_empty() {
                pairs.push((name, value));
            }
        }
        config_from(&pairs, dir)
    }

    #[test]
    fn production_requires_an_explicit_secret_key() {
        let dir = temp_dir("production");
        let error = production(&dir, &[("SECRET_KEY", "")]).unwrap_err();
        assert_eq!(error.variable, "SECRET_KEY");
        let config = production(&dir, &[]).expect("valid");
        assert_eq!(config.secret_key.expose(), "k".repeat(40).as_bytes());
    }

    #[test]
    fn production_refuses_a_plain_http_site_unless_it_is_allowed_in_so_many_words() {
        let dir = temp_dir("production-http");
        let error = production(&dir, &[("SITE_URL", "http://crm.example")]).unwrap_err();
        assert_eq!(error.variable, "SITE_URL");
        assert!(error.message.contains("ALLOW_HTTP_SITE_URL"), "{error}");
        let allowed = production(
            &dir,
            &[
                ("SITE_URL", "http://crm.example"),
                ("ALLOW_HTTP_SITE_URL", "true"),
            ],
        )
        .expect("allowed");
        assert!(allowed.allow_http_site_url && !allowed.is_https());
        // Development keeps its plain http default.
        assert!(config_from(&[], &dir).is_ok());
    }

    #[test]
    fn production_refuses_to_start_without_a_mail_relay() {
        let dir = temp_dir("production-smtp");
        let error = production(&dir, &[("SMTP_URL", "")]).unwrap_err();
        assert_eq!(error.variable, "SMTP_URL");
        assert!(error.message.contains("nobody receives them"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn production_refuses_a_data_folder_or_database_file_that_other_users_can_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("production-modes");
        production(&dir, &[]).expect("a private folder is fine");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let key = "k".repeat(40);
        let shared = config_from(
            &[
                ("APP_ENV", "production"),
                ("SECRET_KEY", &key),
                ("SITE_URL", "https://crm.example"),
                ("SMTP_URL", "smtps://mailer:secret@mail.example.com"),
            ],
            &dir,
        )
        .unwrap_err();
        assert_eq!(shared.variable, "DATA_DIR");
        assert!(shared.message.contains("chmod 700"), "{shared}");

        let db = dir.join("crm.db");
        std::fs::write(&db, b"").expect("file");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let error = production(&dir, &[]).unwrap_err();
        assert_eq!(error.variable, "DATABASE_URL");
        assert!(error.message.contains("chmod 600"), "{error}");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        production(&dir, &[]).expect("private again");
    }

    #[cfg(unix)]
    #[test]
    fn a_private_folder_is_created_for_this_user_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("private").join("a").join("b");
        create_private_dir(&dir).expect("created");
        let mode = std::fs::metadata(&dir)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[test]
    fn the_development_secret_is_generated_once_and_then_reused() {
        let dir = temp_dir("secret");
        let first = config_from(&[], &dir).expect("valid").secret_key;
        let second = config_from(&[], &dir).expect("valid").secret_key;
        assert_eq!(first.expose(), second.expose());
        assert!(first.expose().len() >= SecretKey::MIN_LEN);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("secret.key"))
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn secrets_and_passwords_are_not_printed_by_debug() {
        let dir = temp_dir("debug");
        let config = config_from(
            &[
                ("DATABASE_URL", "postgres://crm:hunter2@db.internal/crm"),
                ("SMTP_URL", "smtp://mailer:s3cret@mail.example.com:587"),
            ],
            &dir,
        )
        .expect("valid");
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(
            !printed.contains(&String::from_utf8_lossy(config.secret_key.expose()).to_string())
        );
    }

    #[test]
    fn https_site_urls_turn_on_secure_cookies() {
        let dir = temp_dir("https");
        let config = config_from(&[("SITE_URL", "https://crm.example.com")], &dir).expect("valid");
        assert!(config.is_https());
    }
}
