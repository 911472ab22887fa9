//! Realistic fake people and the companies they work at, for measurement (`server seed`): names,
//! companies, addresses, phone numbers, tags and owners drawn from fixed lists with a fixed random seed, so two runs make the
//! same data. Rows go in many at a time, in large transactions.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

use std::collections::HashMap;

use crm_core::companies::Company;
use crm_core::error::AppError;
use crm_core::ids::{CompanyId, MemberId, WorkspaceId};
use crm_core::records::MemberOption;

use crate::db::Db;
use crate::people::db::{Derived, derived};

const FIRST_NAMES: &[&str] = &[
    "Ada",
    "Alan",
    "Amara",
    "Anna",
    "Annika",
    "Arjun",
    "Beatriz",
    "Ben",
    "Carla",
    "Chen",
    "Chiara",
    "Daniel",
    "Dara",
    "Elena",
    "Emil",
    "Fatima",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jamal",
    "Jana",
    "Jonas",
    "Julia",
    "Kai",
    "Kenji",
    "Lara",
    "Leon",
    "Lina",
    "Luca",
    "Maja",
    "Marco",
    "Maria",
    "Mateo",
    "Mei",
    "Nadia",
    "Noah",
    "Nora",
    "Oskar",
    "Priya",
    "Rafael",
    "Rosa",
    "Sami",
    "Sara",
    "Sofia",
    "Tariq",
    "Theo",
    "Valentina",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
];

const LAST_NAMES: &[&str] = &[
    "Abbott",
    "Almeida",
    "Andersen",
    "Bauer",
    "Becker",
    "Bianchi",
    "Brown",
    "Castro",
    "Chen",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fischer",
    "Garcia",
    "Gomez",
    "Hansen",
    "Hoffmann",
    "Ito",
    "Jansen",
    "Jovanovic",
    "Kaur",
    "Keller",
    "Kim",
    "Kowalski",
    "Lambert",
    "Larsen",
    "Lopez",
    "Lovelace",
    "Martin",
    "Meyer",
    "Moreau",
    "Muller",
    "Nakamura",
    "Nielsen",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Petrov",
    "Quinn",
    "Ramos",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Sousa",
    "Suzuki",
    "Tanaka",
    "Torres",
    "Virtanen",
    "Wagner",
    "Weber",
    "Wilson",
    "Yilmaz",
    "Zhang",
];

const COMPANY_WORDS: &[&str] = &[
    "Alder", "Beacon", "Birch", "Bright", "Cobalt", "Copper", "Delta", "Ember", "Fern", "Granite",
    "Harbor", "Juniper", "Kestrel", "Lumen", "Maple", "Meridian", "Nimbus", "Oak", "Orbit", "Pine",
    "Quartz", "River", "Sable", "Summit", "Tidal", "Umber", "Vector", "Willow",
];

const COMPANY_KINDS: &[&str] = &[
    "Analytics",
    "Bakery",
    "Builders",
    "Consulting",
    "Design",
    "Foods",
    "Labs",
    "Logistics",
    "Media",
    "Outfitters",
    "Partners",
    "Studio",
    "Systems",
    "Travel",
];

/// Where the fake companies are: (city, country).
const PLACES: &[(&str, &str)] = &[
    ("London", "United Kingdom"),
    ("Zurich", "Switzerland"),
    ("Berlin", "Germany"),
    ("Lisbon", "Portugal"),
    ("Toronto", "Canada"),
    ("Austin", "United States"),
    ("Osaka", "Japan"),
    ("Nairobi", "Kenya"),
];

const JOB_TITLES: &[&str] = &[
    "Owner",
    "Founder",
    "Office Manager",
    "Head of Sales",
    "Account Manager",
    "Buyer",
    "Operations Lead",
    "Marketing Manager",
    "Finance Director",
    "Engineer",
    "Consultant",
    "",
];

const TAGS: &[&str] = &[
    "customer",
    "prospect",
    "partner",
    "vip",
    "newsletter",
    "trade-fair-2026",
    "supplier",
];

/// What a seed run made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedReport {
    pub people: usize,
    pub tags: usize,
    /// Companies added (those already in the workspace are reused).
    pub companies: usize,
    /// Leads added: one for every ten people.
    pub leads: usize,
    /// Opportunities added: one for every twenty people.
    pub opportunities: usize,
}

/// The workspace with this exact name; an error that says what to do when there is none or
/// more than one.
pub async fn workspace_named(db: &Db, name: &str) -> Result<WorkspaceId, String> {
    let rows = sqlx::query("SELECT id FROM workspaces WHERE name = $1")
        .bind(name)
        .fetch_all(db.pool())
        .await
        .map_err(|e| format!("could not read the workspaces: {e}"))?;
    match rows.as_slice() {
        [] => Err(format!(
            "no workspace is named \"{name}\": sign up (or create one) first, then seed it"
        )),
        [row] => row
            .try_get::<String, _>("id")
            .ok()
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| "the workspace's id could not be read".to_owned()),
        more => Err(format!(
            "{} workspaces are named \"{name}\"; rename one first",
            more.len()
        )),
    }
}

/// Adds `count` fake people to the workspace, owned in turn by its members.
pub async fn seed_people(
    db: &Db,
    workspace: WorkspaceId,
    count: usize,
    seed: u64,
) -> Result<SeedReport, AppError> {
    const ROWS_PER_INSERT: usize = 200;
    const ROWS_PER_TRANSACTION: usize = 5_000;
    let owners: Vec<Option<MemberId>> = {
        let members = crate::records::db::members(db.pool(), workspace).await?;
        if members.is_empty() {
            vec![None]
        } else {
            members.into_iter().map(|m| Some(m.id)).collect()
        }
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let now = db.now_millis();
    let (company_ids, companies_made) = seed_companies(db, workspace, &owners, now).await?;
    let two_years_ms: i64 = 2 * 365 * 24 * 60 * 60 * 1000;
    // The tags as the workspace spells them (recorded as spelled here when they are new), so
    // that seeded tags compare without regard to case like those members add.
    let spelled = {
        let tags: Vec<String> = TAGS.iter().map(|tag| (*tag).to_owned()).collect();
        let mut tx = db.begin_write().await?;
        let spelled = crate::records::db::spell_tags(
            &mut tx,
            crate::records::db::Kind::People,
            workspace,
            &tags,
        )
        .await?;
        tx.commit().await?;
        spelled
    };
    let mut made = 0;
    let mut tags_made = 0;
    while made < count {
        let mut tx = db.begin_write().await?;
        let in_transaction = (count - made).min(ROWS_PER_TRANSACTION);
        let mut done_here = 0;
        while done_here < in_transaction {
            let batch = (in_transaction - done_here).min(ROWS_PER_INSERT);
            let mut people = String::from(
                "INSERT INTO people (id, workspace_id, first_name, last_name, job_title,
                     company_name, company_id, email, phone, owner_id, source, lawful_basis,
                     lawful_basis_at,
                     lawful_basis_evidence, marketing_permission, marketing_permission_how,
                     sort_name, search_text, match_key, created_at, updated_at, version) VALUES ",
            );
            let mut rows = Vec::with_capacity(batch);
            let mut person_tags: Vec<(String, &str)> = Vec::new();
            for i in 0..batch {
                let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
                let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
                let company = format!(
                    "{} {}",
                    COMPANY_WORDS[rng.random_range(0..COMPANY_WORDS.len())],
                    COMPANY_KINDS[rng.random_range(0..COMPANY_KINDS.len())]
                );
                let domain = company.to_lowercase().replace(' ', "");
                let serial = made + done_here + i;
                let email = format!(
                    "{}.{}{}@{domain}.example",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    serial
                );
                // UK mobile numbers from the range Ofcom keeps for drama (07700 900000 to 900999)
                // and others alike, valid in form, and nobody's.
                let phone = (rng.random_range(0..10) < 8)
                    .then(|| format!("+4477009{:05}", rng.random_range(0..100_000)));
                let id = uuid::Uuid::new_v4().to_string();
                let created = now - rng.random_range(0..two_years_ms);
                let derived = derived(first, last, Some(&email), phone.as_deref(), &company);
                let basis = ["consent", "contract", "legitimate_interest"][rng.random_range(0..3)];
                let permission = ["granted", "refused", "unknown"][rng.random_range(0..3)];
                for tag in &spelled {
                    if rng.random_range(0..5) == 0 {
                        person_tags.push((id.clone(), tag.as_str()));
                    }
                }
                rows.push(SeedRow {
                    id,
                    first,
                    last,
                    job_title: JOB_TITLES[rng.random_range(0..JOB_TITLES.len())],
                    company,
                    email,
                    phone,
                    owner: owners[serial % owners.len()].map(|m| m.to_string()),
                    basis,
                    permission,
                    derived,
                    created,
                });
            }
            const COLUMNS: usize = 20;
            for i in 0..batch {
                let b = i * COLUMNS;
                if i > 0 {
                    people.push(',');
                }
                people.push('(');
                for c in 1..=COLUMNS {
                    if c > 1 {
                        people.push(',');
                    }
                    people.push_str(&format!("${}", b + c));
                }
                // updated_at repeats created_at; every row starts at version 1.
                people.push_str(&format!(", ${}, 1)", b + COLUMNS));
            }
            let mut insert = sqlx::query(&people);
            for row in &rows {
                insert = insert
                    .bind(&row.id)
                    .bind(workspace)
                    .bind(row.first)
                    .bind(row.last)
                    .bind(row.job_title)
                    .bind(&row.company)
                    .bind(company_ids.get(&row.company).map(String::as_str))
                    .bind(&row.email)
                    .bind(&row.phone)
                    .bind(&row.owner)
                    .bind("Seed data")
                    .bind(row.basis)
                    .bind(row.created)
                    .bind("Generated by server seed")
                    .bind(row.permission)
                    .bind("Generated by server seed")
                    .bind(&row.derived.sort_name)
                    .bind(&row.derived.search_text)
                    .bind(&row.derived.match_key)
                    .bind(row.created);
            }
            insert.execute(&mut *tx).await?;
            for chunk in person_tags.chunks(ROWS_PER_INSERT) {
                let mut sql =
                    String::from("INSERT INTO person_tags (person_id, workspace_id, tag) VALUES ");
                for i in 0..chunk.len() {
                    if i > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3));
                }
                let mut insert = sqlx::query(&sql);
                for (person, tag) in chunk {
                    insert = insert.bind(person).bind(workspace).bind(*tag);
                }
                insert.execute(&mut *tx).await?;
                tags_made += chunk.len();
            }
            done_here += batch;
        }
        tx.commit().await?;
        made += in_transaction;
    }
    let leads = seed_leads(db, workspace, count / 10, &owners, &mut rng, now).await?;
    let mut companies: Vec<(String, String)> = company_ids
        .iter()
        .map(|(name, id)| (id.clone(), name.clone()))
        .collect();
    // In a fixed order, so that a seed gives the same data every time.
    companies.sort();
    let sources = super::opportunities::SeedSources {
        owners: &owners,
        companies: &companies,
        now,
    };
    let opportunities =
        super::opportunities::seed_opportunities(db, workspace, count / 20, &sources, &mut rng)
            .await?;
    if db.backend() == crate::db::Backend::Postgres {
        // What autovacuum does soon after a bulk load, done at once: fresh statistics for the
        // planner, and a visibility map that lets the counts and lists read their indexes alone.
        sqlx::query(
            "VACUUM ANALYZE people, person_tags, companies, company_tags, leads, opportunities,
                            opportunity_people",
        )
        .execute(db.pool())
        .await?;
    }
    tracing::info!(workspace_id = %workspace, people = made, leads, opportunities, "seeded people");
    Ok(SeedReport {
        people: made,
        tags: tags_made,
        companies: companies_made,
        leads,
        opportunities,
    })
}

/// Adds `count` fake leads, newest in the last 90 days, in every status and from every source,
/// owned in turn by the members.
async fn seed_leads(
    db: &Db,
    workspace: WorkspaceId,
    count: usize,
    owners: &[Option<MemberId>],
    rng: &mut StdRng,
    now: i64,
) -> Result<usize, AppError> {
    use crm_core::leads::{LeadSource, LeadStatus};
    const ROWS_PER_INSERT: usize = 200;
    const COLUMNS: usize = 12;
    let ninety_days_ms: i64 = 90 * 24 * 60 * 60 * 1000;
    let mut tx = db.begin_write().await?;
    let mut made = 0;
    while made < count {
        let batch = (count - made).min(ROWS_PER_INSERT);
        let rows = (0..batch)
            .map(|i| {
                let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
                let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
                let company = format!(
                    "{} {}",
                    COMPANY_WORDS[rng.random_range(0..COMPANY_WORDS.len())],
                    COMPANY_KINDS[rng.random_range(0..COMPANY_KINDS.len())]
                );
                let serial = made + i;
                let email = format!(
                    "{}.{}.lead{serial}@{}.example",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    company.to_lowercase().replace(' ', "")
                );
                let name = format!("{first} {last}");
                let search = crate::leads::db::search_text(&name, &email, &company, None);
                let status = LeadStatus::ALL[rng.random_range(0..LeadStatus::ALL.len())];
                let source = LeadSource::ALL[rng.random_range(0..LeadSource::ALL.len())];
                (
                    name,
                    email,
                    company,
                    status.as_str(),
                    source.as_str(),
                    owners[serial % owners.len()].map(|m| m.to_string()),
                    search,
                    now - rng.random_range(0..ninety_days_ms),
                )
            })
            .collect::<Vec<_>>();
        let values = (0..batch)
            .map(|i| {
                let b = i * COLUMNS;
                let cells = (1..=COLUMNS)
                    .map(|c| format!("${}", b + c))
                    .collect::<Vec<_>>();
                format!("({}, 1)", cells.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO leads (id, workspace_id, name, email, company_name, status, source,
                                owner_id, search_text, created_at, updated_at, message, version)
             VALUES {values}"
        );
        let mut insert = sqlx::query(&sql);
        for (name, email, company, status, source, owner, search, created) in rows {
            insert = insert
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(workspace)
                .bind(name)
                .bind(email)
                .bind(company)
                .bind(status)
                .bind(source)
                .bind(owner)
                .bind(search)
                .bind(created)
                .bind(created)
                .bind("Generated by server seed");
        }
        insert.execute(&mut *tx).await?;
        made += batch;
    }
    tx.commit().await?;
    Ok(made)
}

/// Every company the fake people work at (each pairing of a word and a kind), added once to the
/// workspace with a domain and a place; answers their ids by name and how many were added.
async fn seed_companies(
    db: &Db,
    workspace: WorkspaceId,
    owners: &[Option<MemberId>],
    now: i64,
) -> Result<(HashMap<String, String>, usize), AppError> {
    let mut ids: HashMap<String, String> = HashMap::new();
    for row in sqlx::query("SELECT id, name FROM companies WHERE workspace_id = $1")
        .bind(workspace)
        .fetch_all(db.pool())
        .await?
    {
        ids.insert(row.try_get("name")?, row.try_get("id")?);
    }
    let mut made = 0;
    let mut tx = db.begin_write().await?;
    for (w, word) in COMPANY_WORDS.iter().enumerate() {
        for (k, kind) in COMPANY_KINDS.iter().enumerate() {
            let name = format!("{word} {kind}");
            if ids.contains_key(&name) {
                continue;
            }
            let (city, country) = PLACES[(w + k) % PLACES.len()];
            let company = Company {
                domain: Some(format!("{}.example", name.to_lowercase().replace(' ', ""))),
                city: city.to_owned(),
                country: country.to_owned(),
                owner: owners[made % owners.len()].map(|id| MemberOption {
                    id,
                    name: String::new(),
                }),
                ..Company::new(CompanyId::random(), name)
            };
            crate::companies::db::insert(&mut tx, workspace, &company, now).await?;
            ids.insert(company.name, company.id.to_string());
            made += 1;
        }
    }
    tx.commit().await?;
    Ok((ids, made))
}

struct SeedRow {
    id: String,
    first: &'static str,
    last: &'static str,
    job_title: &'static str,
    company: String,
    email: String,
    phone: Option<String>,
    owner: Option<String>,
    basis: &'static str,
    permission: &'static str,
    derived: Derived,
    created: i64,
}
