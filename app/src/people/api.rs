//! Server functions of the people pages. Each checks the session and works in the session's
//! workspace only; no workspace id ever comes from the browser.

use leptos::prelude::*;

use crm_core::error::AppError;
use crm_core::ids::PersonId;
use crm_core::people::contacts::{AddressFields, ContactType, PersonList};
use crm_core::people::{PeoplePage, PeopleQuery, Person, PersonField, PersonRecord};
use crm_core::records::Saved;

#[cfg(feature = "ssr")]
use crate::member::as_member;

use crate::records::RecordApi;

/// One page of the people list. Errors answer with their own HTTP status (401, 404, 409, 422),
/// here and in the functions below.
#[server(prefix = "/api", endpoint = "people/list")]
pub async fn list_people(query: PeopleQuery) -> Result<PeoplePage, AppError> {
    as_member(|session, state| async move {
        crm_backend::people::service::list_page(
            &state.db,
            session.viewer.workspace_id,
            session.viewer.workspace_country,
            &query,
        )
        .await
    })
    .await
}

/// A person's page. An id that is not one of this workspace's people is "not found", whether
/// it exists elsewhere or not.
#[server(prefix = "/api", endpoint = "people/load")]
pub async fn load_person(id: String) -> Result<PersonRecord, AppError> {
    as_member(|session, state| async move {
        let id = PersonId::parse(&id).ok_or(AppError::NotFound)?;
        let workspace = session.viewer.workspace_id;
        let home = session.viewer.workspace_country;
        match crm_backend::people::service::record(&state.db, workspace, home, id).await {
            // Merged into another: the old address leads to the survivor.
            Err(AppError::NotFound) => {
                let survivor = crate::records::api::merged_into(
                    &state,
                    workspace,
                    crm_core::records::Kind::People,
                    &id.to_string(),
                )
                .await?;
                let survivor = PersonId::parse(&survivor).ok_or(AppError::NotFound)?;
                crm_backend::people::service::record(&state.db, workspace, home, survivor).await
            }
            other => other,
        }
    })
    .await
}

/// Saves one field edited in the page; answers with the person as now stored.
#[server(prefix = "/api", endpoint = "people/save-field")]
pub async fn save_person_field(
    id: PersonId,
    field: PersonField,
    value: String,
    base: String,
    version: i64,
) -> Result<PersonRecord, AppError> {
    as_member(|session, state| async move {
        let edit = crm_backend::people::service::FieldEdit {
            person: id,
            field,
            value,
            base,
            version,
        };
        crm_backend::people::service::save_field(&state.db, &session, &edit).await
    })
    .await
}

/// Adds a further e-mail address or phone number to a person; answers with their page as now
/// stored. A value that is not an address or a number of its type is refused (422) with what to
/// fix, under the field name `value`.
#[server(prefix = "/api", endpoint = "people/add-contact")]
pub async fn add_person_contact(
    id: String,
    kind: ContactType,
    value: String,
) -> Result<PersonRecord, AppError> {
    add_item(
        id,
        crm_backend::people::service::NewItem::Contact { kind, value },
    )
    .await
}

/// Adds a mailing address to a person; answers with their page as now stored. A missing or
/// wrong part is refused (422) under its own field name (`street`, `city`, ...).
#[server(prefix = "/api", endpoint = "people/add-address")]
pub async fn add_person_address(
    id: String,
    address: AddressFields,
) -> Result<PersonRecord, AppError> {
    add_item(id, crm_backend::people::service::NewItem::Address(address)).await
}

#[cfg(feature = "ssr")]
async fn add_item(
    id: String,
    item: crm_backend::people::service::NewItem,
) -> Result<PersonRecord, AppError> {
    as_member(|session, state| async move {
        let id = PersonId::parse(&id).ok_or(AppError::NotFound)?;
        crm_backend::people::service::add_item(&state.db, &session, id, &item).await
    })
    .await
}

/// Removes one of a person's further e-mail addresses and phone numbers, or one of their mailing
/// addresses (`list` says which); answers with their page as now stored.
#[server(prefix = "/api", endpoint = "people/remove-item")]
pub async fn remove_person_item(
    id: String,
    list: PersonList,
    item: String,
) -> Result<PersonRecord, AppError> {
    as_member(|session, state| async move {
        let id = PersonId::parse(&id).ok_or(AppError::NotFound)?;
        crm_backend::people::service::remove_item(&state.db, &session, id, list, &item).await
    })
    .await
}

impl RecordApi for Person {
    async fn save(
        id: String,
        field: PersonField,
        value: String,
        base: String,
        version: i64,
    ) -> Result<Saved<Self>, AppError> {
        let id = PersonId::parse(&id).ok_or(AppError::NotFound)?;
        let record = save_person_field(id, field, value, base, version).await?;
        Ok(Saved {
            record: record.person,
            timeline: record.timeline,
        })
    }

    async fn reload(id: String) -> Result<Saved<Self>, AppError> {
        let record = load_person(id).await?;
        Ok(Saved {
            record: record.person,
            timeline: record.timeline,
        })
    }
}
