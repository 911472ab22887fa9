//! Member, membership and policy-acceptance queries.

use sqlx::{Any, Executor, Row};

use crm_core::accounts::PersonName;
use crm_core::email_address::EmailAddress;
use crm_core::error::AppError;
use crm_core::ids::{MemberId, WorkspaceId};
use crm_core::workspaces::Role;

/// The form of an address members are found by: the whole address in lower case.
pub fn email_key(email: &EmailAddress) -> String {
    email.as_str().to_lowercase()
}

/// A stored member, as the account code needs it.
#[derive(Clone, Debug)]
pub struct MemberRow {
    pub id: MemberId,
    pub name: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub email_verified: bool,
}

fn member_from_row(row: &sqlx::any::AnyRow) -> Result<MemberRow, AppError> {
    let id: String = row.try_get("id")?;
    let verified: Option<i64> = row.try_get("email_verified_at")?;
    Ok(MemberRow {
        id: id.parse()?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        email_verified: verified.is_some(),
    })
}

const MEMBER_COLUMNS: &str = "id, name, email, password_hash, email_verified_at";

/// Finds a member by e-mail address (case is ignored).
pub async fn find_by_email<'e>(
    executor: impl Executor<'e, Database = Any>,
    email: &EmailAddress,
) -> Result<Option<MemberRow>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {MEMBER_COLUMNS} FROM members WHERE email_key = $1"
    ))
    .bind(email_key(email))
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(member_from_row).transpose()
}

/// Finds a member by id.
pub async fn find<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: MemberId,
) -> Result<Option<MemberRow>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(member_from_row).transpose()
}

/// A member to create.
pub struct NewMember<'a> {
    pub name: &'a PersonName,
    pub email: &'a EmailAddress,
    pub password_hash: Option<&'a str>,
    /// When they confirmed being of legal age (at sign-up); `None` for operators made by the CLI.
    pub age_confirmed_at: Option<i64>,
    /// The browser's time zone and language at sign-up, until they choose in their profile.
    pub time_zone: Option<&'a str>,
    pub locale: Option<crm_core::time::Locale>,
}

/// Creates a member. A second member with the same address is refused as a conflict.
pub async fn insert<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: &NewMember<'_>,
    now: i64,
) -> Result<MemberId, AppError> {
    let id = MemberId::random();
    sqlx::query(
        "INSERT INTO members (id, name, email, email_key, password_hash, age_confirmed_at,
                              time_zone, language, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(id)
    .bind(member.name.as_str())
    .bind(member.email.as_str())
    .bind(email_key(member.email))
    .bind(member.password_hash)
    .bind(member.age_confirmed_at)
    .bind(member.time_zone)
    .bind(member.locale.map(crm_core::time::Locale::tag))
    .bind(now)
    .execute(executor)
    .await?;
    Ok(id)
}

/// Replaces a member's password hash.
pub async fn set_password<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: MemberId,
    password_hash: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE members SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now)
        .bind(member)
        .execute(executor)
        .await?;
    Ok(())
}

/// Marks the member's address as verified, when it is still `email` (the address the link was
/// sent to). Returns whether it matched.
pub async fn mark_verified<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: MemberId,
    email: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE members SET email_verified_at = COALESCE(email_verified_at, $1), updated_at = $1
         WHERE id = $2 AND email = $3",
    )
    .bind(now)
    .bind(member)
    .bind(email)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds a member to a workspace with a role.
pub async fn add_membership<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    member: MemberId,
    role: Role,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO memberships (workspace_id, member_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(workspace)
    .bind(member)
    .bind(role.as_str())
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// The workspace a member starts in at login: the one they joined first.
pub async fn first_workspace<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: MemberId,
) -> Result<Option<WorkspaceId>, AppError> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT workspace_id FROM memberships WHERE member_id = $1
         ORDER BY created_at, workspace_id LIMIT 1",
    )
    .bind(member)
    .fetch_optional(executor)
    .await?;
    id.map(|id| id.parse()).transpose()
}

/// Records that the member accepted a version of the privacy policy.
pub async fn record_policy_acceptance<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: MemberId,
    policy_version: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO policy_acceptances (member_id, policy_version, accepted_at) VALUES ($1, $2, $3)
         ON CONFLICT (member_id, policy_version) DO NOTHING",
    )
    .bind(member)
    .bind(policy_version)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// The member's profile as stored.
pub async fn load_profile<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: MemberId,
) -> Result<crm_core::accounts::profile::ProfileFields, AppError> {
    let row = sqlx::query(
        "SELECT name, job_title, phone, mailing_address, time_zone, language, version
         FROM members WHERE id = $1",
    )
    .bind(member)
    .fetch_optional(executor)
    .await?
    .ok_or(AppError::NotFound)?;
    let text = |column: &str| -> Result<String, AppError> {
        Ok(row
            .try_get::<Option<String>, _>(column)?
            .unwrap_or_default())
    };
    Ok(crm_core::accounts::profile::ProfileFields {
        name: text("name")?,
        job_title: text("job_title")?,
        phone: text("phone")?,
        mailing_address: text("mailing_address")?,
        time_zone: text("time_zone")?,
        language: text("language")?,
        version: row.try_get("version")?,
    })
}

/// Saves a profile whose fields are valid, if it was edited from the stored version; returns the
/// stored profile with its new version. A save from an older version is a conflict.
pub async fn save_profile<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: MemberId,
    fields: &crm_core::accounts::profile::ProfileFields,
    now: i64,
) -> Result<crm_core::accounts::profile::ProfileFields, AppError> {
    let fields = fields.trimmed();
    let optional = |value: &str| (!value.is_empty()).then(|| value.to_owned());
    let done = sqlx::query(
        "UPDATE members SET name = $1, job_title = $2, phone = $3, mailing_address = $4,
                time_zone = $5, language = $6, version = version + 1, updated_at = $7
         WHERE id = $8 AND version = $9",
    )
    .bind(&fields.name)
    .bind(optional(&fields.job_title))
    .bind(optional(&fields.phone))
    .bind(optional(&fields.mailing_address))
    .bind(optional(&fields.time_zone))
    .bind(optional(&fields.language))
    .bind(now)
    .bind(member)
    .bind(fields.version)
    .execute(executor)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "Your profile was changed in another tab or device since you opened this page. Your edits are still here: reload the page to see the other changes, then save again.".to_owned(),
        ));
    }
    Ok(crm_core::accounts::profile::ProfileFields {
        version: fields.version + 1,
        ..fields
    })
}

/// Replaces a member's e-mail address with a confirmed new one. A conflict when another member
/// has it.
pub async fn change_email<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: MemberId,
    email: &EmailAddress,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE members SET email = $1, email_key = $2, email_verified_at = $3, updated_at = $3
         WHERE id = $4",
    )
    .bind(email.as_str())
    .bind(email_key(email))
    .bind(now)
    .bind(member)
    .execute(executor)
    .await?;
    Ok(())
}
